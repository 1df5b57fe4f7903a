"""A bookkeeper reads Activity in English and French: a payment made through Remit's pay page
under its invoice number and customer, its fee, payouts, and a posting the ledger refused;
filters by status; the page fits a 320 px phone. Saves the screenshot README shows."""

import re

import pytest

import sandbox.stripe
from addon.extensions import db
from addon.models import Gateway, Posting, WorkStatus
from addon.posting.engine import idempotency_key
from tests.app.reconcile_data import add_payouts
from tests.e2e.pay_links import pay_link_for
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd

WORDS = {
    "en": {"heading": "Activity", "amount": "100.00 USD", "recorded": "Recorded",
           "failed": "Failed", "attention": "Needs attention", "all": "All",
           "invoice": "Invoice and customer", "fee": "Fee", "payout": "Payout",
           "ledger": "In QuickBooks", "deposit": "Deposit"},
    "fr": {"heading": "Activité", "amount": "100,00 USD", "recorded": "Enregistré",
           "failed": "En échec", "attention": "À traiter", "all": "Tout",
           "invoice": "Facture et client", "fee": "Frais", "payout": "Versement",
           "ledger": "Dans QuickBooks", "deposit": "Dépôt"},
}


def refused_payment(gateway: Gateway) -> None:
    """A payment for invoice 1002 that QuickBooks refused (as the runner stores one)."""
    db.session.add(Posting(
        company_id=gateway.company_id, gateway_id=gateway.id, kind="payment",
        source_id="pi_refused", amount_minor=4250, currency="USD", status=WorkStatus.FAILED,
        error="The deposit account 4 no longer exists or is inactive in the ledger. Edit the "
              "gateway's accounts.",
        payload={"metadata": {"remit_invoices": "131", "remit_numbers": "1002",
                              "remit_customer_name": "Amy's Bird Sanctuary"}},
        idempotency_key=idempotency_key(gateway.company_id, "payment", "pi_refused", 1)))
    db.session.commit()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_activity_in_the_bookkeepers_words(chromium, live_server, screenshots, language):
    t = WORDS[language]
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20000)
    page = context.new_page()
    quickbooks_collecting_usd(page, live_server)
    sandbox.stripe.set_balance_scenario("succeeded")  # Stripe's fee is known at once

    customer = context.new_page()
    customer.goto(pay_link_for("130"))
    customer.get_by_label("Amount to pay (USD)").fill("100.00")
    customer.get_by_role("button", name="Pay").click()
    customer.get_by_label("Card number").fill("4242 4242 4242 4242")
    customer.get_by_role("button", name="Pay").click()
    customer.get_by_role("heading", name="Thank you").wait_for()
    gateway = db.session.query(Gateway).one()
    add_payouts(gateway)
    refused_payment(gateway)

    page.goto(live_server + "/activity")
    if language == "fr":
        page.get_by_role("button", name="Français").click()
        page.locator("html[lang=fr]").wait_for(state="attached")
    page.get_by_role("heading", name=t["heading"], level=1).wait_for()
    table = page.get_by_role("table")
    assert table.get_by_role("columnheader", name=t["invoice"]).count() == 1
    assert table.get_by_role("columnheader", name=t["ledger"]).count() == 1
    paid = page.get_by_role("row").filter(has_text=t["amount"]).filter(has_text="1001")
    assert paid.count() == 1
    assert "Amy's Bird Sanctuary" in paid.inner_text() and t["recorded"] in paid.inner_text()
    assert paid.get_by_role("link", name=re.compile(r"^pi_")).get_attribute("target") == "_blank"
    fee = page.get_by_role("row").filter(has=page.get_by_text(t["fee"], exact=True)).filter(
        has_text="1001")
    assert fee.count() == 1  # the fee names the payment's invoice
    payout = page.get_by_role("row").filter(has_text="po_balanced")
    assert t["deposit"] in payout.inner_text()
    refused = page.get_by_role("row").filter(has_text="1002")
    assert t["failed"] in refused.inner_text()
    page.screenshot(path=screenshots / "1-activity.png", full_page=True)

    page.get_by_role("link", name=re.compile(t["attention"])).click()
    page.wait_for_url(re.compile(r"status=attention"))
    shown = page.locator("table tbody tr")
    texts = [shown.nth(i).inner_text() for i in range(shown.count())]
    assert any("1002" in row for row in texts)
    assert not any(t["recorded"] in row for row in texts)
    assert page.get_by_role("link", name=re.compile(t["attention"])).get_attribute(
        "aria-current") == "page"

    page.get_by_role("link", name=re.compile(f"^{t['all']} ")).click()
    page.set_viewport_size({"width": 320, "height": 800})
    region = page.get_by_role("region", name=re.compile("."))
    widths = page.locator(".activity-scroll").evaluate(
        "el => [el.scrollWidth, el.clientWidth]")
    wide = page.evaluate("""() => [...document.querySelectorAll('.activity-scroll *')]
        .filter(e => e.getBoundingClientRect().right > 300).slice(0, 5)
        .map(e => [e.tagName, e.className, e.getBoundingClientRect().right,
                   e.textContent.slice(0, 60)].join(' '))""")
    assert widths[0] <= widths[1], (widths, wide)  # one card per row: nothing scrolls sideways
    assert region.count() >= 1
    page.screenshot(path=screenshots / "2-activity-320px.png", full_page=True)
    context.close()
