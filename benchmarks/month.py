"""The simulated month (tests/app/month.py) as a benchmark: ledger calls per Stripe object and
total time, per platform.

    .venv/bin/python -m benchmarks.month [--platform quickbooks|xero] [--seed 10]

Runs the same driver as tests/app/test_month.py against the in-process stand-ins on loopback,
on the database REMIT_DATABASE_URL names (default: a fresh SQLite file), tasks inline. Every
ledger API request is counted where the SDK sends it (QuickBooks: the connector's transport;
Xero: urllib3) and charged to the kind of posting being written then (payment, fee, refund,
dispute, payout, ...), or to "pay page and set-up" outside any posting. Prints, per kind, the
Stripe objects of that kind, the ledger reads and writes, and both per object; then the total
time and the month's size.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections import Counter
from contextlib import ExitStack

from werkzeug.serving import make_server

OUTSIDE = "pay page and set-up"


def main() -> int:
    options = _options()
    with ExitStack() as stack:
        app, patch = _world(stack)
        with app.app_context():
            from addon.extensions import db
            from tests.app.month import sqlite_without_fsync

            stack.enter_context(sqlite_without_fsync(db.engine))
            calls = _count_ledger_calls(patch)
            books = _books(options.platform)
            from tests.app import month as simulated

            client = app.test_client()
            month = simulated.run(client, books, patch, seed=options.seed)
            _report(options.platform, books, month, calls)
    return 0


def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=("quickbooks", "xero"), default="quickbooks")
    parser.add_argument("--seed", type=int, default=10)
    return parser.parse_args()


def _books(platform: str):
    from tests.app import month_books

    return {"quickbooks": month_books.QuickBooksBooks, "xero": month_books.XeroBooks}[platform]()


def _world(stack: ExitStack):
    """The stand-ins served on loopback, the add-on on a migrated database, and a patcher
    that puts every replaced attribute back at the end."""
    from flask_migrate import upgrade

    import sandbox
    from addon import create_app
    from tests.conftest import SANDBOX_APPS, _drop_everything, base_config

    SANDBOX_APPS.append(sandbox.create_app())
    server = make_server("127.0.0.1", 0, SANDBOX_APPS[-1], threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack.callback(server.shutdown)
    database = os.environ.get("REMIT_DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp()}/remit-month.sqlite3"
    app = create_app(base_config(database, f"http://127.0.0.1:{server.server_port}"))
    with app.app_context():
        from addon.extensions import db

        _drop_everything(db.engine)
        upgrade()
    sandbox.reset()
    replaced: list[tuple[object, str, object]] = []

    def patch(target: object, name: str, value: object) -> None:
        replaced.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    def restore() -> None:
        for target, name, value in reversed(replaced):
            setattr(target, name, value)

    stack.callback(restore)
    return app, patch


def _count_ledger_calls(patch) -> Counter:
    """(posting kind, "read" | "write") -> ledger API requests, counted at the transport."""
    from urllib3 import PoolManager

    import addon.jobs
    from addon.extensions import db
    from addon.models import Posting
    from connectors.quickbooks.transport import CallPolicyMixin

    calls: Counter = Counter()
    current: list[str] = []
    post = addon.jobs.post

    def charged(posting_id: int):
        posting = db.session.get(Posting, posting_id)
        current.append(posting.kind if posting else OUTSIDE)
        try:
            return post(posting_id)
        finally:
            current.pop()

    quickbooks, xero = CallPolicyMixin.request, PoolManager.request

    def quickbooks_request(self, method, url, *args, **kwargs):
        if "/v3/company/" in url:
            resource = url.split("/v3/company/")[1].split("?")[0].split("/")[1]
            kind = current[-1] if current else OUTSIDE
            write = method.upper() == "POST" and resource != "query"
            calls[(kind, "write" if write else "read")] += 1
            calls[(kind, "write" if write else "read", resource)] += 1
        return quickbooks(self, method, url, *args, **kwargs)

    def xero_request(self, method, url, *args, **kwargs):
        if "/api.xro/2.0/" in url:
            resource = url.split("/api.xro/2.0/")[1].split("?")[0].split("/")[0]
            kind = current[-1] if current else OUTSIDE
            write = method.upper() in ("POST", "PUT")
            calls[(kind, "write" if write else "read")] += 1
            calls[(kind, "write" if write else "read", resource)] += 1
        return xero(self, method, url, *args, **kwargs)

    patch(addon.jobs, "post", charged)
    patch(CallPolicyMixin, "request", quickbooks_request)
    patch(PoolManager, "request", xero_request)
    return calls


def _report(platform: str, books, month, calls: Counter) -> None:
    from sandbox import stripe_balance

    entries = stripe_balance.transactions(month.account_id)
    objects = {"payment": len(month.payments),
               "fee": sum(1 for e in entries if e["type"] == "charge"),
               "refund": len(month.refunds),
               "dispute": sum(1 for e in entries if e["type"] == "adjustment"),
               "payout": len(month.payouts)}
    kinds = [*objects, *sorted({key[0] for key in calls} - set(objects) - {OUTSIDE}), OUTSIDE]
    print(f"simulated month on {platform}: {len(month.payments)} payments, "
          f"{len(month.refunds)} refunds, {len(month.disputes)} disputes, "
          f"{len(month.payouts)} payouts, {month.deliveries} event deliveries")
    print(f"{'Stripe object':<22}{'objects':>8}{'writes':>8}{'reads':>8}"
          f"{'writes/obj':>12}{'reads/obj':>11}{'target writes/obj':>19}")
    for kind in kinds:
        count = objects.get(kind)
        writes, reads = calls[(kind, "write")], calls[(kind, "read")]
        per = (f"{writes / count:>12.2f}{reads / count:>11.2f}" if count else f"{'':>23}")
        target = f"{books.writes_per(kind, 1):>19}" if count else ""
        print(f"{kind:<22}{count if count is not None else '':>8}{writes:>8}{reads:>8}{per}"
              f"{target}")
    print("(a Xero payment is one PUT /Payments request, one Payment per invoice in it)")
    for kind in kinds:
        seen = sorted((key[1], key[2], n) for key, n in calls.items()
                      if len(key) == 3 and key[0] == kind)
        print(f"  {kind}: " + ", ".join(f"{rw} {resource} x{n}" for rw, resource, n in seen))
    print(f"total time {month.seconds:.1f} s (database: "
          f"{os.environ.get('REMIT_DATABASE_URL', 'SQLite file').split('@')[-1]})")


if __name__ == "__main__":
    sys.exit(main())
