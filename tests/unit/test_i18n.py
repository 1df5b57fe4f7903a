import pytest

from addon.i18n import language_of


@pytest.mark.parametrize(
    ("locale", "language"),
    [("fr-CA", "fr"), ("fr_FR", "fr"), ("FR", "fr"), ("en-US", "en"), ("de-DE", None), ("", None)],
)
def test_platform_locales_map_to_the_languages_we_speak(locale, language):
    assert language_of(locale) == language
