"""How the pages that grow with a company's data behave at size: time per request (median of
25, Flask test client, in process) and SQL statements per request.

    .venv/bin/python -m benchmarks.pages [--accounts 5000 20000] [--postings 100000]
    REMIT_DATABASE_URL=postgresql://... .venv/bin/python -m benchmarks.pages

Signs in to the sandbox's US QuickBooks company with a Stripe gateway (the stand-ins served on
loopback), then fills the database REMIT_DATABASE_URL names (default: a fresh SQLite file; it is
emptied and migrated: never point it at one you keep) in steps: the chart of accounts at each
size, 10,000 history entries on the gateway, the postings. Measures the settings page, the
gateway form (at each chart size, then with the history), and Activity's first page and a page
90 % of the way back.
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

from benchmarks.month import _world

RUNS = 25
HISTORY = 10_000
# QuickBooks types spread the way a large chart spreads them: most accounts are expenses.
TYPES = ("Expense", "Expense", "Expense", "Income", "Other Current Asset", "Bank",
         "Accounts Receivable", "Other Expense", "Cost of Goods Sold", "Equity")


def main() -> int:
    options = _options()
    print(f"$ python -m benchmarks.pages --accounts {' '.join(map(str, options.accounts))} "
          f"--postings {options.postings}")
    with ExitStack() as stack:
        app, _patch = _world(stack)
        with app.app_context():
            from addon.extensions import db
            from tests.app.payment_flow import company_with_stripe

            client = app.test_client()
            company = company_with_stripe(client)
            company_id, gateway_id = company.id, company.gateways[0].id
            print(f"database: {db.engine.dialect.name}")
            print(f"{'page':<44} {'median ms':>10} {'statements':>11}")
            for size in options.accounts:
                _chart(company_id, size)
                _row(f"settings page, {size:,} accounts", client, "/settings/gateways")
                _row(f"gateway form, {size:,} accounts", client,
                     f"/settings/gateways/{gateway_id}")
            _history(gateway_id)
            _row(f"gateway form, {HISTORY:,} history entries", client,
                 f"/settings/gateways/{gateway_id}")
            deep = _postings(company_id, gateway_id, options.postings)
            _row(f"Activity first page, {options.postings:,} postings", client, "/activity")
            _row(f"Activity page 90 % back, {options.postings:,}", client,
                 f"/activity?before={deep}")
    return 0


def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[5_000, 20_000])
    parser.add_argument("--postings", type=int, default=100_000)
    return parser.parse_args()


def _row(label: str, client, path: str) -> None:
    from sqlalchemy import event

    from addon.extensions import db

    statements: list[str] = []

    def record(*_args):
        statements.append("")

    client.get(path)  # warm: templates compiled, caches filled
    times = []
    for _run in range(RUNS):
        db.session.remove()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        started = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - started)
        event.remove(db.engine, "before_cursor_execute", record)
        assert answer.status_code == 200, (path, answer.status_code)
    print(f"{label:<44} {statistics.median(times) * 1000:>10.1f} {len(statements):>11}")


def _chart(company_id: int, size: int) -> None:
    """The company's cached chart replaced by `size` accounts, the sandbox's own kept first
    (the gateway's saved accounts stay valid)."""
    from sqlalchemy import func, insert, select

    from addon.extensions import db
    from addon.models import AccountSnapshot

    have = db.session.scalar(select(func.count(AccountSnapshot.id))
                             .where(AccountSnapshot.company_id == company_id))
    now = datetime.now(UTC)
    rows = [{"company_id": company_id, "external_id": f"bench{n}", "name": f"Account {n:06d}",
             "account_type": TYPES[n % len(TYPES)], "currency": "USD", "active": True,
             "payments_enabled": False, "fetched_at": now}
            for n in range(have, size)]
    if rows:
        db.session.execute(insert(AccountSnapshot), rows)
    db.session.commit()
    _analyze()


def _analyze() -> None:
    """PostgreSQL plans from table statistics, which autovacuum refreshes only after a while;
    a production table that grew slowly has them, so the benchmark asks for them now."""
    from sqlalchemy import text

    from addon.extensions import db

    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _history(gateway_id: int) -> None:
    from sqlalchemy import insert, select

    from addon.extensions import db
    from addon.models import GatewayAudit, User

    user_id = db.session.scalars(select(User.id)).first()
    now = datetime.now(UTC)
    db.session.execute(insert(GatewayAudit), [
        {"gateway_id": gateway_id, "user_id": user_id, "at": now, "change": "description",
         "old_value": f"Stripe {n}", "new_value": f"Stripe {n + 1}"} for n in range(HISTORY)])
    db.session.commit()
    _analyze()


def _postings(company_id: int, gateway_id: int, count: int, first: int = 0) -> str:
    """`count` postings a minute apart, a few failed; the cursor of the one 90 % back."""
    from sqlalchemy import insert, select

    from addon.activity.listing import Cursor
    from addon.extensions import db
    from addon.models import Posting, WorkStatus

    start = datetime.now(UTC) - timedelta(minutes=first + count)
    end = first + count
    for batch in range(first, end, 20_000):
        db.session.execute(insert(Posting), [
            {"company_id": company_id, "gateway_id": gateway_id, "kind": "payment",
             "source_id": f"ch_bench{n}", "amount_minor": 1000 + n, "currency": "USD",
             "status": WorkStatus.FAILED if n % 97 == 0 else WorkStatus.DONE,
             "idempotency_key": f"bench-{n}", "created_at": start + timedelta(minutes=n),
             "updated_at": start + timedelta(minutes=n)}
            for n in range(batch, min(batch + 20_000, end))])
        db.session.commit()
    _analyze()
    posting = db.session.scalars(select(Posting).where(Posting.source_id ==
                                                       f"ch_bench{first + count // 10}")).one()
    return str(Cursor.of(posting))


if __name__ == "__main__":
    raise SystemExit(main())
