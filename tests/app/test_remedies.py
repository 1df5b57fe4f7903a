"""A refused posting comes with its remedies: the refusal in the bookkeeper's words (and the
ledger's under Details), Record as customer credit when no invoice can take the money, Ignore
after a confirmation, and Undo — through the real path (pay page, Stripe stand-in, webhook,
worker, ledger stand-ins), in QuickBooks and in Xero."""

from __future__ import annotations

import os
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

import sandbox.quickbooks_data
import sandbox.xero
from addon.extensions import db
from addon.jobs import post_task
from addon.models import Posting, WorkStatus
from addon.posting import runner
from sandbox import xero_api
from tests.app.payment_flow import (
    checkout,
    company_with_stripe,
    crash_after_the_write_once,
    link_path,
    pay_and_deliver,
    xero_company_with_stripe,
)

AMYS_INVOICE = "130"  # 1001: 250.00 USD, Amy's Bird Sanctuary (customer 1)
CITY_INVOICE = sandbox.xero.INVOICE_IDS["INV-0001"]  # 250.00 GBP, City Limousines


def the_posting() -> Posting:
    db.session.expire_all()
    return db.session.scalars(select(Posting).where(Posting.kind == "payment")).one()


def activity(client) -> str:
    return client.get("/activity").get_data(as_text=True)


def press(client, posting: Posting, action: str):
    return client.post(f"/activity/postings/{posting.id}/{action}")



# QuickBooks: the invoice was deleted before Remit recorded the payment ------------------------

@pytest.fixture
def quickbooks(client):
    return company_with_stripe(client)


def qbo_payments(company) -> list[dict]:
    return sandbox.quickbooks_data.COMPANIES[company.external_id]["Payment"]


def delete_qbo_invoice(company, invoice_id: str) -> None:
    invoices = sandbox.quickbooks_data.COMPANIES[company.external_id]["Invoice"]
    invoices[:] = [found for found in invoices if found["Id"] != invoice_id]


@pytest.fixture
def deleted_invoice_payment(client, quickbooks) -> Posting:
    session_id = checkout(client, link_path(quickbooks, AMYS_INVOICE), "250.00")
    delete_qbo_invoice(quickbooks, AMYS_INVOICE)
    pay_and_deliver(client, session_id)
    posting = the_posting()
    assert posting.status is WorkStatus.FAILED
    return posting


def test_a_deleted_quickbooks_invoice_is_explained_with_its_remedies(client, quickbooks,
                                                                     deleted_invoice_payment):
    refusal = deleted_invoice_payment.payload["refusal"]
    assert (refusal["step"], refusal["code"]) == ("invoice", "610")
    page = activity(client)
    assert "The invoice this payment was for no longer exists in QuickBooks" in page
    assert "<summary>Details</summary>" in page and "Object Not Found" in page
    assert "Record as customer credit" in page and "Open in Stripe to refund" in page
    assert qbo_payments(quickbooks) == []


def test_quickbooks_record_as_credit_posts_the_whole_payment_once(client, quickbooks,
                                                                  deleted_invoice_payment):
    generation = deleted_invoice_payment.generation
    assert press(client, deleted_invoice_payment, "credit").status_code == 302
    assert press(client, deleted_invoice_payment, "credit").status_code == 302  # twice

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert posting.generation == generation + 1 and posting.credit_minor == 25000
    (payment,) = qbo_payments(quickbooks)
    assert (payment["CustomerRef"]["value"], payment["TotalAmt"], payment["UnappliedAmt"],
            payment["Line"]) == ("1", Decimal("250.00"), Decimal("250.00"), [])
    assert posting.ledger_object_id == payment["Id"]
    assert "All 250.00 USD recorded as the customer" in activity(client)


def test_quickbooks_credit_is_recorded_once_when_the_worker_runs_it_again(
        client, quickbooks, deleted_invoice_payment, monkeypatch):
    crashed = crash_after_the_write_once(monkeypatch)

    press(client, deleted_invoice_payment, "credit")
    assert crashed and the_posting().status is WorkStatus.PENDING
    assert post_task.call_local(deleted_invoice_payment.id) == "done"  # the queue's retry

    posting = the_posting()
    assert posting.attempts == 2
    (payment,) = qbo_payments(quickbooks)
    assert payment["UnappliedAmt"] == Decimal("250.00")


