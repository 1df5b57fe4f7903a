"""The Alembic migration and the models agree, on SQLite and PostgreSQL alike."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from addon.extensions import db
from addon.models import (
    Company,
    Gateway,
    GatewayCurrency,
    GatewayEvent,
    Platform,
    PlatformConnection,
    Posting,
    WorkStatus,
)
from addon.platforms import UnknownPlatform


def test_migrations_produce_exactly_the_models(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def make_company(external_id="9341453050298431") -> Company:
    company = Company(
        platform=Platform.QUICKBOOKS, external_id=external_id, name="Acme", home_currency="USD"
    )
    db.session.add(company)
    db.session.flush()
    return company


def test_an_event_is_stored_once_per_source(app):
    db.session.add(GatewayEvent(source="stripe", event_id="evt_1", event_type="x", payload={}))
    db.session.commit()
    db.session.add(GatewayEvent(source="stripe", event_id="evt_1", event_type="x", payload={}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(GatewayEvent(source="xero", event_id="evt_1", event_type="x", payload={}))
    db.session.commit()


def test_a_posting_is_unique_per_company_kind_and_source(app):
    company = make_company()

    def posting(key):
        return Posting(
            company_id=company.id, kind="payment", source_id="ch_1", currency="JPY",
            amount_minor=1500, idempotency_key=key,
        )

    db.session.add(posting("k1"))
    db.session.commit()
    db.session.add(posting("k2"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_posting_amounts_are_decimals_in_the_currency_exponent(app):
    company = make_company()
    posting = Posting(company_id=company.id, kind="payment", source_id="ch_2",
                      currency="KWD", idempotency_key="k3")
    posting.amount = Decimal("12.345")
    db.session.add(posting)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Posting, posting.id)
    assert stored.amount_minor == 12345
    assert stored.amount == Decimal("12.345")
    assert stored.status is WorkStatus.PENDING


def test_one_mapping_row_per_gateway_currency(app):
    company = make_company()
    gateway = Gateway(company_id=company.id, kind="stripe", description="Stripe.com")
    gateway.currencies = [GatewayCurrency(currency="USD", deposit_account_id="4")]
    db.session.add(gateway)
    db.session.commit()
    db.session.add(GatewayCurrency(gateway_id=gateway.id, currency="USD"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_tokens_are_encrypted_at_rest(app):
    db.session.add(PlatformConnection(platform=Platform.QUICKBOOKS, access_token="plain-access",
                                      refresh_token="plain-refresh"))
    db.session.commit()
    raw = db.session.execute(
        sa.text("SELECT access_token, refresh_token FROM platform_connection")
    ).one()
    assert "plain" not in raw.access_token + raw.refresh_token
    db.session.expire_all()
    assert db.session.scalars(sa.select(PlatformConnection)).one().access_token == "plain-access"


def test_one_xero_grant_serves_several_organisations(app):
    grant = PlatformConnection(platform=Platform.XERO, refresh_token="rt")
    first, second = make_company("tenant-1"), make_company("tenant-2")
    first.connection = second.connection = grant
    db.session.commit()
    assert {c.external_id for c in grant.companies} == {"tenant-1", "tenant-2"}
    assert first.status == second.status == "active"
    first.disconnected_at = first.created_at
    assert first.status == "disconnected" and second.status == "active"


def test_enum_columns_refuse_unknown_values(app):
    company = make_company()
    db.session.add(Gateway(company=company, kind="stripe", account_id="acct_1"))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.text("UPDATE gateway SET status = 'bogus' WHERE company_id = :id"),
                           {"id": company.id})
        db.session.commit()


def test_platform_columns_refuse_unregistered_keys(app):
    """Platforms are plugins: the registry, not a CHECK constraint, refuses an unknown key."""
    db.session.add(Company(platform="sage", external_id="s-1", name="Org", home_currency="GBP"))
    with pytest.raises(sa.exc.StatementError) as refused:
        db.session.flush()
    assert isinstance(refused.value.orig, UnknownPlatform)
