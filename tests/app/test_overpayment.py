"""A customer pays more than an invoice still owes (paid twice, or paid by other means before
Remit posts): the invoice is paid and the excess is the customer's credit in the ledger, through
the real path (pay page, Stripe stand-in, webhook, worker, ledger stand-in), in QuickBooks and
in Xero, and a retry after our own write never turns our payment into credit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

import sandbox.quickbooks_data
import sandbox.xero
from addon.extensions import db
from addon.ledger import connector_for
from addon.models import Posting, WorkStatus
from addon.posting import runner
from sandbox import quickbooks_payments, xero_api, xero_payment_rules
from sandbox.xero_seed import JPY_RATE
from tests.app.payment_flow import (
    checkout,
    company_with_stripe,
    count_xero_calls,
    crash_after_the_write_once,
    deliver_again,
    link_path,
    pay_and_deliver,
    xero_company_with_stripe,
)

AMYS_INVOICE = "130"  # 1001: 250.00 USD, Amy's Bird Sanctuary
CITY_INVOICE = sandbox.xero.INVOICE_IDS["INV-0001"]  # 250.00 GBP, City Limousines


def the_posting() -> Posting:
    db.session.expire_all()
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    return posting


def activity(client) -> str:
    return client.get("/activity").get_data(as_text=True)



# QuickBooks ------------------------------------------------------------------------------------

@pytest.fixture
def quickbooks(client):
    return company_with_stripe(client)


def qbo_payments(company) -> list[dict]:
    return sandbox.quickbooks_data.COMPANIES[company.external_id]["Payment"]


def qbo_paid_elsewhere(company, amount: str) -> None:
    """The bookkeeper records a cheque in QuickBooks for `amount` of Amy's invoice."""
    quickbooks_payments.create(company.external_id, {
        "CustomerRef": {"value": "1"}, "TotalAmt": amount, "CurrencyRef": {"value": "USD"},
        "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": AMYS_INVOICE,
                                                    "TxnType": "Invoice"}]}]})


def test_quickbooks_invoice_paid_twice_keeps_the_second_payment_as_credit(client, quickbooks):
    """The customer pays the whole invoice through Remit and, before Remit posts it, the invoice
    is paid a second time in QuickBooks (a cheque): Remit's payment is booked, all of it as
    customer credit. (An older Checkout tab can no longer be paid: tests/app/test_pay_page.py.)"""
    session_id = checkout(client, link_path(quickbooks, AMYS_INVOICE), "250.00")
    qbo_paid_elsewhere(quickbooks, "250.00")
    deliveries = pay_and_deliver(client, session_id)
    deliver_again(client, deliveries)

    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.DONE, posting.error
    assert posting.credit_minor == 25000
    cheque, again = qbo_payments(quickbooks)
    assert cheque["UnappliedAmt"] == 0
    assert (again["TotalAmt"], again["UnappliedAmt"], again["Line"]) == (
        Decimal("250.00"), Decimal("250.00"), [])
    assert connector_for(quickbooks).invoice(AMYS_INVOICE).balance == 0
    assert "All 250.00 USD kept as customer credit" in activity(client)


def test_quickbooks_partial_overpayment_applies_the_balance_and_credits_the_rest(
        client, quickbooks):
    """Checkout for 150 while 250 was due; 150 is paid by cheque meanwhile: 100 is left,
    so 100 is applied and 50 kept as credit, in one Payment."""
    session_id = checkout(client, link_path(quickbooks, AMYS_INVOICE), "150.00")
    qbo_paid_elsewhere(quickbooks, "150.00")

    pay_and_deliver(client, session_id)

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert posting.credit_minor == 5000
    remit = qbo_payments(quickbooks)[-1]
    assert (remit["TotalAmt"], remit["UnappliedAmt"]) == (Decimal("150.00"), Decimal("50.00"))
    assert [line["Amount"] for line in remit["Line"]] == [Decimal("100.00")]
    assert connector_for(quickbooks).invoice(AMYS_INVOICE).status == "paid"
    assert ("100.00 USD applied to invoice 1001, 50.00 USD kept as customer credit"
            in activity(client))