@pytest.mark.skipif(
    not os.environ.get("REMIT_DATABASE_URL", "").startswith("postgres"),
    reason="concurrent writers need PostgreSQL; SQLite serialises them",
)
def test_ten_concurrent_presses_record_the_credit_once(app, client, quickbooks,
                                                      deleted_invoice_payment, monkeypatch):
    """Ten tabs press Record as customer credit at once (a slow step between the read and the
    commit makes them overlap): one generation step, one key, one ledger payment. The row is
    read FOR UPDATE, and a press that read the row before another committed derives the same
    next generation, hence the same key, which the ledger answers once."""
    generation, cookie = deleted_invoice_payment.generation, client.get_cookie("session")
    answers, next_generation = [], runner.next_generation

    def slowly(posting):
        time.sleep(0.3)
        next_generation(posting)

    monkeypatch.setattr(runner, "next_generation", slowly)

    def press_in_another_tab():
        with app.app_context():
            tab = app.test_client()
            tab.set_cookie(cookie.key, cookie.value)
            answers.append(press(tab, deleted_invoice_payment, "credit").status_code)

    threads = [threading.Thread(target=press_in_another_tab) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302] * 10
    posting = the_posting()
    assert posting.status is WorkStatus.DONE and posting.generation == generation + 1
    (payment,) = qbo_payments(quickbooks)
    assert payment["UnappliedAmt"] == Decimal("250.00")


def test_credit_is_refused_where_it_makes_no_sense(client, quickbooks):
    """A deposit account gone inactive: fix the mapping and Retry, not credit."""
    gateway = quickbooks.gateways[0]
    gateway.currencies[0].deposit_account_id = "38"  # Old Operating Account, inactive
    db.session.commit()
    pay_and_deliver(client, checkout(client, link_path(quickbooks, AMYS_INVOICE), "50.00"))
    posting = the_posting()
    page = activity(client)
    assert "An account this gateway records into cannot take the payment" in page
    assert f"/settings/gateways/{gateway.id}\"" in page and "Record as customer credit" not in page
    assert press(client, posting, "credit").status_code == 400
    assert the_posting().status is WorkStatus.FAILED and qbo_payments(quickbooks) == []


# Xero: the invoice was voided while Remit wrote the payment -----------------------------------

@pytest.fixture
def xero(client):
    return xero_company_with_stripe(client)


def xero_org() -> dict:
    return xero_api.organisations()[sandbox.xero.UK_ORG]


def void_in_xero(invoice_id: str) -> None:
    (invoice,) = [found for found in xero_org()["Invoices"] if found["InvoiceID"] == invoice_id]
    invoice.update(Status="VOIDED", AmountDue=Decimal("0.00"))


@pytest.fixture
def voided_invoice_payment(client, xero, monkeypatch) -> Posting:
    """The bookkeeper voids the invoice between Remit's read of it and its write: Xero refuses
    the Payment ("Payments can only be made against Authorised documents")."""
    from connectors.xero.connector import XeroConnector

    record = XeroConnector.record_payment

    def voided_meanwhile(self, planned):
        monkeypatch.setattr(XeroConnector, "record_payment", record)
        void_in_xero(CITY_INVOICE)
        return record(self, planned)

    session_id = checkout(client, link_path(xero, CITY_INVOICE), "250.00")
    monkeypatch.setattr(XeroConnector, "record_payment", voided_meanwhile)
    pay_and_deliver(client, session_id)
    posting = the_posting()
    assert posting.status is WorkStatus.FAILED
    return posting


def test_a_voided_xero_invoice_is_explained_with_its_remedies(client, voided_invoice_payment):
    refusal = voided_invoice_payment.payload["refusal"]
    assert (refusal["step"], refusal["code"]) == ("write", "ValidationException")
    page = activity(client)
    assert "takes no payment in Xero: it was voided or deleted" in page
    assert "Payments can only be made against Authorised documents" in page
    assert "Record as customer credit" in page


