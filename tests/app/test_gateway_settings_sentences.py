"""The settings page says each sentence once: the chart-of-accounts table no longer repeats its
Refresh advice or Xero's one receivable account on every currency's row."""

import pytest

from tests.app.oauth_flow import connect
from tests.app.page_reading import Page, sentences, speak
from tests.app.test_connect_xero import UK, choose


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("platform", ["quickbooks", "xero"])
def test_the_settings_page_says_each_sentence_once(client, platform, language):
    connect(client, platform)
    if platform == "xero":
        choose(client, UK)
    speak(client, language)
    page = Page(client.get("/settings/gateways").get_data(as_text=True))
    said = sentences(page)
    assert said, "no message found: the reader is wrong"
    assert {s for s in said if said.count(s) > 1} == set()
