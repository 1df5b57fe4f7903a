"""A converted payment for several invoices: Xero rounds each Payment's base amount on its own,
so each gets its own rate and the shares add up to what Stripe settled (the simulated month
found one rate for all landing a penny short)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from connectors.base import InvoiceApplication, PaymentPosting
from connectors.xero.connector import _new_payments
from connectors.xero.transformers import currency_rate, share_rates

PENNY = Decimal("0.01")


def base_amounts(amounts, rates, quantum=PENNY):
    """What Xero puts in the base-currency account for each Payment (its BankAmount)."""
    return [(amount / rate).quantize(quantum, ROUND_HALF_UP)
            for amount, rate in zip(amounts, rates, strict=True)]


def test_one_rate_for_three_invoices_misses_the_settled_total_by_a_penny():
    amounts = [Decimal("26.43"), Decimal("446.73"), Decimal("404.61")]
    settled = Decimal("701.88")
    one = currency_rate(settled / sum(amounts))

    assert sum(base_amounts(amounts, [one] * 3)) != settled


@pytest.mark.parametrize(("amounts", "settled", "quantum"), [
    (["26.43", "446.73", "404.61"], "701.88", PENNY),  # USD invoices, GBP organisation
    (["1234", "5", "99999"], "612.47", PENNY),  # zero-decimal yen into pounds
    (["150.250", "75.125"], "587.10", PENNY),  # three-decimal dinars
    (["10.00", "10.00", "10.00"], "25.01", PENNY),  # equal shares, one penny over
    (["100.00", "0.01"], "123.45", PENNY),  # a tiny share still gets its penny
    (["1000", "2000"], "20.01", PENNY),  # yen invoices into pounds, a penny to place
])
def test_each_invoice_gets_a_rate_whose_shares_add_up_to_the_settled_amount(amounts, settled,
                                                                              quantum):
    amounts, settled = [Decimal(a) for a in amounts], Decimal(settled)

    rates = share_rates(amounts, settled)

    assert rates is not None
    assert all(rate == rate.quantize(Decimal("0.000001")) for rate in rates)
    assert sum(base_amounts(amounts, rates, quantum)) == settled


def test_a_share_that_cannot_be_given_back_leaves_one_rate():
    # A penny invoice next to a large one, converted into one pound: its share is nothing.
    assert share_rates([Decimal("0.01"), Decimal("1000.00")], Decimal("1.00")) is None
    # Six places of rate cannot reach every yen of a large conversion into a yen organisation
    # (one step of 0.000001 USD per JPY moves 1,000 USD by about 17 yen).
    assert share_rates([Decimal("1000.00"), Decimal("2000.00")], Decimal("391000")) is None


def test_the_payments_carry_their_own_rates_only_when_converted():
    applications = (InvoiceApplication("inv-1", Decimal("26.43")),
                    InvoiceApplication("inv-2", Decimal("446.73")),
                    InvoiceApplication("inv-3", Decimal("404.61")))
    posting = PaymentPosting(
        idempotency_key="rp-x", customer_id="c", currency="USD", amount=Decimal("877.77"),
        paid_on=date(2026, 12, 1), deposit_account_id="clearing", receivable_account_id=None,
        applications=applications, reference="ch_1", memo="m",
        exchange_rate=Decimal("701.88") / Decimal("877.77"), settled_amount=Decimal("701.88"))

    converted = _new_payments(posting)
    at_invoice_rate = _new_payments(PaymentPosting(**{**posting.__dict__,
                                                      "settled_amount": None}))

    assert sum(base_amounts([p.amount for p in converted],
                            [p.currency_rate for p in converted])) == Decimal("701.88")
    assert len({p.currency_rate for p in at_invoice_rate}) == 1
