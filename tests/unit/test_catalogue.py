"""Every user-facing string in the code has a French translation, none fuzzy or stale."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHOD_MAP = [("addon/**.py", "python"), ("addon/templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = extract_from_dir(str(ROOT), METHOD_MAP, keywords=keywords)
    return {message[2] if isinstance(message[2], str) else message[2][0] for message in found}


def test_french_catalogue_covers_every_string():
    with open(ROOT / "addon/translations/fr/LC_MESSAGES/messages.po", "rb") as file:
        catalogue = read_po(file, locale="fr")
    # A plural message's id and string are tuples: its singular, and every plural form.
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and not m.fuzzy
                  and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    used = source_messages()
    assert used, "extraction found no strings: the method map is wrong"
    missing = used - translated
    assert missing == set(), "strings without French (make extract-messages, then translate)"
