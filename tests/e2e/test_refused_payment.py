"""A refused posting resolved by recording credit, in English and in French: the customer pays
invoice 1001 after it was deleted in QuickBooks, Activity says why Remit could not record it
(the ledger's words under Details), Ignore asks first and is undone from its notice, and
Record as customer credit books the whole payment as Amy's credit, once."""

import re
from decimal import Decimal

import pytest

import sandbox.quickbooks_data
from addon.extensions import db
from addon.models import Company
from addon.pay.views import pay_link
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd

INVOICE_1001 = "130"
WORDS = {
    "en": {"language": "English", "cause": "no longer exists in QuickBooks",
           "details": "Details", "credit": "Record as customer credit",
           "refund": "Open in Stripe to refund", "ignore": "Ignore…",
           "confirm": "Ignore this payment?", "ignore_button": "Ignore", "undo": "Undo",
           "undone": "Undone: it is back among the failures to resolve.",
           "recording": "Remit is recording this payment as the customer's credit.",
           "recorded": "Recorded"},
    "fr": {"language": "Français", "cause": "n’existe plus dans QuickBooks",
           "details": "Détails", "credit": "Enregistrer en avoir du client",
           "refund": "Ouvrir dans Stripe pour rembourser", "ignore": "Ignorer…",
           "confirm": "Ignorer ce paiement ?", "ignore_button": "Ignorer",
           "undo": "Annuler l’action",
           "undone": "C’est annulé : l’opération revient parmi les échecs à résoudre.",
           "recording": "Remit enregistre ce paiement en avoir du client.",
           "recorded": "Enregistré"},
}


def realm() -> str:
    db.session.expire_all()
    return db.session.query(Company).one().external_id


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_refused_payment_is_resolved_by_recording_credit(chromium, live_server, screenshots,
                                                           language):
    t = WORDS[language]
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20000)
    page = context.new_page()
    quickbooks_collecting_usd(page, live_server)
    company = db.session.query(Company).one()
    link = pay_link(company.id, INVOICE_1001)
    invoices = sandbox.quickbooks_data.COMPANIES[company.external_id]["Invoice"]

    customer = context.new_page()
    customer.goto(link)
    customer.get_by_label("Amount to pay (USD)").fill("250.00")
    invoices[:] = [found for found in invoices if found["Id"] != INVOICE_1001]  # deleted now
    customer.get_by_role("button", name="Pay").click()
    customer.get_by_label("Card number").fill("4242 4242 4242 4242")
    customer.get_by_role("button", name="Pay").click()
    customer.get_by_role("heading", name="Thank you").wait_for()

    page.goto(live_server + "/activity")
    if language == "fr":
        page.get_by_role("button", name=t["language"]).click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    row = page.get_by_role("row", name=re.compile(r"250[.,]00"))
    assert t["cause"] in row.inner_text()
    row.get_by_text(t["details"], exact=True).click()
    assert "Object Not Found" in row.inner_text()
    refund = row.get_by_role("link", name=t["refund"])
    assert (refund.get_attribute("target"), refund.get_attribute("rel")) == ("_blank", "noopener")
    page.screenshot(path=screenshots / f"1-refused-{language}.png", full_page=True)

    row.get_by_role("link", name=t["ignore"]).click()
    assert page.get_by_role("heading", level=1).inner_text() == t["confirm"]
    page.screenshot(path=screenshots / f"2-ignore-confirm-{language}.png", full_page=True)
    page.get_by_role("button", name=t["ignore_button"], exact=True).click()
    page.get_by_role("main").get_by_role("status").get_by_role("button", name=t["undo"]).click()
    assert t["undone"] in page.get_by_role("main").get_by_role("status").inner_text()

    row = page.get_by_role("row", name=re.compile(r"250[.,]00"))
    row.get_by_role("button", name=t["credit"]).click()
    assert t["recording"] in page.get_by_role("main").get_by_role("status").inner_text()
    row = page.get_by_role("row", name=re.compile(r"250[.,]00"))
    assert t["recorded"] in row.inner_text()
    page.screenshot(path=screenshots / f"3-credit-{language}.png", full_page=True)

    (payment,) = sandbox.quickbooks_data.COMPANIES[realm()]["Payment"]
    assert (payment["CustomerRef"]["value"], payment["UnappliedAmt"], payment["Line"]) == (
        "1", Decimal("250.00"), [])
    context.close()
