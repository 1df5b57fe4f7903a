"""Migration 0009 goes down and up again on the test database, SQLite or PostgreSQL, keeping
the rows: Activity's status index and the history's (gateway_id, id) index replace 0008's and
0002's; a dropped event payload comes back down as an empty object (0008 required one), and a
checkout page's payment id is a column of its own."""

import json

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from addon.extensions import db
from addon.models import (
    CheckoutSession,
    Company,
    Gateway,
    GatewayEvent,
    GatewayStatus,
    Platform,
    WorkStatus,
    utcnow,
)


def indexes(table: str) -> set[str]:
    return {index["name"] for index in sa.inspect(db.engine).get_indexes(table)}


def columns(table: str) -> dict[str, dict]:
    return {column["name"]: column for column in sa.inspect(db.engine).get_columns(table)}


def test_0009_down_and_up_keeps_the_rows(app):
    company = Company(platform=Platform.QUICKBOOKS, external_id="r1", name="Acme",
                      home_currency="USD")
    gateway = Gateway(company=company, kind="stripe", status=GatewayStatus.ACTIVE,
                      description="Stripe.com", account_id="acct_1")
    db.session.add(gateway)
    db.session.flush()
    db.session.add_all([
        GatewayEvent(source="stripe", event_id="evt_old", event_type="charge.succeeded",
                     payload=sa.null(), status=WorkStatus.DONE, processed_at=utcnow()),
        GatewayEvent(source="stripe", event_id="evt_new", event_type="charge.succeeded",
                     payload={"id": "evt_new"}, status=WorkStatus.PENDING),
        CheckoutSession(company_id=company.id, gateway_id=gateway.id, invoice_id="130",
                        session_id="cs_1", amount_minor=100, currency="USD", status="complete",
                        expires_at=utcnow(), payment_id="pi_1"),
    ])
    db.session.commit()
    db.session.remove()
    try:
        downgrade(revision="0008")
        assert "ix_posting_company_id_status" in indexes("posting")
        assert "ix_posting_company_id_status_created_at_id" not in indexes("posting")
        assert indexes("gateway_audit") == {"ix_gateway_audit_gateway_id"}
        assert "ix_gateway_event_processed_at_kept" not in indexes("gateway_event")
        assert not columns("gateway_event")["payload"]["nullable"]
        assert "payment_id" not in columns("checkout_session")
        with db.engine.connect() as connection:
            kept = dict(connection.execute(sa.text(
                "SELECT event_id, payload FROM gateway_event")).all())
        assert {key: value if isinstance(value, dict) else json.loads(value)
                for key, value in kept.items()} == {"evt_old": {}, "evt_new": {"id": "evt_new"}}
    finally:
        upgrade()
    assert {"ix_posting_company_id_status_created_at_id",
            "ix_posting_company_id_created_at_id"} <= indexes("posting")
    assert "ix_posting_company_id_status" not in indexes("posting")
    assert indexes("gateway_audit") == {"ix_gateway_audit_gateway_id_id"}
    assert "ix_gateway_event_processed_at_kept" in indexes("gateway_event")
    assert columns("gateway_event")["payload"]["nullable"]
    assert "payment_id" in columns("checkout_session")