def test_xero_record_as_credit_books_one_overpayment(client, voided_invoice_payment):
    press(client, voided_invoice_payment, "credit")
    press(client, voided_invoice_payment, "credit")

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert [p for p in xero_org()["Payments"] if p["Reference"]] == []
    (credit,) = xero_org()["Overpayments"]
    assert (credit["Type"], credit["Contact"]["Name"], credit["RemainingCredit"]) == (
        "RECEIVE-OVERPAYMENT", "City Limousines", Decimal("250.00"))
    assert posting.ledger_object_id == credit["OverpaymentID"]


def test_xero_credit_is_recorded_once_when_the_worker_runs_it_again(
        client, voided_invoice_payment, monkeypatch):
    crashed = crash_after_the_write_once(monkeypatch)

    press(client, voided_invoice_payment, "credit")
    assert crashed and the_posting().status is WorkStatus.PENDING
    assert post_task.call_local(voided_invoice_payment.id) == "done"  # the queue's retry

    assert len(xero_org()["Overpayments"]) == 1


# Ignore, after a confirmation; Undo ------------------------------------------------------------

def test_ignore_asks_first_and_can_be_undone(client, deleted_invoice_payment):
    posting = deleted_invoice_payment
    error = posting.error
    page = activity(client)
    assert f'href="/activity/postings/{posting.id}/ignore"' in page
    confirm = client.get(f"/activity/postings/{posting.id}/ignore")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Ignore this payment?" in text and "250.00 USD" in text
    assert the_posting().status is WorkStatus.FAILED  # asking changed nothing

    ignored = client.post(f"/activity/postings/{posting.id}/ignore", follow_redirects=True)
    text = ignored.get_data(as_text=True)
    assert "This payment will not be recorded by Remit." in text
    assert f'action="/activity/postings/{posting.id}/undo"' in text
    assert the_posting().status is WorkStatus.IGNORED

    assert press(client, posting, "undo").status_code == 302
    posting = the_posting()
    assert (posting.status, posting.error) == (WorkStatus.FAILED, error)
    assert "ignored_from" not in posting.payload
    assert "Record as customer credit" in activity(client)
    assert press(client, posting, "undo").status_code == 400  # nothing left to undo


def test_the_remedies_of_another_company_are_not_reachable(client, deleted_invoice_payment):
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/activity/postings/{deleted_invoice_payment.id}/ignore"
                      ).status_code in (302, 401, 404)
    assert the_posting().status is WorkStatus.FAILED



def test_xero_record_as_credit_in_yen_keeps_whole_yen(client, monkeypatch):
    """The zero-decimal case: a JPY payment refused because its invoice was voided meanwhile
    becomes one overpayment of the whole 36,000 yen, in yen, into the yen account."""
    from connectors.xero.connector import XeroConnector

    company = xero_company_with_stripe(client, {"GBP": "Stripe Clearing",
                                                "JPY": "Yen Account"})
    kyoto = sandbox.xero.INVOICE_IDS["INV-0007"]  # Kyoto Cycle Works, JPY 36,000 due
    record = XeroConnector.record_payment

    def voided_meanwhile(self, planned):
        monkeypatch.setattr(XeroConnector, "record_payment", record)
        void_in_xero(kyoto)
        return record(self, planned)

    session_id = checkout(client, link_path(company, kyoto), "36000")
    monkeypatch.setattr(XeroConnector, "record_payment", voided_meanwhile)
    pay_and_deliver(client, session_id)
    posting = the_posting()
    assert posting.status is WorkStatus.FAILED

    press(client, posting, "credit")

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    (credit,) = xero_org()["Overpayments"]
    assert (credit["CurrencyCode"], credit["Contact"]["Name"], credit["RemainingCredit"]) == (
        "JPY", "Kyoto Cycle Works K.K.", Decimal("36000"))
    assert posting.credit_minor == 36000
