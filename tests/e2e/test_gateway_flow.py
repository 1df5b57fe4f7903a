"""The whole gateway flow in Chromium, as a new user: connect the ledger, Add new gateway →
Stripe → create a Stripe account on the way → name it, USD + EUR → EUR has no A/R account →
create a EUR invoice in the sandbox → Refresh → pick it → Save → Edit (add GBP) → Remove."""

import re

import pytest

LABELS = {
    "en": {
        "connect_qbo": "Connect to QuickBooks", "add": "Add new gateway",
        "no_account": "I don't have one yet: I'll create it on the way",
        "connect_stripe": "Connect to Stripe", "description": "Description",
        "deposit": "Deposit account", "receivable": "Accounts-receivable account",
        "refresh": "Refresh", "save": "Save", "edit": "Edit", "remove": "Remove",
        "remove_confirm": "Remove the gateway", "active": "Active",
        "no_ar": "No A/R account in EUR yet", "empty": "No payment gateway yet",
        "required": "Give the gateway a description",
    },
    "fr": {
        "connect_qbo": "Se connecter à QuickBooks", "add": "Ajouter une passerelle",
        "no_account": "Je n’en ai pas encore : je le crée en chemin",
        "connect_stripe": "Se connecter à Stripe", "description": "Description",
        "deposit": "Compte de dépôt", "receivable": "Compte clients",
        "refresh": "Actualiser", "save": "Enregistrer", "edit": "Modifier", "remove": "Retirer",
        "remove_confirm": "Retirer la passerelle", "active": "Active",
        "no_ar": "Pas encore de compte clients en EUR", "empty": "Aucune passerelle de paiement",
        "required": "Donnez une description à la passerelle",
    },
}
ENGLISH_ON_FRENCH_PAGES = ("Payment gateway", "Deposit account", "Accounts receivable",
                           "Save", "Currencies collected", "Choose an account", "History")


def first_invoice(page, live_server, currency):
    """In the QuickBooks sandbox console, as a bookkeeper saving an invoice in QuickBooks."""
    console = page.context.new_page()
    console.goto(live_server + "/sandbox/quickbooks/")
    company = console.get_by_role("region", name="Remit Sandbox Company US")
    company.get_by_role("button", name=f"Create a {currency} invoice").click()
    assert f"created in {currency}" in console.get_by_role("status").inner_text()
    # The tab stays open: closing a page right after a navigation can hang Chromium, and
    # Page.close takes no timeout.


def pick(page, label, currency, option):
    """Choose an account by its name ("Checking · Bank" or just "Checking"): the account type
    after the dot is in the page's language."""
    select = page.locator(f"#accounts-{currency}").get_by_label(label, exact=True)
    name = option.split(" · ")[0]
    texts = select.locator("option").all_inner_texts()
    (wanted,) = [text for text in texts if text.split(" · ")[0] == name]
    select.select_option(label=wanted)


def new_quickbooks_gateway_form(page, live_server):
    """Sign in with the sandbox QuickBooks company, Add new gateway → Stripe, connect the
    sandbox's Stripe account: the new gateway's set-up form. The Add new gateway dialog is
    opened by remit.js, so this also proves scripts from 'self' run."""
    page.goto(live_server + "/")
    page.get_by_role("link", name="Connect to QuickBooks").click()
    page.get_by_role("button", name="Approve").click()
    # Waiting for the URL also waits for the load event, after which remit.js has turned the
    # Add new gateway link into a dialog (clicked earlier, it opens the no-script page).
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    page.get_by_role("link", name="Add new gateway").click()
    page.get_by_role("dialog").get_by_role("button", name="Connect to Stripe").click()
    page.get_by_role("button", name="Connect my Stripe account").click()
    page.wait_for_url(re.compile(r"/settings/gateways/\d+$"))


def new_xero_gateway_form(page, live_server):
    """Connect the sandbox's UK organisation only, then a Stripe account: the set-up form."""
    page.goto(live_server + "/")
    page.get_by_role("link", name="Connect to Xero").click()
    page.get_by_label("Remit Démo SARL").uncheck()
    page.get_by_role("button", name="Allow access").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    page.get_by_role("link", name="Add new gateway").click()
    page.get_by_role("dialog").get_by_role("button", name="Connect to Stripe").click()
    page.get_by_role("button", name="Connect my Stripe account").click()
    page.wait_for_url(re.compile(r"/settings/gateways/\d+$"))


