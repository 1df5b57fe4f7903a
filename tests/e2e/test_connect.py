"""Connect a ledger the way a new user does: home → platform consent (sandbox) → settings."""

import re


def test_connect_to_quickbooks(chromium, live_server, screenshots):
    page = chromium.new_context(locale="en-US").new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="Connect to QuickBooks").click()
    page.get_by_role("button", name="Approve").wait_for()
    page.screenshot(path=screenshots / "1-intuit-consent.png", full_page=True)
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    assert page.get_by_role("heading", level=2, name="Remit Sandbox Company US").is_visible()
    assert page.get_by_role("button", name="Disconnect from QuickBooks").is_visible()
    assert page.get_by_role("row", name=re.compile("^EUR")).is_visible()
    page.screenshot(path=screenshots / "2-settings.png", full_page=True)


def test_connect_to_xero_choosing_organisations(chromium, live_server, screenshots):
    page = chromium.new_context(locale="en-GB").new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="Connect to Xero").click()
    page.get_by_role("button", name="Allow access").wait_for()
    page.screenshot(path=screenshots / "1-xero-consent.png", full_page=True)
    page.get_by_role("button", name="Allow access").click()
    page.get_by_role("heading", name="Choose the organisations to connect").wait_for()
    checkboxes = page.get_by_role("checkbox")
    assert checkboxes.count() == 2
    page.screenshot(path=screenshots / "2-choose-organisations.png", full_page=True)
    page.get_by_role("button", name="Connect").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    assert page.get_by_label("Company").locator("option").count() == 2
    assert page.get_by_role("button", name="Disconnect from Xero").is_visible()
    page.screenshot(path=screenshots / "3-settings.png", full_page=True)


def test_denying_consent_explains_and_offers_to_try_again(chromium, live_server, screenshots):
    page = chromium.new_context(locale="en-US").new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="Connect to QuickBooks").click()
    page.get_by_role("button", name="Deny").click()
    assert page.get_by_role("alert").inner_text().startswith(
        "You cancelled the connection to QuickBooks."
    )
    assert page.get_by_role("link", name="Try again").is_visible()
    page.screenshot(path=screenshots / "denied.png", full_page=True)
