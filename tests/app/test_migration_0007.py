"""Migration 0007 (gateway version, pay-link choice) goes down and up again on the test
database, SQLite or PostgreSQL, keeping the rows: existing gateways start at version 1 with no
pay-link choice, so pay links keep using the oldest gateway."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from addon.extensions import db
from addon.models import Company, Gateway, GatewayCurrency, GatewayStatus, Platform


def columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def test_0007_down_and_up_keeps_the_gateways(app):
    company = Company(platform=Platform.QUICKBOOKS, external_id="r1", name="Acme",
                      home_currency="USD")
    gateway = Gateway(company=company, kind="stripe", status=GatewayStatus.ACTIVE,
                      description="Stripe.com", account_id="acct_1",
                      currencies=[GatewayCurrency(currency="USD", deposit_account_id="4")])
    db.session.add(gateway)
    db.session.commit()
    gateway_id = gateway.id
    db.session.remove()
    try:
        downgrade(revision="0006")
        assert "version" not in columns("gateway")
        assert "pay_links" not in columns("gateway_currency")
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT description FROM gateway")).scalar() == \
                "Stripe.com"
    finally:
        upgrade()
    assert "version" in columns("gateway") and "pay_links" in columns("gateway_currency")
    with db.engine.connect() as connection:
        row = connection.execute(sa.text(
            "SELECT g.version, c.pay_links, c.deposit_account_id FROM gateway g "
            "JOIN gateway_currency c ON c.gateway_id = g.id WHERE g.id = :id"),
            {"id": gateway_id}).one()
    assert (row[0], bool(row[1]), row[2]) == (1, False, "4")