def quickbooks_collecting_usd(page, live_server):
    """Sign in with the sandbox QuickBooks company and set up a Stripe gateway for USD
    (Undeposited Funds, A/R), as README's walk-through does."""
    new_quickbooks_gateway_form(page, live_server)
    page.get_by_label("USD", exact=True).check()
    pick(page, "Deposit account", "USD", "Undeposited Funds · Other Current Asset")
    pick(page, "Accounts-receivable account", "USD", "Accounts Receivable (A/R)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_quickbooks_company_adds_edits_and_removes_a_stripe_gateway(
        chromium, live_server, screenshots, language):
    t = LABELS[language]
    page = chromium.new_context(locale={"en": "en-US", "fr": "fr-CA"}[language]).new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name=t["connect_qbo"]).click()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    assert page.get_by_text(t["empty"]).is_visible()
    page.get_by_role("link", name=t["add"]).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(t["no_account"]).check()
    page.screenshot(path=screenshots / "01-add-new-gateway.png", full_page=True)
    dialog.get_by_role("button", name=t["connect_stripe"]).click()

    page.get_by_role("button", name="Create account and connect").wait_for()
    page.screenshot(path=screenshots / "02-stripe-create-account.png", full_page=True)
    page.get_by_role("button", name="Create account and connect").click()
    page.wait_for_url(re.compile(r"/settings/gateways/\d+$"))

    page.get_by_label(t["description"], exact=True).fill("")
    page.get_by_role("button", name=t["save"]).click()
    assert t["required"] in page.locator("#description-error").inner_text()
    page.get_by_label(t["description"], exact=True).fill("Stripe.com")
    page.get_by_label("USD", exact=True).check()
    page.get_by_label("EUR", exact=True).check()
    pick(page, t["deposit"], "USD", "Undeposited Funds · Other Current Asset")
    pick(page, t["receivable"], "USD", "Accounts Receivable (A/R)")
    pick(page, t["deposit"], "EUR", "Business EUR Account · Bank")
    assert t["no_ar"] in page.locator("#accounts-EUR").inner_text()
    page.screenshot(path=screenshots / "03-eur-has-no-receivable-account.png", full_page=True)

    first_invoice(page, live_server, "EUR")
    page.get_by_role("button", name=t["refresh"]).click()
    assert page.get_by_label(t["description"], exact=True).input_value() == "Stripe.com"
    assert page.get_by_label("EUR", exact=True).is_checked()
    pick(page, t["receivable"], "EUR", "Accounts Receivable (A/R) - EUR")
    page.screenshot(path=screenshots / "04-setup-complete.png", full_page=True)
    page.get_by_role("button", name=t["save"]).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    row = page.get_by_role("row", name=re.compile("Stripe.com"))
    assert t["active"] in row.inner_text() and "EUR, USD" in row.inner_text()
    page.screenshot(path=screenshots / "05-gateway-active.png", full_page=True)

    row.get_by_role("link", name=re.compile(t["edit"])).click()
    first_invoice(page, live_server, "GBP")
    page.get_by_label("GBP", exact=True).check()
    page.get_by_role("button", name=t["refresh"]).click()
    pick(page, t["deposit"], "GBP", "Business GBP Account · Bank")
    pick(page, t["receivable"], "GBP", "Accounts Receivable (A/R) - GBP")
    page.get_by_role("button", name=t["save"]).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    row = page.get_by_role("row", name=re.compile("Stripe.com"))
    assert "EUR, GBP, USD" in row.inner_text()

    if language == "fr":
        for english in ENGLISH_ON_FRENCH_PAGES:
            assert english not in page.locator("main").inner_text()
    row.get_by_role("link", name=re.compile(t["remove"])).click()
    page.get_by_role("button", name=t["remove_confirm"]).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    assert page.get_by_text(t["empty"]).is_visible()
    page.screenshot(path=screenshots / "06-removed.png", full_page=True)


def test_xero_organisation_sets_up_a_stripe_gateway(chromium, live_server, screenshots):
    page = chromium.new_context(locale="en-GB").new_page()
    new_xero_gateway_form(page, live_server)
    page.get_by_label("GBP", exact=True).check()
    page.get_by_label("EUR", exact=True).check()
    page.get_by_label("JPY", exact=True).uncheck()  # preselected: a bank account in JPY
    pick(page, "Deposit account", "GBP", "Stripe Clearing · Current asset")
    assert page.locator("#deposit-EUR option:checked").inner_text() == "Euro Account · Bank"
    assert "Accounts Receivable" in page.locator("#accounts-EUR").inner_text()
    page.screenshot(path=screenshots / "xero-setup.png", full_page=True)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    row = page.get_by_role("row", name=re.compile("Stripe.com"))
    assert "Active" in row.inner_text() and "EUR, GBP" in row.inner_text()