def test_quickbooks_retry_after_our_own_write_is_not_turned_into_credit(client, quickbooks,
                                                                        monkeypatch):
    crashed = crash_after_the_write_once(monkeypatch)

    pay_and_deliver(client, checkout(client, link_path(quickbooks, AMYS_INVOICE), "250.00"))

    posting = the_posting()
    assert crashed and posting.status is WorkStatus.DONE, posting.error
    assert posting.credit_minor is None and posting.attempts >= 2
    (payment,) = qbo_payments(quickbooks)
    assert (payment["TotalAmt"], payment["UnappliedAmt"]) == (Decimal("250.00"), 0)
    assert "customer credit" not in activity(client)


# Xero ------------------------------------------------------------------------------------------

@pytest.fixture
def xero(client):
    return xero_company_with_stripe(client)


def xero_org() -> dict:
    return xero_api.organisations()[sandbox.xero.UK_ORG]


def xero_paid_elsewhere(amount: str) -> None:
    """The bookkeeper records a bank transfer against City Limousines' invoice in Xero."""
    outcome = xero_payment_rules.record(xero_org(), [{
        "Invoice": {"InvoiceID": CITY_INVOICE}, "Account": {"Code": "090"},
        "Amount": Decimal(amount), "Date": "2026-03-08"}], summarize=True)
    assert outcome.recorded and not outcome.refused


def remit_xero_payments() -> list[dict]:
    """Remit's payments carry the Stripe reference; the bookkeeper's carry none."""
    return [p for p in xero_org()["Payments"] if p["Reference"]]


def test_xero_invoice_paid_before_remit_posts_becomes_an_overpayment(client, xero):
    session_id = checkout(client, link_path(xero, CITY_INVOICE), "250.00")
    xero_paid_elsewhere("250.00")

    deliver_again(client, pay_and_deliver(client, session_id))

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert posting.credit_minor == 25000
    assert remit_xero_payments() == []  # nothing left to apply: no Payment sent
    (credit,) = xero_org()["Overpayments"]
    assert (credit["Type"], credit["Contact"]["Name"], credit["RemainingCredit"]) == (
        "RECEIVE-OVERPAYMENT", "City Limousines", Decimal("250.00"))
    assert posting.ledger_object_id == credit["OverpaymentID"]
    assert "All 250.00 GBP kept as customer credit" in activity(client)


def test_xero_partial_overpayment_pays_the_invoice_and_keeps_the_rest(client, xero):
    session_id = checkout(client, link_path(xero, CITY_INVOICE), "150.00")
    xero_paid_elsewhere("150.00")

    deliver_again(client, pay_and_deliver(client, session_id))

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    (payment,) = remit_xero_payments()
    (credit,) = xero_org()["Overpayments"]
    assert (payment["Amount"], credit["Total"]) == (Decimal("100.00"), Decimal("50.00"))
    assert posting.ledger_object_id == f"{payment['PaymentID']},{credit['OverpaymentID']}"
    invoice = connector_for(xero).invoice(CITY_INVOICE)
    assert (invoice.status, invoice.balance) == ("paid", Decimal("0.00"))
    assert ("100.00 GBP applied to invoice INV-0001, " in activity(client)
            and "50.00 GBP kept as customer credit" in activity(client))


def test_xero_retry_after_our_own_write_is_not_turned_into_credit(client, xero, monkeypatch):
    """Without the stored split the retry would see nothing due, send no Payment and book
    all 250 as an Overpayment on top of the Payment already made."""
    crashed = crash_after_the_write_once(monkeypatch)

    pay_and_deliver(client, checkout(client, link_path(xero, CITY_INVOICE), "250.00"))

    posting = the_posting()
    assert crashed and posting.status is WorkStatus.DONE, posting.error
    assert posting.credit_minor is None
    assert len(remit_xero_payments()) == 1 and xero_org()["Overpayments"] == []


