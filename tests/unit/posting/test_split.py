"""How a payment lands: each invoice takes what was paid for it up to its balance due, the
excess is the customer's credit, exactly, in every currency's exponent."""

from datetime import date
from decimal import Decimal

import pytest

from addon.posting.engine import Mapping, Payment, PostingRefused, Split, payment_posting, split
from connectors.base import InvoiceApplication


def pay(currency, minor, invoices, amounts):
    return Payment(source_id="pi_3QxAbCdEfGhIjKlMnOpQrS", charge_id=None,
                   account_id="acct_1RemitSandboxUS01", currency=currency, amount_minor=minor,
                   metadata={"remit_invoices": invoices, "remit_amounts": amounts})


def landed(payment, balances, currency_home=None):
    landing = split(payment, balances)
    posting = payment_posting(
        company_id=7, home_currency=currency_home or payment.currency, payment=payment,
        mapping=Mapping("4", None), customer_id="58", paid_on=date(2026, 12, 1),
        landing=landing, label="Payment pi_3QxAbCdEfGhIjKlMnOpQrS", reference_limit=21)
    return posting, landing


def applied(posting):
    return [(a.invoice_id, a.amount) for a in posting.applications]


def test_a_partial_overpayment_applies_the_balance_and_credits_the_rest():
    posting, _ = landed(pay("USD", 15000, "130", "150.00"), {"130": Decimal("100.00")})

    assert applied(posting) == [("130", Decimal("100.00"))]
    assert (posting.amount, posting.credit) == (Decimal("150.00"), Decimal("50.00"))


def test_a_payment_for_a_paid_invoice_is_all_credit():
    posting, _ = landed(pay("USD", 25000, "130", "250.00"), {"130": Decimal("0.00")})

    assert applied(posting) == [] and posting.credit == Decimal("250.00")


def test_nothing_is_credited_when_the_balance_covers_the_payment():
    posting, _ = landed(pay("USD", 10050, "130", "100.50"), {"130": Decimal("250.00")})

    assert applied(posting) == [("130", Decimal("100.50"))] and posting.credit == 0


@pytest.mark.parametrize(("currency", "minor", "amount", "balance", "applies", "credit"), [
    ("JPY", 15000, "15000", Decimal("10000"), Decimal("10000"), Decimal("5000")),
    # QuickBooks answers balances to the cent even for yen: the exponent stays the yen's.
    ("JPY", 15000, "15000", Decimal("10000.00"), Decimal("10000"), Decimal("5000")),
    ("KWD", 12345, "12.345", Decimal("10.001"), Decimal("10.001"), Decimal("2.344")),
])
def test_zero_and_three_decimal_currencies_split_exactly(currency, minor, amount, balance,
                                                         applies, credit):
    posting, landing = landed(pay(currency, minor, "130", amount), {"130": balance},
                              currency_home=currency)

    assert applied(posting) == [("130", applies)] and posting.credit == credit
    exponent = -{"JPY": 0, "KWD": 3}[currency]
    assert posting.applications[0].amount.as_tuple().exponent == exponent
    assert posting.credit.as_tuple().exponent == exponent
    assert Split.from_payload(landing.as_payload(currency), currency) == landing


def test_several_invoices_each_take_only_their_own_balance():
    posting, _ = landed(pay("EUR", 30000, "130,131", "200.00,100.00"),
                        {"130": Decimal("120.00"), "131": Decimal("100.00")})

    assert applied(posting) == [("130", Decimal("120.00")), ("131", Decimal("100.00"))]
    assert posting.credit == Decimal("80.00")


def test_an_invoice_named_twice_is_not_applied_beyond_its_balance():
    posting, _ = landed(pay("USD", 20000, "130,130", "100.00,100.00"),
                        {"130": Decimal("150.00")})

    assert sum(a.amount for a in posting.applications) == Decimal("150.00")
    assert posting.credit == Decimal("50.00")


def test_a_negative_balance_counts_as_nothing_due():
    posting, _ = landed(pay("USD", 1000, "130", "10.00"), {"130": Decimal("-5.00")})

    assert applied(posting) == [] and posting.credit == Decimal("10.00")


def test_a_split_needs_every_invoices_balance():
    with pytest.raises(PostingRefused, match="balance of invoice 131 is unknown"):
        split(pay("USD", 2000, "130,131", "10.00,10.00"), {"130": Decimal("10.00")})


@pytest.mark.parametrize("landing", [
    Split((InvoiceApplication("130", Decimal("100.00")),), Decimal("40.00")),  # lost 10
    Split((InvoiceApplication("130", Decimal("160.00")),), Decimal("-10.00")),
    Split((InvoiceApplication("999", Decimal("100.00")),), Decimal("50.00")),  # not paid for
    Split((InvoiceApplication("130", Decimal("0.00")),), Decimal("150.00")),
])
def test_a_stored_split_that_does_not_match_the_payment_is_refused(landing):
    with pytest.raises(PostingRefused, match="does not match the payment"):
        payment_posting(company_id=7, home_currency="USD",
                        payment=pay("USD", 15000, "130", "150.00"), mapping=Mapping("4", None),
                        customer_id="58", paid_on=date(2026, 12, 1), landing=landing,
                        label="Payment pi_3QxAbCdEfGhIjKlMnOpQrS", reference_limit=21)
