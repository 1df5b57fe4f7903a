"""Retries that can neither lose nor double a payment: the ledgers answer a repeated key with their
first answer, refusals included, so a payment the ledger refused gets a new attempt generation
(a new key) while network trouble keeps the key; the sweep gives up after a bounded number of
attempts; every attempt's outcome is logged once, without secrets."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

import sandbox.quickbooks
import sandbox.quickbooks_data
import sandbox.xero
from addon.extensions import db
from addon.jobs import SWEEP_MAX_ATTEMPTS, post_payment_task, sweep_pending_events
from addon.ledger import connector_for
from addon.models import Posting, WorkStatus
from addon.posting import engine
from connectors.base import VendorUnavailable
from connectors.quickbooks import QuickBooksConnector
from connectors.xero.connector import XeroConnector
from sandbox import quickbooks_payment_checks, xero_api, xero_payments
from sandbox.oauth import ISSUED_TOKEN
from tests.app.payment_flow import (
    after_the_wait,
    checkout,
    company_with_stripe,
    deliver_again,
    link_path,
    pay_and_deliver,
    xero_company_with_stripe,
)

QBO_INVOICE = "130"  # 1001: 250.00 USD
XERO_INVOICE = sandbox.xero.INVOICE_IDS["INV-0001"]  # 250.00 GBP
RUNNER_LOG = "addon.posting.runner"


def tomorrow():
    return datetime.now(UTC).date() + timedelta(days=1)


def xero_company(client):
    return xero_company_with_stripe(client)


def the_posting() -> Posting:
    db.session.expire_all()
    return db.session.scalars(select(Posting).where(Posting.kind == "payment")).one()


def retry(client, posting: Posting) -> Posting:
    answer = client.post(f"/activity/postings/{posting.id}/retry")
    assert answer.status_code == 302
    return the_posting()


def first_key(posting: Posting) -> str:
    return engine.idempotency_key(posting.company_id, "payment", posting.source_id)


def outcomes(caplog) -> list[tuple[str, str]]:
    """(outcome, code) of every runner line, in order."""
    lines = [r.getMessage() for r in caplog.records if r.name == RUNNER_LOG]
    return [re.search(r"outcome=(\S+) code=(\S+)", line).groups() for line in lines]


def qbo_payments(company) -> list[dict]:
    return sandbox.quickbooks_data.COMPANIES[company.external_id]["Payment"]


def xero_recorded() -> list[dict]:
    return xero_api.organisations()[sandbox.xero.UK_ORG]["Payments"]


# -- a refusal the ledger makes, fixed in the ledger, then Retry ------------------------------
def test_quickbooks_refusal_then_retry_after_the_fix_posts_once(client, caplog):
    caplog.set_level(logging.INFO, logger=RUNNER_LOG)
    company = company_with_stripe(client)
    sandbox.quickbooks.close_books(company.external_id, tomorrow())
    pay_and_deliver(client, checkout(client, link_path(company, QBO_INVOICE), "100.00"))

    refused = the_posting()
    assert refused.status is WorkStatus.FAILED and refused.error
    assert ("refused", quickbooks_payment_checks.BOOKS_CLOSED) in outcomes(caplog)
    # The refused key is spent (QuickBooks replays its refusal): the next try has a new one.
    assert refused.generation == 2 and refused.idempotency_key != first_key(refused)
    assert len(refused.idempotency_key) <= 50

    sandbox.quickbooks.close_books(company.external_id, None)  # the bookkeeper reopens
    posted = retry(client, refused)

    assert posted.status is WorkStatus.DONE, posted.error
    assert posted.generation == 2 and posted.attempts == 1  # Retry started afresh
    assert len(qbo_payments(company)) == 1
    assert str(connector_for(company).invoice(QBO_INVOICE).balance) == "150.00"


def test_xero_refusal_then_retry_after_the_fix_posts_once(client, caplog):
    caplog.set_level(logging.INFO, logger=RUNNER_LOG)
    company = xero_company(client)
    sandbox.xero.lock_period(sandbox.xero.UK_ORG, tomorrow())
    pay_and_deliver(client, checkout(client, link_path(company, XERO_INVOICE), "100.00"))

    refused = the_posting()
    assert refused.status is WorkStatus.FAILED and refused.error
    assert ("refused", "ValidationException") in outcomes(caplog)
    assert refused.generation == 2 and refused.idempotency_key != first_key(refused)

    still_locked = retry(client, refused)  # Retry before the fix: refused again, a new key
    assert still_locked.status is WorkStatus.FAILED and still_locked.generation == 3

    sandbox.xero.lock_period(sandbox.xero.UK_ORG, None)
    posted = retry(client, still_locked)

    assert posted.status is WorkStatus.DONE, posted.error
    assert posted.generation == 3 and len(xero_recorded()) == 1
    assert str(connector_for(company).invoice(XERO_INVOICE).balance) == "150.00"


def test_a_refusal_before_any_ledger_write_keeps_the_key(client):
    """Remit's own refusal (an inactive account, found before writing) spends no key: a write
    under it may have reached the ledger earlier, so a new key could post twice."""
    company = company_with_stripe(client)
    gateway = company.gateways[0]
    gateway.currencies[0].deposit_account_id = "38"  # Old Operating Account, inactive
    db.session.commit()
    pay_and_deliver(client, checkout(client, link_path(company, QBO_INVOICE), "50.00"))

    refused = the_posting()
    assert refused.status is WorkStatus.FAILED
    assert refused.generation == 1 and refused.idempotency_key == first_key(refused)


# -- a stale object, then success -------------------------------------------------------------
def test_a_stale_object_then_success_posts_once_under_a_new_generation(client, caplog):
    caplog.set_level(logging.INFO, logger=RUNNER_LOG)
    company = company_with_stripe(client)
    session_id = checkout(client, link_path(company, QBO_INVOICE), "80.00")
    sandbox.quickbooks.force_next("5010")  # the next payment create meets a stale invoice

    deliveries = pay_and_deliver(client, session_id)

    # The first event met the stale object (kept for its requestid by QuickBooks); the retry,
    # by the next event of the same payment, went out under generation 2's key.
    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert posting.generation == 2 and posting.idempotency_key != first_key(posting)
    assert [o for o in outcomes(caplog) if o[0] in ("stale", "posted")] == [
        ("stale", "5010"), ("posted", "-")]
    deliver_again(client, deliveries)
    assert len(qbo_payments(company)) == 1
    assert str(connector_for(company).invoice(QBO_INVOICE).balance) == "170.00"


# -- network trouble keeps the key ------------------------------------------------------------
@pytest.mark.parametrize("platform", ["quickbooks", "xero"])
def test_an_answer_lost_after_the_write_is_retried_under_the_same_key(client, monkeypatch,
                                                                    platform):
    """The ledger recorded the payment but its answer never arrived (a timeout): the retry
    reuses the key, the ledger answers with the payment it made, and one payment exists."""
    if platform == "quickbooks":
        company, invoice_id, connector = (company_with_stripe(client), QBO_INVOICE,
                                          QuickBooksConnector)
    else:
        company, invoice_id, connector = xero_company(client), XERO_INVOICE, XeroConnector
    session_id = checkout(client, link_path(company, invoice_id), "100.00")
    write, keys = connector.record_payment, []

    def answer_lost_once(self, posting):
        keys.append(posting.idempotency_key)
        written = write(self, posting)
        if len(keys) == 1:
            raise VendorUnavailable("The ledger did not answer: ReadTimeout.")
        return written

    monkeypatch.setattr(connector, "record_payment", answer_lost_once)
    pay_and_deliver(client, session_id)

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert len(keys) == 2 and keys[0] == keys[1] == first_key(posting)
    assert posting.generation == 1
    made = qbo_payments(company) if platform == "quickbooks" else xero_recorded()
    assert len(made) == 1
    assert str(connector_for(company).invoice(invoice_id).balance) == "150.00"


def test_a_503_then_success_makes_one_payment_under_the_first_key(client):
    company = company_with_stripe(client)
    session_id = checkout(client, link_path(company, QBO_INVOICE), "100.00")
    sandbox.quickbooks.force_next("503")

    pay_and_deliver(client, session_id)

    posting = the_posting()
    assert posting.status is WorkStatus.DONE, posting.error
    assert posting.attempts == 2 and posting.generation == 1
    assert posting.idempotency_key == first_key(posting) and len(qbo_payments(company)) == 1


# -- an answer of another shape ---------------------------------------------------------------
def test_an_unreadable_answer_is_a_refusal_on_activity_and_retry_keeps_the_key(client,
                                                                              monkeypatch):
    """xero-python reading a Payments answer of another shape: not an outage retried for ever
    but a refusal shown on Activity; the payment may be in Xero, so Retry reuses the key."""
    company = xero_company(client)
    session_id = checkout(client, link_path(company, XERO_INVOICE), "100.00")
    original = xero_payments.envelope

    def with_an_unknown_status(entity, items):  # e.g. a status a newer Xero added
        if entity != "Payments":  # the invoice read before the write stays readable
            return original(entity, items)
        return original(entity, [{**item, "Status": "SETTLING"} for item in items])

    monkeypatch.setattr(xero_payments, "envelope", with_an_unknown_status)
    pay_and_deliver(client, session_id)

    refused = the_posting()
    assert refused.status is WorkStatus.FAILED and refused.error
    assert refused.generation == 1
    assert "Remit cannot read" in client.get("/activity").get_data(as_text=True)

    # Xero did record it. Retry keeps the key, so it can never record a second payment (the
    # stand-in replays its first answer, which this SDK still cannot read).
    retried = retry(client, refused)
    assert retried.generation == 1 and retried.idempotency_key == first_key(retried)
    assert retried.status is WorkStatus.FAILED and len(xero_recorded()) == 1


# -- the sweep gives up -----------------------------------------------------------------------
def test_the_sweep_fails_a_posting_after_its_attempts_and_retry_starts_afresh(client,
                                                                             monkeypatch):
    company = company_with_stripe(client)
    session_id = checkout(client, link_path(company, QBO_INVOICE), "100.00")

    def down(self, posting):
        raise VendorUnavailable("QuickBooks is unavailable (HTTP 503).")

    monkeypatch.setattr(QuickBooksConnector, "record_payment", down)
    pay_and_deliver(client, session_id)
    posting = the_posting()
    assert posting.status is WorkStatus.PENDING
    attempts_before = posting.attempts
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    db.session.execute(update(Posting).values(updated_at=long_ago))
    db.session.commit()

    sweep_pending_events.call_local()  # below the bound: tried again (and down again)
    tried = the_posting()
    assert tried.status is WorkStatus.PENDING and tried.attempts > attempts_before

    db.session.execute(update(Posting).values(updated_at=long_ago,
                                              attempts=SWEEP_MAX_ATTEMPTS))
    db.session.commit()
    sweep_pending_events.call_local()
    failed = the_posting()
    assert failed.status is WorkStatus.FAILED and str(SWEEP_MAX_ATTEMPTS) in failed.error
    assert failed.attempts == SWEEP_MAX_ATTEMPTS  # the sweep made no attempt
    page = client.get("/activity").get_data(as_text=True)
    assert failed.error.split(" (")[0] in page and "Retry" in page

    monkeypatch.undo()  # QuickBooks is back
    posted = retry(client, failed)
    assert posted.status is WorkStatus.DONE, posted.error
    assert posted.attempts == 1 and posted.generation == 1
    assert len(qbo_payments(company)) == 1


# -- outcomes logged once per attempt, without secrets ----------------------------------------
def test_every_attempt_logs_one_outcome_line_without_secrets(client, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger=RUNNER_LOG)
    company = company_with_stripe(client)
    sandbox.quickbooks.close_books(company.external_id, tomorrow())
    session_id = checkout(client, link_path(company, QBO_INVOICE), "100.00")
    sandbox.quickbooks.force_next("429")

    deliveries = pay_and_deliver(client, session_id)  # throttled; the rest wait Intuit's 60 s
    posting = the_posting()
    after_the_wait(monkeypatch)
    post_payment_task.call_local(posting.id)  # refused
    posting = the_posting()
    sandbox.quickbooks.close_books(company.external_id, None)
    retry(client, posting)  # posted
    deliver_again(client, deliveries)  # nothing left to do

    posting = the_posting()
    post_payment_task.call_local(posting.id)  # asked again once posted: nothing to do
    assert outcomes(caplog) == [("throttled", "-"),
                                ("refused", quickbooks_payment_checks.BOOKS_CLOSED),
                                ("posted", "-"), ("already-posted", "-")]
    lines = [r.getMessage() for r in caplog.records if r.name == RUNNER_LOG]
    for line in lines:
        assert f"posting {posting.id} company {company.id} kind payment" in line
        assert not ISSUED_TOKEN.search(line)
        assert not re.search(r"Bearer|sk_|whsec_|rk_|access_token|refresh", line)
    assert "generation 1" in lines[1] and "generation 2" in lines[2]


# -- after an outage --------------------------------------------------------------------------
def test_the_first_write_after_an_outage_moves_the_companys_backlog_at_once(client,
                                                                            monkeypatch):
    """A payment the ledger could not take waits on its own backoff (minutes apart after a few
    tries); the moment another of the company's payments is written, it is tried again."""
    company = company_with_stripe(client)
    second = sandbox.quickbooks_data.create_invoice(company.external_id, "USD")["Id"]
    first_session = checkout(client, link_path(company, QBO_INVOICE), "100.00")
    second_session = checkout(client, link_path(company, second), "100.00")
    record_payment = QuickBooksConnector.record_payment
    ledger = {"down": True}

    def during_the_outage(self, posting):
        if ledger["down"]:
            raise VendorUnavailable("QuickBooks is unavailable (HTTP 503).")
        return record_payment(self, posting)

    monkeypatch.setattr(QuickBooksConnector, "record_payment", during_the_outage)
    pay_and_deliver(client, first_session)
    waiting = the_posting()
    assert waiting.status is WorkStatus.PENDING and waiting.attempts > 0

    ledger["down"] = False
    pay_and_deliver(client, second_session)  # written: the ledger is back
    db.session.expire_all()
    postings = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert [posting.status for posting in postings] == [WorkStatus.DONE, WorkStatus.DONE]
    assert len(qbo_payments(company)) == 2
