"""Pages ask the database a fixed number of times whatever the data: the settings page with
many gateways, the gateway form with a long history (a page of 50 entries, their users in the
same query, the rest paged). Migration 0008 adds and removes its indexes on both databases."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select

from addon.extensions import db
from addon.gateways.configure import HISTORY_PAGE
from addon.models import (
    Company,
    Gateway,
    GatewayAudit,
    GatewayCurrency,
    GatewayStatus,
    User,
    utcnow,
)
from tests.app.page_reading import Page, inside
from tests.app.payment_flow import company_with_stripe
from tests.app.statements import recorded_statements


def add_gateways(company_id: int, count: int, status=GatewayStatus.ACTIVE) -> None:
    company = db.session.get(Company, company_id)
    db.session.add_all(
        Gateway(company=company, kind="stripe", status=status, description=f"Shop {n}",
                account_id=f"acct_extra{n}", account_currencies=["USD"],
                currencies=[GatewayCurrency(currency="USD", deposit_account_id="4",
                                            receivable_account_id="84")])
        for n in range(count))
    db.session.commit()


def settings_statements(client) -> tuple[int, str]:
    db.session.remove()
    with recorded_statements() as seen:
        answer = client.get("/settings/gateways")
    assert answer.status_code == 200
    return len(seen), answer.get_data(as_text=True)


def test_settings_page_statements_do_not_grow_with_gateways(client):
    company_id = company_with_stripe(client).id
    client.get("/settings/gateways")  # any first-view work (sessions, refreshes) done
    one, _page = settings_statements(client)
    add_gateways(company_id, 6)
    add_gateways(company_id, 3, GatewayStatus.ARCHIVED)
    many, page = settings_statements(client)
    assert many == one
    assert "Shop 5" in page and "Gateway used by pay links" in page
    # the first gateway stays the pay-link choice for the shared currency (the oldest)
    first = db.session.scalars(select(Gateway).order_by(Gateway.id)).first()
    assert Page(page).checked("gateway_id") == [str(first.id)]


def add_history(gateway_id: int, user_id: int, count: int) -> None:
    db.session.execute(insert(GatewayAudit), [
        {"gateway_id": gateway_id, "user_id": user_id, "at": utcnow(), "change": "description",
         "old_value": f"old {n}", "new_value": f"new {n}"} for n in range(count)])
    db.session.commit()


def history_rows(html: str) -> list[str]:
    page = Page(html)
    table = page.with_class("history-table")[0]
    return [row.text for row in page.find("tr") if inside(row, table)][1:]  # after the heads


def page_links(html: str) -> list[str]:
    page = Page(html)
    nav = page.with_class("history-pages")
    return [a.text for a in page.find("a") if nav and inside(a, nav[0])]


def test_gateway_form_shows_fifty_history_entries_with_their_users_in_one_query(client):
    company_with_stripe(client)
    gateway = db.session.scalars(select(Gateway)).one()
    user = db.session.scalars(select(User)).one()
    path = f"/settings/gateways/{gateway.id}"
    db.session.remove()
    with recorded_statements() as few:
        client.get(path)
    add_history(gateway.id, user.id, 10_000)
    db.session.remove()
    with recorded_statements() as seen:
        html = client.get(path).get_data(as_text=True)
    assert len(seen) == len(few)
    audit_reads = [s for s in seen if "FROM gateway_audit" in s]
    assert len(audit_reads) == 1 and "JOIN user" in audit_reads[0].replace('"', "")
    rows = history_rows(html)
    assert len(rows) == HISTORY_PAGE and "new 9999" in rows[0]
    assert page_links(html) == ["Older changes"]
    older = next(a.attrs["href"] for a in Page(html).find("a") if a.text == "Older changes")
    second = client.get(older).get_data(as_text=True)
    assert "new 9949" in history_rows(second)[0] and len(history_rows(second)) == HISTORY_PAGE


def test_the_last_history_page_has_no_older_link(client):
    company_with_stripe(client)
    gateway = db.session.scalars(select(Gateway)).one()
    user = db.session.scalars(select(User)).one()
    add_history(gateway.id, user.id, HISTORY_PAGE + 5)
    total = db.session.scalar(select(sa.func.count(GatewayAudit.id)))
    oldest_shown = db.session.scalars(select(GatewayAudit.id).order_by(GatewayAudit.id.desc())
                                      .offset(HISTORY_PAGE - 1).limit(1)).one()
    html = client.get(f"/settings/gateways/{gateway.id}?history_before={oldest_shown}")
    html = html.get_data(as_text=True)
    assert len(history_rows(html)) == total - HISTORY_PAGE
    assert page_links(html) == ["Newest changes"]


def indexes(table: str) -> set[str]:
    return {index["name"] for index in sa.inspect(db.engine).get_indexes(table)}


def test_0008_down_and_up(app):
    db.session.remove()
    try:
        downgrade(revision="0007")
        assert not {"ix_posting_company_id_created_at_id",
                    "ix_posting_company_id_status"} & indexes("posting")
        assert "ix_account_snapshot_company_id_currency_account_type" not in indexes(
            "account_snapshot")
        upgrade(revision="0008")
        assert {"ix_posting_company_id_created_at_id",
                "ix_posting_company_id_status"} <= indexes("posting")
        assert "ix_account_snapshot_company_id_currency_account_type" in indexes(
            "account_snapshot")
    finally:
        upgrade()


def test_activity_statements_do_not_grow_with_the_rows_shown(client):
    from benchmarks.pages import _postings

    company = company_with_stripe(client)
    company_id, gateway_id = company.id, company.gateways[0].id
    _postings(company_id, gateway_id, 2)
    db.session.remove()
    with recorded_statements() as few:
        assert client.get("/activity").status_code == 200
    _postings(company_id, gateway_id, 120, first=2)
    db.session.remove()
    with recorded_statements() as many:
        html = client.get("/activity").get_data(as_text=True)
    assert "ch_bench121" in html
    assert len(many) == len(few)
