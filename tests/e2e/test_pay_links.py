"""The pay-link picker in Chromium, in English and French: the bookkeeper types the number
printed on the invoice (QuickBooks `1001`, Xero `INV-0003`), makes the link, copies it in one
click; the customer opens it, sees the invoice and pays through the sandbox's Stripe Checkout;
the payment reaches the ledger, and the picker then shows what is left to pay."""

import re

import pytest
from sqlalchemy import select

import sandbox.stripe
from addon.extensions import db
from addon.models import Gateway
from tests.e2e.test_gateway_flow import new_xero_gateway_form, pick, quickbooks_collecting_usd

LABELS = {
    "en": {"nav": "Pay links", "search": "Invoice number or customer name",
           "search_button": "Search", "make": "Make link", "copy": "Copy",
           "copied": "Link copied.", "link": "Send this link to your customer",
           "pay": "Pay", "amount": "Amount to pay ({currency})", "thanks": "Thank you",
           "voided": "Voided", "language": "English"},
    "fr": {"nav": "Liens de paiement", "search": "Numéro de facture ou nom du client",
           "search_button": "Rechercher", "make": "Créer le lien", "copy": "Copier",
           "copied": "Lien copié.", "link": "Envoyez ce lien à votre client",
           "pay": "Payer", "amount": "Montant à payer ({currency})", "thanks": "Merci",
           "voided": "Annulée", "language": "Français"},
}


def in_language(page, language):
    """Choose the page language with the footer's switch, as a bookkeeper would (the
    current language's button is pressed and disabled)."""
    if language != "en":
        page.get_by_role("button", name=LABELS[language]["language"]).click()
        page.wait_for_load_state()


def make_link(page, live_server, language, number):
    """Pay links (header nav) → type the number → Make link → Copy: the link, read back from
    the clipboard."""
    t = LABELS[language]
    page.goto(live_server + "/")
    page.get_by_role("navigation").get_by_role("link", name=t["nav"]).click()
    page.get_by_label(t["search"]).fill(number)
    page.get_by_role("button", name=t["search_button"], exact=True).click()
    row = page.get_by_role("row", name=re.compile(re.escape(number)))
    row.get_by_role("button", name=re.compile(t["make"])).click()
    field = page.get_by_label(t["link"])
    link = field.input_value()
    assert "/pay/" in link
    page.get_by_role("button", name=t["copy"], exact=True).click()
    page.get_by_role("status").filter(has_text=t["copied"]).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    return link


def customer_pays(context, link, language, currency, amount):
    t = LABELS[language]
    customer = context.new_page()
    customer.goto(link)
    customer.get_by_label(t["amount"].format(currency=currency)).fill(amount)
    customer.get_by_role("button", name=t["pay"], exact=True).click()
    customer.get_by_label("Card number").fill("4242 4242 4242 4242")
    customer.get_by_role("button", name="Pay", exact=True).click()
    customer.get_by_role("heading", name=t["thanks"]).wait_for()
    return customer


def searched(page, live_server, text):
    page.goto(live_server + "/pay-links?q=" + text)
    return page.get_by_role("row", name=re.compile(re.escape(text))).inner_text()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_quickbooks_pay_link_made_by_typing_1001(chromium, live_server, screenshots,
                                                    language):
    context = chromium.new_context(locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(20000)
    page = context.new_page()
    quickbooks_collecting_usd(page, live_server)
    in_language(page, language)

    page.goto(live_server + "/pay-links?q=amy")
    page.screenshot(path=screenshots / f"pay-links-{language}.png", full_page=True)
    link = make_link(page, live_server, language, "1001")
    page.screenshot(path=screenshots / f"pay-link-made-{language}.png", full_page=True)

    customer = customer_pays(context, link, language, "USD", "100,00" if language == "fr"
                             else "100.00")
    assert customer.url.endswith("/thanks")
    left = searched(page, live_server, "1001")
    assert ("150,00" if language == "fr" else "150.00") in left  # read fresh from QuickBooks
    assert LABELS[language]["voided"] in searched(page, live_server, "1003")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_xero_pay_link_made_by_typing_inv_0003(chromium, live_server, screenshots, language):
    context = chromium.new_context(locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(20000)
    page = context.new_page()
    xero_collecting_gbp_and_eur(page, live_server)
    in_language(page, language)

    link = make_link(page, live_server, language, "INV-0003")
    page.screenshot(path=screenshots / f"xero-pay-link-{language}.png", full_page=True)
    customer = customer_pays(context, link, language, "EUR", "100,00" if language == "fr"
                             else "100.00")
    assert customer.url.endswith("/thanks")
    console = context.new_page()
    console.goto(live_server + "/sandbox/xero/")
    assert re.search(r"INV-0003.*EUR.*480\.00.*380\.00",
                     console.get_by_role("main").inner_text().replace("\n", " "))
    assert ("380,00" if language == "fr" else "380.00") in searched(page, live_server,
                                                                     "INV-0003")


def xero_collecting_gbp_and_eur(page, live_server):
    """Connect the sandbox's UK organisation and set up a Stripe gateway for GBP and EUR (the
    euros into the Euro Account); the Stripe account settles in euros (a euro bank account at
    Stripe), so the payment is not converted."""
    new_xero_gateway_form(page, live_server)
    page.get_by_label("GBP", exact=True).check()
    page.get_by_label("EUR", exact=True).check()
    pick(page, "Deposit account", "GBP", "Stripe Clearing · CURRENT")
    pick(page, "Deposit account", "EUR", "Euro Account · BANK")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    db.session.expire_all()
    sandbox.stripe.settle_in(db.session.scalar(select(Gateway.account_id)), "EUR", "GBP")
