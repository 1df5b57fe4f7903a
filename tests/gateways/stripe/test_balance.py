"""gateways/stripe/balance.py without HTTP: Stripe's balance transactions, payouts and balance
read into the contract's records, starting from Stripe's own sample objects
(../shared/specs/stripe/fixtures3.json) and the fee-bearing shape of reference §6."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gateways.base import (
    ENTRY_DISPUTE,
    ENTRY_OTHER,
    ENTRY_PAYMENT,
    ENTRY_PAYOUT,
    ENTRY_PAYOUT_FAILURE,
    ENTRY_REFUND,
    BalanceEntry,
    GatewayBalance,
)
from gateways.stripe import balance
from tests.gateways.stripe import shapes

# Reference §6: a charge's balance transaction with Stripe's fee (the fixtures show none).
WITH_FEE = {"id": "txn_3MmlLrLkdIwHu7ix0uke3Ezy", "object": "balance_transaction",
            "amount": 1099, "currency": "usd", "available_on": 1679616000,
            "created": 1679090539, "exchange_rate": None, "fee": 62,
            "fee_details": [{"amount": 62, "application": None, "currency": "usd",
                             "description": "Stripe processing fees", "type": "stripe_fee"}],
            "net": 1037, "reporting_category": "charge",
            "source": "ch_3MmlLrLkdIwHu7ix0snN0B15", "status": "pending", "type": "charge"}


def stripe_sample(resource: str) -> dict:
    """Stripe's own sample object (fixtures3.json; skips without ../shared/specs)."""
    return copy.deepcopy(shapes.full_resources()[resource])


def test_stripes_sample_balance_transaction_is_a_payment_entry():
    sample = stripe_sample("balance_transaction")

    assert balance.entry(sample) == BalanceEntry(
        id=sample["id"], type="charge", category=ENTRY_PAYMENT, currency="USD",
        amount_minor=100, fee_minor=0, net_minor=100, exchange_rate=None,
        source_id=sample["source"], payment_id=None,  # the source is only an id
        created_at=datetime.fromtimestamp(1234567890, tz=UTC),
        available_at=datetime.fromtimestamp(1234567890, tz=UTC))


def test_a_fee_bearing_entry_keeps_gross_fee_and_net():
    found = balance.entry(WITH_FEE, payout_id="po_1")
    assert (found.amount_minor, found.fee_minor, found.net_minor) == (1099, 62, 1037)
    assert (found.payout_id, found.available_at) == (
        "po_1", datetime(2023, 3, 24, tzinfo=UTC))


@pytest.mark.parametrize(("wire", "rate"), [
    ("1.234", Decimal("1.234")),  # Stripe's own example: 10.00 EUR -> 12.34 USD
    ("0.8778", Decimal("0.8778")),
    ("0.1", Decimal("0.1")),  # no binary noise (Decimal(0.1) would be 0.1000000000000000055...)
    ("153", Decimal("153")),
    ("null", None),
])
def test_the_exchange_rate_is_exact(wire, rate):
    """Stripe sends a JSON number: it is read through its text, never float arithmetic."""
    transaction = json.loads(json.dumps(WITH_FEE).replace('"exchange_rate": null',
                                                          f'"exchange_rate": {wire}'))
    found = balance.entry(transaction)

    assert found.exchange_rate == rate
    assert str(found.exchange_rate) == str(rate)
    assert BalanceEntry.from_payload(json.loads(json.dumps(found.as_payload()))) == found


@pytest.mark.parametrize(("kind", "reporting", "source", "category"), [
    ("charge", "charge", "ch_1", ENTRY_PAYMENT),
    ("payment", "charge", "py_1", ENTRY_PAYMENT),
    ("refund", "refund", "re_1", ENTRY_REFUND),
    ("payment_refund", "refund", "pyr_1", ENTRY_REFUND),
    ("refund_failure", "refund_failure", "re_1", ENTRY_REFUND),
    ("adjustment", "dispute", "dp_1", ENTRY_DISPUTE),
    ("adjustment", "dispute_reversal", "dp_1", ENTRY_DISPUTE),
    ("adjustment", "other_adjustment", "dp_1", ENTRY_OTHER),  # Stripe's category wins
    ("payout", "payout", "po_1", ENTRY_PAYOUT),
    ("payout_failure", "payout_reversal", "po_1", ENTRY_PAYOUT_FAILURE),
    ("payout_cancel", "payout_reversal", "po_1", ENTRY_PAYOUT_FAILURE),
    ("stripe_fee", "fee", None, ENTRY_OTHER),
    ("application_fee", "platform_earning", "fee_1", ENTRY_OTHER),
    # Without reporting_category (older objects): by type, a dispute by its source.
    ("charge", None, "ch_1", ENTRY_PAYMENT),
    ("payment", None, "py_1", ENTRY_PAYMENT),
    ("refund", None, "re_1", ENTRY_REFUND),
    ("payment_refund", None, "pyr_1", ENTRY_REFUND),
    ("refund_failure", None, "re_1", ENTRY_REFUND),
    ("adjustment", None, "dp_1", ENTRY_DISPUTE),
    ("adjustment", None, "du_1", ENTRY_DISPUTE),
    ("adjustment", None, "ch_1", ENTRY_OTHER),
    ("payout", None, "po_1", ENTRY_PAYOUT),
    ("payout_failure", None, "po_1", ENTRY_PAYOUT_FAILURE),
    ("payout_cancel", None, "po_1", ENTRY_PAYOUT_FAILURE),
    ("transfer", None, "tr_1", ENTRY_OTHER),
])
def test_categories_follow_stripes_reporting_category_then_type(kind, reporting, source,
                                                                 category):
    transaction = {**WITH_FEE, "type": kind, "reporting_category": reporting, "source": source}
    assert balance.entry(transaction).category == category


