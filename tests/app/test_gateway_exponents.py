"""Amounts stored in a gateway's minor units are read back with that gateway's exponent, not
ISO 4217's: they differ for ISK (Stripe: hundredths; ISO: none) and MGA (Stripe: none; ISO:
hundredths). USD, JPY and KWD agree, so every other test would pass either way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from addon.extensions import db
from addon.models import CheckoutSession, Gateway, Posting, WorkStatus, utcnow
from addon.pay import sessions
from tests.app.payment_flow import company_with_stripe


@pytest.fixture
def gateway(client) -> Gateway:
    company_with_stripe(client)
    return db.session.query(Gateway).one()


def posting(gateway: Gateway | None, company_id: int, currency: str, minor: int) -> Posting:
    row = Posting(company_id=company_id, gateway_id=gateway.id if gateway else None,
                  kind="payment", source_id=f"pi_{currency}", amount_minor=minor,
                  currency=currency, status=WorkStatus.PENDING,
                  idempotency_key=f"rp-test-{currency}-{bool(gateway)}")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize(("currency", "minor", "amount"), [
    ("ISK", 12345, Decimal("123.45")), ("MGA", 12345, Decimal("12345")),
    ("USD", 12345, Decimal("123.45")), ("JPY", 12345, Decimal("12345")),
    ("KWD", 12345, Decimal("12.345")),
])
def test_a_posting_reads_its_amount_in_its_gateways_exponent(gateway, currency, minor, amount):
    stored = posting(gateway, gateway.company_id, currency, minor)

    assert stored.amount == amount and stored.amount.as_tuple() == amount.as_tuple()
    stored.amount = amount
    assert stored.amount_minor == minor


def test_without_a_gateway_iso_4217_applies(gateway):
    assert posting(None, gateway.company_id, "ISK", 12345).amount == Decimal("12345")


def test_a_paid_page_not_yet_posted_counts_in_the_gateways_exponent(gateway):
    db.session.add(CheckoutSession(company_id=gateway.company_id, gateway_id=gateway.id,
                                   invoice_id="130", session_id="cs_test_isk",
                                   amount_minor=50050, currency="ISK", status="complete",
                                   expires_at=utcnow() + timedelta(minutes=30)))
    db.session.commit()

    waiting = sessions.not_yet_posted(gateway.company_id, "130", "ISK",
                                      datetime.now(UTC), places=2)

    assert waiting == Decimal("500.50") and waiting.as_tuple().exponent == -2