def test_xero_retry_of_an_overpayment_after_both_writes_makes_each_once(client, xero,
                                                                        monkeypatch):
    session_id = checkout(client, link_path(xero, CITY_INVOICE), "150.00")
    xero_paid_elsewhere("150.00")
    crashed = crash_after_the_write_once(monkeypatch)

    pay_and_deliver(client, session_id)

    posting = the_posting()
    assert crashed and posting.status is WorkStatus.DONE, posting.error
    assert len(remit_xero_payments()) == 1 and len(xero_org()["Overpayments"]) == 1
    assert posting.credit_minor == 5000


def test_a_new_attempt_generation_decides_the_split_afresh(client, xero, monkeypatch):
    """The first attempt was refused by Xero after the split was stored (all 250 applied),
    which spends its key: the posting moves to generation 2. Meanwhile the invoice was paid in
    Xero, so the Retry re-reads the balance and books the payment as credit. (A retry within
    one generation keeps its split: see the crash-after-write tests.)"""
    from connectors.xero.connector import XeroConnector

    session_id = checkout(client, link_path(xero, CITY_INVOICE), "250.00")
    record = XeroConnector.record_payment

    def refused_once(self, planned):
        monkeypatch.setattr(XeroConnector, "record_payment", record)
        sandbox.xero.force_next("400")  # Xero answers the write with a ValidationException
        return record(self, planned)

    monkeypatch.setattr(XeroConnector, "record_payment", refused_once)
    pay_and_deliver(client, session_id)
    posting = the_posting()
    assert posting.status is WorkStatus.FAILED and posting.payload["split"]["credit"] == 0
    assert (posting.generation, posting.payload["split"]["generation"]) == (2, 1)
    xero_paid_elsewhere("250.00")

    posting.status = WorkStatus.PENDING
    db.session.commit()
    assert runner.post(posting.id) is WorkStatus.DONE, the_posting().error
    assert the_posting().credit_minor == 25000
    assert the_posting().payload["split"]["generation"] == 2
    assert remit_xero_payments() == [] and len(xero_org()["Overpayments"]) == 1


def test_a_xero_overpayment_costs_two_reads_and_two_writes(client, xero, monkeypatch):
    """Counted where xero-python sends its requests (urllib3), redeliveries included."""
    session_id = checkout(client, link_path(xero, CITY_INVOICE), "150.00")
    xero_paid_elsewhere("150.00")
    calls = count_xero_calls(monkeypatch)
    deliver_again(client, pay_and_deliver(client, session_id))
    assert calls == [("GET", "Accounts"), ("GET", "Invoices"), ("PUT", "Payments"),
                     ("PUT", "BankTransactions")]


def test_a_zero_decimal_xero_overpayment_keeps_whole_yen(client):
    """JPY in the GBP organisation: 20,000 yen paid while the bookkeeper recorded 30,000 of the
    36,000 due, so 6,000 is applied and 14,000 kept as credit, in the yen bank at the invoice's
    rate, with no fraction of a yen anywhere."""
    company = xero_company_with_stripe(client, {"GBP": "Stripe Clearing", "JPY": "Yen Account"})
    invoice_id = sandbox.xero.INVOICE_IDS["INV-0007"]
    session_id = checkout(client, link_path(company, invoice_id), "20000")
    outcome = xero_payment_rules.record(xero_org(), [{
        "Invoice": {"InvoiceID": invoice_id}, "Account": {"Code": "093"},
        "Amount": Decimal("30000"), "Date": "2026-03-10", "CurrencyRate": JPY_RATE}],
        summarize=True)
    assert outcome.recorded and not outcome.refused

    deliver_again(client, pay_and_deliver(client, session_id))

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert (posting.amount_minor, posting.credit_minor) == (20000, 14000)
    (payment,) = remit_xero_payments()
    (credit,) = xero_org()["Overpayments"]
    assert (payment["Amount"], credit["Total"]) == (Decimal("6000"), Decimal("14000"))
    assert credit["CurrencyCode"] == "JPY"
    assert connector_for(company).invoice(invoice_id).balance == 0
    assert "14,000 JPY kept as customer credit" in activity(client)