@pytest.mark.parametrize(("source", "payment"), [
    ({"id": "ch_1", "object": "charge", "payment_intent": "pi_1"}, "pi_1"),
    ({"id": "ch_1", "object": "charge", "payment_intent": {"id": "pi_1"}}, "pi_1"),
    ({"id": "ch_1", "object": "charge", "payment_intent": None}, "ch_1"),  # legacy: itself
    ({"id": "re_1", "object": "refund", "payment_intent": None,
      "charge": {"id": "ch_2", "object": "charge", "payment_intent": None}}, "ch_2"),
    ({"id": "re_1", "object": "refund", "payment_intent": None, "charge": "ch_2"}, None),
    ({"id": "re_1", "object": "refund", "payment_intent": "pi_2", "charge": "ch_2"}, "pi_2"),
    ({"id": "re_1", "object": "refund", "payment_intent": None,
      "charge": {"id": "ch_2", "object": "charge", "payment_intent": "pi_3"}}, "pi_3"),
    ({"id": "dp_1", "object": "dispute", "payment_intent": "pi_4", "charge": "ch_4"}, "pi_4"),
    ({"id": "po_1", "object": "payout"}, None),
    ("ch_1", None),
])
def test_the_payment_comes_from_an_expanded_source(source, payment):
    found = balance.entry({**WITH_FEE, "source": source})
    assert (found.source_id, found.payment_id) == (balance.object_id(source), payment)


def test_zero_and_three_decimal_amounts_stay_in_minor_units():
    yen = balance.entry({**WITH_FEE, "currency": "jpy", "amount": 5000, "fee": 180,
                         "net": 4820})
    dinar = balance.entry({**WITH_FEE, "currency": "kwd", "amount": 12345, "fee": 458,
                           "net": 11887})
    assert (yen.currency, yen.amount_minor, yen.net_minor) == ("JPY", 5000, 4820)
    assert (dinar.currency, dinar.fee_minor) == ("KWD", 458)


def test_money_out_is_negative():
    refund = balance.entry({**WITH_FEE, "type": "refund", "reporting_category": "refund",
                            "amount": -500, "fee": 0, "net": -500, "source": "re_1"})
    withdrawn = balance.entry({**WITH_FEE, "type": "adjustment", "reporting_category": "dispute",
                               "amount": -1099, "fee": 1500, "net": -2599, "source": "dp_1"})
    assert (refund.amount_minor, refund.net_minor) == (-500, -500)
    assert (withdrawn.amount_minor, withdrawn.fee_minor, withdrawn.net_minor) == (
        -1099, 1500, -2599)


@pytest.mark.parametrize("change", [
    {"net": 1036},  # not amount - fee
    {"amount": "1099"},
    {"fee": None},
    {"amount": True},
    {"currency": None},
    {"currency": "us dollars"},
    {"created": None},
    {"available_on": "soon"},
    {"id": None},
    {"id": "ch_1"},
    {"type": None},
    {"object": "charge"},
    {"exchange_rate": "a lot"},
    {"exchange_rate": 0},
    {"exchange_rate": True},
])
def test_an_unreadable_balance_transaction_is_an_error(change):
    with pytest.raises(ValueError):
        balance.entry({**WITH_FEE, **change})


def test_stripes_sample_payout_is_a_reconciled_payout():
    sample = stripe_sample("payout")
    moved = balance.payout_movement(sample, account_id="acct_1", livemode=False)

    assert (moved.payout_id, moved.currency, moved.amount_minor, moved.status) == (
        sample["id"], "USD", 1100, "in_transit")
    assert (moved.reconciled, moved.automatic) == (True, True)  # completed, automatic
    assert moved.arrival_date == date(2009, 2, 13)  # 1234567890, in UTC
    assert moved.occurred_at == datetime.fromtimestamp(1234567890, tz=UTC)


def test_a_payout_in_progress_is_not_reconciled_unless_the_event_says_so():
    sample = {**stripe_sample("payout"), "reconciliation_status": "in_progress"}
    assert not balance.payout_movement(sample, account_id="acct_1", livemode=False).reconciled
    assert balance.payout_movement(sample, account_id="acct_1", livemode=False,
                                   reconciled=True).reconciled


@pytest.mark.parametrize("change", [{"amount": -1}, {"amount": None}, {"arrival_date": None},
                                    {"currency": ""}, {"id": "tr_1"}, {"status": None}])
def test_an_unreadable_payout_is_an_error(change):
    with pytest.raises(ValueError):
        balance.payout_movement({**stripe_sample("payout"), **change}, account_id="acct_1",
                                livemode=False)


def test_stripes_sample_balance_per_currency():
    assert balance.balances(stripe_sample("balance")) == [GatewayBalance("USD", 0, 0)]


def test_balances_sum_the_rows_of_each_currency():
    answer = {"object": "balance", "livemode": False,
              "available": [{"amount": 1200, "currency": "usd", "source_types": {"card": 1200}},
                            {"amount": -300, "currency": "eur", "source_types": {"card": -300}}],
              "pending": [{"amount": 500, "currency": "usd", "source_types": {"card": 500}},
                          {"amount": 7, "currency": "usd", "source_types": {"bank_account": 7}},
                          {"amount": 5000, "currency": "jpy", "source_types": {"card": 5000}}]}

    assert balance.balances(answer) == [GatewayBalance("EUR", -300, 0),
                                        GatewayBalance("JPY", 0, 5000),
                                        GatewayBalance("USD", 1200, 507)]
    with pytest.raises(ValueError):
        balance.balances({**answer, "pending": [{"amount": "5", "currency": "usd"}]})
