"""The set-up form in Chromium, in English and French: a new gateway's form arrives with what
has one sensible answer already chosen (the home currency, its only A/R account), the account
types in the page's language and the unready currencies folded away; then two tabs edit the
same gateway, and the second to save is told it changed meanwhile and sees the first's values
instead of overwriting them."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_gateway_flow import new_quickbooks_gateway_form, pick

WORDS = {
    "en": {"deposit": "Deposit account", "save": "Save", "edit": "Edit",
           "undeposited": "Undeposited Funds · Other Current Asset", "more": "More currencies (2)",
           "conflict": "Stripe (tab A) was changed meanwhile, in another tab or by someone else.",
           "heading": "Edit Stripe (tab A)"},
    "fr": {"deposit": "Compte de dépôt", "save": "Enregistrer", "edit": "Modifier",
           "undeposited": "Undeposited Funds · Autres actifs à court terme",
           "more": "Autres devises (2)",
           "conflict": "Stripe (tab A) a été modifiée entre-temps, dans un autre onglet ou par "
                       "quelqu’un d’autre.",
           "heading": "Modifier Stripe (tab A)"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_preselected_form_then_two_tabs_saving_one_gateway(chromium, live_server,
                                                             screenshots, language):
    w = WORDS[language]
    context = chromium.new_context(locale="en-US")
    page = context.new_page()
    new_quickbooks_gateway_form(page, live_server)
    if language == "fr":
        page.get_by_role("button", name="Français").click()
        page.wait_for_url(re.compile(r"/settings/gateways/\d+$"))

    expect(page.get_by_label("USD", exact=True)).to_be_checked()
    expect(page.get_by_label("EUR", exact=True)).not_to_be_checked()
    expect(page.locator("#receivable-USD option:checked")).to_have_text(
        "Accounts Receivable (A/R)")
    expect(page.locator("#deposit-USD option", has_text=w["undeposited"])).to_have_count(1)
    expect(page.get_by_label("JPY", exact=True)).to_be_hidden()  # folded away
    page.locator(".more-currencies summary").click()
    expect(page.locator(".more-currencies summary")).to_have_text(w["more"])
    expect(page.get_by_label("JPY", exact=True)).to_be_visible()
    page.screenshot(path=screenshots / "01-preselected-form.png", full_page=True)

    pick(page, w["deposit"], "USD", w["undeposited"])
    page.get_by_role("button", name=w["save"], exact=True).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    edit_url = page.get_by_role("row", name=re.compile("Stripe.com")).get_by_role(
        "link", name=re.compile(w["edit"])).get_attribute("href")

    tab_a, tab_b = page, context.new_page()
    tab_a.goto(live_server + edit_url)
    tab_b.goto(live_server + edit_url)
    tab_a.locator("#description").fill("Stripe (tab A)")
    tab_a.get_by_role("button", name=w["save"], exact=True).click()
    tab_a.wait_for_url(re.compile(r"/settings/gateways$"))

    tab_b.locator("#description").fill("Stripe (tab B)")
    tab_b.get_by_role("button", name=w["save"], exact=True).click()
    expect(tab_b.get_by_role("alert")).to_contain_text(w["conflict"])
    expect(tab_b.locator("#description")).to_have_value("Stripe (tab A)")
    expect(tab_b.locator("h1")).to_have_text(w["heading"])
    assert tab_b.title().split(" · ")[0].endswith(w["heading"])
    tab_b.screenshot(path=screenshots / "02-changed-meanwhile.png", full_page=True)

    tab_b.locator("#description").fill("Stripe (tab B)")  # made again, on the current values
    tab_b.get_by_role("button", name=w["save"], exact=True).click()
    tab_b.wait_for_url(re.compile(r"/settings/gateways$"))
    expect(tab_b.get_by_role("row", name=re.compile(r"Stripe \(tab B\)"))).to_have_count(1)
    context.close()


def test_a_long_unbroken_description_wraps_instead_of_widening_the_page(chromium, live_server):
    page = chromium.new_context(locale="en-US", viewport={"width": 800, "height": 900}).new_page()
    new_quickbooks_gateway_form(page, live_server)
    long_name = "Stripe-" + "x" * 240
    page.locator("#description").fill(long_name)
    pick(page, "Deposit account", "USD", "Undeposited Funds")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= 800
    page.get_by_role("row", name=re.compile("Stripe-x")).get_by_role(
        "link", name=re.compile("Edit")).click()
    expect(page.locator("h1")).to_contain_text(long_name)
    assert page.evaluate(width) <= 800
