import hashlib
from datetime import date
from decimal import Decimal

import pytest

from addon.posting.engine import (
    Mapping,
    Payment,
    PostingRefused,
    idempotency_key,
    payment_posting,
)
from connectors.quickbooks.platform import PLATFORM as QUICKBOOKS
from gateways.stripe import StripeGateway

MAPPING = Mapping(deposit_account_id="4", receivable_account_id="84")
PAID_ON = date(2026, 11, 26)


def pay(currency, minor, invoices, amounts, charge="ch_3QxAbCdEfGhIjKlMnOpQrS"):
    return Payment(source_id="pi_3QxAbCdEfGhIjKlMnOpQrS", charge_id=charge,
                   account_id="acct_1RemitSandboxUS01", currency=currency, amount_minor=minor,
                   metadata={"remit_invoices": invoices, "remit_amounts": amounts})


def label(payment):
    """The memo's name for the payment, in the gateway's words (the runner asks the gateway)."""
    return StripeGateway("ca_P", "sk_test_k").payment_label(
        source_id=payment.source_id, charge_id=payment.charge_id, account_id=payment.account_id)


def post(payment, home="USD", mapping=MAPPING, rate=None):
    return payment_posting(company_id=7, home_currency=home, payment=payment, mapping=mapping,
                           customer_id="58", paid_on=PAID_ON, exchange_rate=rate,
                           label=label(payment), reference_limit=QUICKBOOKS.reference_limit)


@pytest.mark.parametrize(
    ("currency", "minor", "amounts", "expected"),
    [
        ("USD", 25000, "250.00", Decimal("250.00")),
        ("EUR", 1999, "19.99", Decimal("19.99")),
        ("JPY", 1500, "1500", Decimal("1500")),
        ("KWD", 12345, "12.345", Decimal("12.345")),
    ],
)
def test_amounts_use_the_currency_exponent(currency, minor, amounts, expected):
    rate = None if currency == "USD" else Decimal("1.0834")
    posting = post(pay(currency, minor, "130", amounts), rate=rate)
    assert posting.amount == expected
    assert posting.amount.as_tuple().exponent == expected.as_tuple().exponent
    assert posting.applications[0].amount == expected
    assert posting.exchange_rate == rate


def test_one_payment_settles_several_invoices_partially():
    posting = post(pay("USD", 30050, "130, 131", "250.00,50.50"))
    assert [(a.invoice_id, a.amount) for a in posting.applications] == [
        ("130", Decimal("250.00")), ("131", Decimal("50.50"))]
    assert posting.deposit_account_id == "4" and posting.receivable_account_id == "84"


def test_the_key_and_reference_are_stable_and_fit_the_ledgers():
    first, again = post(pay("USD", 100, "1", "1.00")), post(pay("USD", 100, "1", "1.00"))
    assert first.idempotency_key == again.idempotency_key
    assert first.idempotency_key == idempotency_key(7, "payment", "pi_3QxAbCdEfGhIjKlMnOpQrS")
    assert len(first.idempotency_key) <= 50
    assert len(first.reference) <= 21 and first.reference.endswith("MnOpQrS")
    assert "pi_3QxAbCdEfGhIjKlMnOpQrS" in first.memo and "ch_3QxAbCdEfGhIjKlMnOpQrS" in first.memo
    assert first.memo == ("Stripe payment pi_3QxAbCdEfGhIjKlMnOpQrS, charge "
                          "ch_3QxAbCdEfGhIjKlMnOpQrS, account acct_1RemitSandboxUS01 "
                          "(recorded by Remit)")
    other_company = payment_posting(company_id=8, home_currency="USD",
                                    payment=pay("USD", 100, "1", "1.00"), mapping=MAPPING,
                                    customer_id="58", paid_on=PAID_ON, label="Payment pi_1",
                                    reference_limit=QUICKBOOKS.reference_limit)
    assert other_company.idempotency_key != first.idempotency_key


def test_generation_one_keeps_the_original_key_and_later_ones_are_new():
    """Postings pending before generations existed keep their key; every later generation has
    its own, all within QuickBooks' 50-character requestid (and Xero's 128)."""
    source = "pi_3QxAbCdEfGhIjKlMnOpQrS"
    original = "rp-" + hashlib.sha256(f"7:payment:{source}".encode()).hexdigest()[:40]
    keys = [idempotency_key(7, "payment", source, generation) for generation in range(1, 200)]

    assert idempotency_key(7, "payment", source) == keys[0] == original
    assert len(set(keys)) == len(keys) and all(len(key) <= 50 for key in keys)
    assert idempotency_key(8, "payment", source, 2) != keys[1]


@pytest.mark.parametrize(
    ("payment", "mapping", "message"),
    [
        (pay("USD", 25000, "130", "200.00"), MAPPING, "invoices add up to 200.00"),
        (pay("USD", 25000, "", ""), MAPPING, "names no invoice"),
        (pay("USD", 25000, "130,131", "250.00"), MAPPING, "one to one"),
        (pay("USD", 25000, "130", "abc"), MAPPING, "not a number"),
        (pay("JPY", 1500, "130", "1500.5"), MAPPING, "exact in JPY"),
        (pay("USD", 25000, "130", "-250.00"), MAPPING, "positive"),
        (pay("USD", 25000, "130", "250.00"), None, "no accounts set for USD"),
    ],
)
def test_refusals_say_why(payment, mapping, message):
    with pytest.raises(PostingRefused, match=message):
        post(payment, mapping=mapping)


def test_a_foreign_payment_needs_a_rate():
    with pytest.raises(PostingRefused, match="needs an exchange rate to USD"):
        post(pay("EUR", 1000, "130", "10.00"))
