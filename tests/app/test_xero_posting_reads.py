"""Issue 10's budget on Xero: one write per fee, dispute step and payout, no read, because the
add-on tells the connector which accounts are bank accounts from its cached chart
(addon/posting/bank_accounts.py). Counted where xero-python sends its requests (urllib3)."""

from __future__ import annotations

import sandbox.stripe
import sandbox.xero
from addon.accounts import cached_accounts
from addon.models import WorkStatus
from tests.app.payment_flow import count_xero_calls, xero_company_with_stripe
from tests.app.postings_flow import deliver, one, paid, paid_out, set_roles
from tests.app.test_routing import _gateway


def after_the_payment(calls: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The calls after the payment's own (the pay page's invoice read, the payment's accounts
    re-validated live and its invoice read, its write)."""
    assert calls.count(("PUT", "Payments")) == 1
    return calls[calls.index(("PUT", "Payments")) + 1:]


def _company(client):
    company = xero_company_with_stripe(client)
    names = {a.name: a.id for a in cached_accounts(company)}
    set_roles(client, company, "GBP", settlement=names["Business Bank Account"],
              fees=names["Bank Fees"])
    return company


def test_a_fee_a_dispute_step_and_a_payout_are_one_write_each_and_no_read(client,
                                                                          monkeypatch):
    company = _company(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    invoice_id = sandbox.xero.INVOICE_IDS["INV-0001"]
    calls = count_xero_calls(monkeypatch)

    intent, events = paid(client, company, invoice_id, "100.00")
    deliver(client, events)
    assert after_the_payment(calls) == [("PUT", "ManualJournals")]  # the fee
    assert one(company, "fee").status is WorkStatus.DONE

    calls.clear()
    sandbox.stripe.open_dispute(intent)
    deliver(client, sandbox.stripe.last_events())
    assert calls == [("PUT", "ManualJournals")]
    assert one(company, "dispute").status is WorkStatus.DONE

    _intent, more = paid(client, company, invoice_id, "150.00")  # the balance out of the red
    deliver(client, more)
    calls.clear()
    _payout_id, payout_events = paid_out(_gateway(company).account_id)
    deliver(client, payout_events)
    assert calls == [("PUT", "BankTransactions")]
    payout = one(company, "payout")
    assert payout.status is WorkStatus.DONE and payout.ledger_object_id, payout.error


def test_an_account_missing_from_the_cache_is_read_from_xero(client, monkeypatch):
    """A role's account the cache does not know (deleted from it, as a refresh would after
    the account went): the connector reads the chart as before, and still writes once."""
    from sqlalchemy import delete

    from addon.extensions import db
    from addon.models import AccountSnapshot

    company = _company(client)
    fees = next(a.id for a in cached_accounts(company) if a.name == "Bank Fees")
    db.session.execute(delete(AccountSnapshot).where(AccountSnapshot.company_id == company.id,
                                                     AccountSnapshot.external_id == fees))
    db.session.commit()
    calls = count_xero_calls(monkeypatch)

    _intent, events = paid(client, company, sandbox.xero.INVOICE_IDS["INV-0001"], "100.00")
    deliver(client, events)

    assert after_the_payment(calls) == [("GET", "Accounts"), ("PUT", "ManualJournals")]
    assert one(company, "fee").status is WorkStatus.DONE
