"""Activity at a million postings: each filter's count is bounded (exact up to
listing.COUNTED, then "1,000+"), a filter of several statuses reads each one's newest rows
from the (company_id, status, created_at, id) index and merges them, and paging through such a
filter, ties in time included, shows every row once in both directions. The timings are
benchmarks/pages.py's; here, what holds whatever the size."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from addon.activity import listing
from addon.extensions import db
from addon.models import Posting, WorkStatus
from tests.app.reconcile_data import member, sign_in
from tests.app.statements import recorded_statements
from tests.app.test_activity_page import T0, add, company
from tests.app.test_activity_page import text as page_text

ATTENTION = (WorkStatus.FAILED, WorkStatus.PENDING, WorkStatus.PROCESSING)


def test_counts_stop_at_the_bound_and_say_there_are_more(client, monkeypatch):
    monkeypatch.setattr(listing, "COUNTED", 5)
    found, gateway = company()
    statuses = [WorkStatus.DONE] * 9 + [WorkStatus.FAILED] * 2 + [WorkStatus.PENDING] * 3 \
        + [WorkStatus.IGNORED] * 5 + [WorkStatus.UNMATCHED] * 6
    for n, status in enumerate(statuses):
        add(gateway, "payment", f"p_{n:03d}", status=status, at=T0 + timedelta(minutes=n))
    db.session.commit()

    counts = listing.counts(found.id)
    assert counts["recorded"] == listing.Count(5, more=True)  # 9 done: more than 5
    assert counts["attention"] == listing.Count(5)  # 2 + 3, exactly
    assert counts["ignored"] == listing.Count(5)  # exactly the bound: no "+"
    assert counts["unmatched"] == listing.Count(5, more=True)
    assert counts["all"] == listing.Count(5, more=True)
    sign_in(client, member(found, "user-1"), found)
    shown = page_text(client.get("/activity"))
    assert "All (5+)" in shown and "Recorded (5+)" in shown
    assert "Needs attention (5)" in shown and "Ignored (5)" in shown


def test_counts_are_one_statement_that_reads_at_most_the_bound_per_status(app, monkeypatch):
    monkeypatch.setattr(listing, "COUNTED", 3)
    found, gateway = company()
    for n in range(12):
        add(gateway, "payment", f"p_{n:03d}", status=WorkStatus.DONE,
            at=T0 + timedelta(minutes=n))
    db.session.commit()
    company_id = found.id
    with recorded_statements() as seen:
        counts = listing.counts(company_id)
    assert len(seen) == 1 and seen[0].upper().count("LIMIT") == len(WorkStatus)
    assert counts["recorded"] == listing.Count(3, more=True)


def test_needs_attention_pages_through_its_statuses_newest_first_both_ways(app):
    found, gateway = company()
    for n in range(40):  # failed and pending interleaved with recorded; pairs share a minute
        status = (WorkStatus.FAILED, WorkStatus.DONE, WorkStatus.PENDING)[n % 3]
        add(gateway, "payment", f"p_{n:03d}", status=status,
            at=T0 + timedelta(minutes=n // 2))
    db.session.commit()
    wanted = [p.id for p in db.session.scalars(
        select(Posting).where(Posting.status.in_(ATTENTION))
        .order_by(Posting.created_at.desc(), Posting.id.desc()))]

    seen, shown = [], listing.page(found.id, "attention", size=4)
    pages = [shown]
    while True:
        seen += [p.id for p in shown.postings]
        if shown.older is None:
            break
        shown = listing.page(found.id, "attention", before=shown.older, size=4)
        pages.append(shown)
    assert seen == wanted and len(pages) == 7  # 27 rows, four to a page

    back = []
    shown = pages[-1]
    while shown.newer is not None:
        shown = listing.page(found.id, "attention", after=shown.newer, size=4)
        back = [p.id for p in shown.postings] + back
    assert back == wanted[:len(back)] and len(back) == 24  # every page before the last


@pytest.mark.parametrize("status", ["attention", "recorded"])
def test_a_status_filter_reads_its_rows_from_the_status_index(app, status):
    found, gateway = company()
    for n in range(30):
        add(gateway, "payment", f"p_{n:03d}", status=(WorkStatus.FAILED, WorkStatus.DONE,
                                                      WorkStatus.PENDING)[n % 3],
            at=T0 + timedelta(minutes=n))
    db.session.commit()
    first = listing.page(found.id, status, size=4)
    with executed() as seen:
        listing.page(found.id, status, before=first.older, size=4)
    assert "ix_posting_company_id_status_created_at_id" in plan(*seen[-1])


@contextmanager
def executed():
    """The statements run inside the block, with their parameters as the driver got them."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plan(statement: str, parameters) -> str:
    """The database's plan for a statement. PostgreSQL is told not to scan the whole table
    (it would, for thirty rows), so the plan says whether the index can serve the query."""
    connection = db.session.connection()
    driver = connection.connection.driver_connection.cursor()
    if connection.dialect.name == "postgresql":
        driver.execute("SET LOCAL enable_seqscan = off")
        driver.execute("SET LOCAL enable_bitmapscan = off")
        driver.execute("EXPLAIN " + statement, parameters)
    else:
        driver.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    return " ".join(str(row) for row in driver.fetchall())


def test_activity_reads_the_names_of_the_mapped_accounts_not_the_whole_chart(client):
    from benchmarks.pages import _chart
    from tests.app.payment_flow import company_with_stripe

    company = company_with_stripe(client)  # deposit: Undeposited Funds (4)
    _chart(company.id, 2_000)
    db.session.remove()
    with recorded_statements() as seen:
        html = client.get("/activity").get_data(as_text=True)
    chart_reads = [s for s in seen if "FROM account_snapshot" in s]
    assert len(chart_reads) == 1 and "external_id IN" in chart_reads[0]
    assert "Activity" in html
