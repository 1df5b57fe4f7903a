"""The pure parts of recording a payment in Xero: what goes on the wire (xero-python writes
Decimals as binary floats, reference §5.9), Xero's CurrencyRate the other way round from Remit's
exchange rate, invoice statuses, and refusals made before any call."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from xero_python.accounting import Account, Invoice, Payment, Payments
from xero_python.api_client.serializer import serialize

from connectors.base import InvoiceApplication, OAuthClient, PaymentPosting, Rejected, TokenSet
from connectors.xero import XeroConnector, transformers
from connectors.xero.client import exact_on_the_wire
from tests.connectors.conftest import MemoryTokenKeeper
from tests.connectors.xero.conftest import UK_ORG
from tests.connectors.xero.test_client import PAYMENT, RecordingPool, recorded_client


def on_the_wire(amount: Decimal) -> Decimal:
    """What Xero reads for `amount`: the SDK's own serialisation, then json.dumps as its REST
    client does, read back as Xero's JSON numbers are (exactly, as decimals)."""
    payment = Payment(invoice=Invoice(invoice_id="i"), account=Account(account_id="a"),
                      amount=amount, date=date(2026, 3, 9))
    text = json.dumps(serialize(Payments(payments=[payment])))
    return json.loads(text, parse_float=Decimal)["Payments"][0]["Amount"]


def sampled_amounts(places: int, digits: int, count: int) -> list[Decimal]:
    generator = random.Random(places * 1000 + digits)  # fixed: the same sample every run
    return [Decimal(generator.randrange(10 ** digits)).scaleb(-places) for _ in range(count)]


def test_every_cent_up_to_a_thousand_is_sent_exactly():
    every_cent = [Decimal(cents).scaleb(-2) for cents in range(100_001)]

    assert all(exact_on_the_wire(amount) == amount for amount in every_cent)
    assert all(on_the_wire(amount) == amount for amount in every_cent[::97])


@pytest.mark.parametrize(("places", "digits"), [(2, 15), (0, 15), (3, 15), (6, 9)])
def test_up_to_fifteen_significant_digits_are_sent_exactly(places, digits):
    """Two places up to 10^13, JPY's none, KWD's three, and 6-place currency rates."""
    for amount in sampled_amounts(places, digits, 20_000):
        assert on_the_wire(exact_on_the_wire(amount)) == amount


def test_what_a_float_would_alter_is_refused_not_sent():
    assert on_the_wire(Decimal("12345678901234567.89")) != Decimal("12345678901234567.89")
    for amount in ("12345678901234567.89", "0.10000000000000000555", "NaN", "Infinity"):
        with pytest.raises(Rejected, match="binary floats"):
            exact_on_the_wire(Decimal(amount))


def test_the_put_carries_the_key_summarize_errors_and_exact_numbers():
    pool = RecordingPool()

    created = recorded_client(pool).create_payments("token", UK_ORG, [PAYMENT, PAYMENT], "k-1")

    (call,) = pool.calls
    assert (call["method"], urlsplit(call["url"]).path, urlsplit(call["url"]).query) == (
        "PUT", "/api.xro/2.0/Payments", "summarizeErrors=True")
    assert call["headers"]["Idempotency-Key"] == "k-1"
    sent = json.loads(call["body"], parse_float=Decimal)["Payments"]
    assert [(p["Amount"], p["CurrencyRate"], p["Date"]) for p in sent] == [
        (Decimal("120.5"), Decimal("1.183221"), "/Date(1773014400000)/")] * 2
    assert [p.payment_id for p in created] == ["p"]


def test_xeros_currency_rate_is_remits_rate_the_other_way_round():
    assert transformers.currency_rate(Decimal("0.845150652329531")) == Decimal("1.183221")
    assert transformers.currency_rate(None) is None
    with pytest.raises(Rejected):
        transformers.currency_rate(Decimal("0"))


def test_a_rate_read_from_xero_goes_back_unchanged():
    for rate in sampled_amounts(6, 11, 20_000):  # 0.000001 .. 99999.999999
        if rate:
            assert transformers.currency_rate(transformers.home_per_foreign(rate)) == rate


def invoice_model(**changes) -> SimpleNamespace:
    fields = {"invoice_id": "i-1", "invoice_number": "INV-9", "type": "ACCREC",
              "status": "AUTHORISED", "currency_code": "EUR", "currency_rate": Decimal("2"),
              "total": Decimal("10.00"), "amount_due": Decimal("4.00"),
              "contact": SimpleNamespace(contact_id="c-1", name="Client")}
    return SimpleNamespace(**{**fields, **changes})


@pytest.mark.parametrize(("status", "expected"), [
    ("AUTHORISED", "open"), ("PAID", "paid"), ("VOIDED", "void"), ("DELETED", "void"),
    ("DRAFT", "draft"), ("SUBMITTED", "draft")])
def test_invoice_statuses(status, expected):
    invoice = transformers.invoice(invoice_model(status=status), "GBP")

    assert (invoice.status, invoice.balance, invoice.exchange_rate) == (
        expected, Decimal("4.00"), Decimal("0.5"))
    assert transformers.invoice(invoice_model(currency_code="GBP"), "GBP").exchange_rate is None


@pytest.mark.parametrize(("changes", "words"), [
    ({"status": "ARCHIVED"}, "does not know"), ({"type": "ACCPAY"}, "not a sales invoice")])
def test_invoices_that_take_no_customer_payment_are_rejected(changes, words):
    with pytest.raises(Rejected, match=words):
        transformers.invoice(invoice_model(**changes), "GBP")


def test_any_element_with_validation_errors_is_a_refusal():
    def payment(*messages):
        errors = [SimpleNamespace(message=message) for message in messages]
        return SimpleNamespace(payment_id="p", has_validation_errors=bool(errors),
                               validation_errors=errors)

    with pytest.raises(Rejected) as caught:
        transformers.ledger_write([payment(), payment("First."), payment("Second.")])

    assert caught.value.detail == "First.; Second."
    assert transformers.ledger_write([payment(), payment()]).object_ids == ("p", "p")


def posting(applications: tuple, amount: str, rate: Decimal | None = None) -> PaymentPosting:
    return PaymentPosting("k", "c", "GBP", Decimal(amount), date(2026, 3, 9), "a", None,
                          applications, "ch_1", "memo", rate)


@pytest.mark.parametrize(("wrong", "words"), [
    (posting((), "0.00"), "no invoice"),
    (posting((InvoiceApplication("i", Decimal("5.00")),), "6.00"), "do not add up"),
    (posting((InvoiceApplication("i", Decimal("5.00")),), "5.00", Decimal("-1")), "positive"),
])
def test_postings_that_cannot_be_right_are_refused_before_any_call(wrong, words):
    """The API base is a closed port: reaching it would be VendorUnavailable, not Rejected."""
    tokens = TokenSet("at", "rt", datetime.now(UTC) + timedelta(hours=1))
    connector = XeroConnector(UK_ORG, MemoryTokenKeeper(tokens), OAuthClient("i", "s", "t", "r"),
                              "http://127.0.0.1:9", 2.0, "GBP")

    with pytest.raises(Rejected, match=words):
        connector.record_payment(wrong)
