"""Disconnect in Chromium, in English and French: the settings page's button opens a
confirmation (no JavaScript needed), Cancel changes nothing, and once disconnected the
company's gateway says "Disconnected from QuickBooks" with the way back instead of "Active"."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_gateway_flow import quickbooks_collecting_usd

WORDS = {
    "en": {"disconnect": "Disconnect from QuickBooks", "cancel": "Cancel",
           "question": "Disconnect Remit Sandbox Company US from QuickBooks?",
           "badge": "Disconnected from QuickBooks", "reconnect": "Reconnect to QuickBooks",
           "active": "Active"},
    "fr": {"disconnect": "Déconnecter Remit de QuickBooks", "cancel": "Annuler",
           "question": "Déconnecter Remit Sandbox Company US de QuickBooks ?",
           "badge": "Déconnectée de QuickBooks", "reconnect": "Reconnecter Remit à QuickBooks",
           "active": "Active"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_disconnect_asks_first_then_the_gateway_says_so(chromium, live_server, screenshots,
                                                        language):
    w = WORDS[language]
    page = chromium.new_context(locale="en-US").new_page()
    quickbooks_collecting_usd(page, live_server)
    if language == "fr":
        page.get_by_role("button", name="Français").click()
        page.wait_for_url(re.compile(r"/settings/gateways$"))
    row = page.get_by_role("row", name=re.compile("Stripe.com"))
    expect(row).to_contain_text(w["active"])

    page.get_by_role("button", name=w["disconnect"]).click()
    expect(page.locator("h1")).to_have_text(w["question"])
    page.screenshot(path=screenshots / "01-confirm-disconnect.png", full_page=True)
    page.get_by_role("link", name=w["cancel"]).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    expect(page.get_by_role("row", name=re.compile("Stripe.com"))).to_contain_text(w["active"])

    page.get_by_role("button", name=w["disconnect"]).click()
    page.get_by_role("button", name=w["disconnect"]).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    row = page.get_by_role("row", name=re.compile("Stripe.com"))
    expect(row).to_contain_text(w["badge"])
    expect(row.get_by_role("link", name=w["reconnect"])).to_be_visible()
    assert w["active"] not in row.locator(".badge").all_inner_texts()
    page.screenshot(path=screenshots / "02-gateway-disconnected-from-ledger.png", full_page=True)
