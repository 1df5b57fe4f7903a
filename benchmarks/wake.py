"""Worker wake-up: from a Stripe webhook reaching Remit to the ledger write, on the stack that
`make run` starts.

    .venv/bin/python -m benchmarks.wake [--payments 50] [--gap 5] [--typing 15] [--idle 65]
                                        [--idle-payments 3] [--ref COMMIT]
    REMIT_REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python -m benchmarks.wake

Runs `make run` (server, sandbox, worker; SQLite database in a temp folder; the queue on SQLite,
or on Redis when REMIT_REDIS_URL is set: give it a database number of its own) in this checkout,
or in a fresh clone of `--ref` to measure an earlier commit the same way. Then, over HTTP as a
bookkeeper and customers would: connects the sandbox's US QuickBooks company and a Stripe
account and maps USD (Undeposited Funds, Accounts Receivable). Customers then arrive 0 to
2 x `--gap` s apart; each gets a new invoice in the QuickBooks stand-in, opens its pay link,
presses Pay, spends 0 to 2 x `--typing` s on the Stripe stand-in's Checkout page and pays there,
whose signed events reach /webhooks/stripe (several customers at once, as on a real day).

Per payment, the figure is the payment posting's `posted_at` (the ledger answered the write)
less the `received_at` of the webhook event that created the posting, both written by Remit in
its database. Then `--idle-payments` customers each pay after `--idle` quiet seconds on Checkout
(an idle worker, the usual case between customers); and, after as long again, the account
owner's Disconnect in the Stripe stand-in: `account.application.deauthorized` received to the
gateway shown as disconnected (its `disconnected_at`). Prints p50/p95/max and the command.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import requests
import sqlalchemy as sa
from cryptography.fernet import Fernet
from itsdangerous import URLSafeTimedSerializer

from tests.browserless import press

ROOT = Path(__file__).resolve().parent.parent
PAY_LINK_SALT = "remit-pay-link"  # addon/pay/links.py
SUCCEEDING_CARD = "4242 4242 4242 4242"  # the Stripe stand-in's test card
AMOUNT = "10.00"
START_LIMIT = 600
SETTLE_LIMIT = 180


def main() -> int:
    options = _options()
    with tempfile.TemporaryDirectory(prefix="remit-wake-") as scratch:
        checkout = _checkout(Path(scratch), options.ref)
        with _Stack(checkout, Path(scratch)) as stack:
            gateway = _set_up(stack)
            latencies = _payments(stack, gateway, options.payments, options.gap, options.typing)
            after_idle = [_after_idle(stack, gateway, options.idle)
                          for _ in range(options.idle_payments)]
            print(f"... quiet for {options.idle:.0f} s, then the owner disconnects in Stripe",
                  flush=True)
            time.sleep(options.idle)
            disconnect = _disconnect(stack, gateway)
        _report(options, latencies, after_idle, disconnect)
    return 0


def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=50)
    parser.add_argument("--gap", type=float, default=5.0,
                        help="mean seconds between customers (uniform 0..2x)")
    parser.add_argument("--typing", type=float, default=15.0,
                        help="mean seconds a customer spends on Checkout (uniform 0..2x)")
    parser.add_argument("--idle", type=float, default=65.0,
                        help="quiet seconds before each idle payment and the disconnect")
    parser.add_argument("--idle-payments", type=int, default=3)
    parser.add_argument("--ref", help="measure this commit, in a fresh clone (default: here)")
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    random.seed(options.seed)
    return options


def _checkout(scratch: Path, ref: str | None) -> Path:
    if ref is None:
        return ROOT
    clone = scratch / "remit"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
    return clone


class _Stack:
    """`make run` on a free port with its own database, queue file and keys; stopped (its whole
    process group) on exit."""

    def __init__(self, checkout: Path, scratch: Path) -> None:
        self.checkout, self.scratch = checkout, scratch
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.database_url = f"sqlite:///{scratch / 'remit.sqlite3'}"
        self.secret_key = Fernet.generate_key().decode()
        self.redis_url = os.environ.get("REMIT_REDIS_URL")
        self.env = {**{k: v for k, v in os.environ.items()
                       if not k.startswith("REMIT_") and k not in ("VIRTUAL_ENV", "MAKEFLAGS")},
                    "FLASK_REMIT_SERVE_PORT": str(port), "REMIT_BASE_URL": self.base,
                    "REMIT_DATABASE_URL": self.database_url,
                    "REMIT_HUEY_SQLITE_PATH": str(scratch / "huey.sqlite3"),
                    "REMIT_SECRET_KEY": self.secret_key,
                    "REMIT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                    "REMIT_LOG_LEVEL": "WARNING",
                    **({"REMIT_REDIS_URL": self.redis_url} if self.redis_url else {})}

    def __enter__(self) -> _Stack:
        self.log = (self.scratch / "make-run.log").open("wb")
        self.process = subprocess.Popen(["make", "run"], cwd=self.checkout, env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.time() + START_LIMIT
        while True:
            try:
                requests.get(self.base + "/", timeout=2)
                break
            except requests.ConnectionError:
                if self.process.poll() is not None or time.time() > deadline:
                    self.__exit__()
                    raise RuntimeError("make run did not start:\n" + (
                        self.scratch / "make-run.log").read_text(errors="replace")[-3000:]
                    ) from None
                time.sleep(0.2)
        self.db = sa.create_engine(self.database_url)
        return self

    def __exit__(self, *exc) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    def query(self, sql: str, **params):
        with self.db.connect() as connection:
            return connection.execute(sa.text(sql), params).all()


def _set_up(stack: _Stack) -> dict:
    """Sign in with the sandbox's QuickBooks company, connect a Stripe account and map USD, as
    tests/app/payment_flow.company_with_stripe does through the pages."""
    bookkeeper = requests.Session()
    start = bookkeeper.get(stack.base + "/connect/quickbooks", allow_redirects=False)
    consent = press(requests.Session(), start.headers["Location"], "Approve")
    bookkeeper.get(urljoin(stack.base, consent.headers["Location"])).raise_for_status()
    start = bookkeeper.get(stack.base + "/settings/gateways/connect/stripe?landing=login",
                           allow_redirects=False)
    consent = press(requests.Session(), start.headers["Location"], "Connect my Stripe account")
    bookkeeper.get(urljoin(stack.base, consent.headers["Location"])).raise_for_status()
    ((gateway_id, account_id, company_id, realm),) = stack.query(
        "SELECT gateway.id, gateway.account_id, company.id, company.external_id "
        "FROM gateway JOIN company ON company.id = gateway.company_id")
    saved = press(bookkeeper, f"{stack.base}/settings/gateways/{gateway_id}", "Save",
                  {"description": "Stripe.com", "currency": "USD", "deposit-USD": "4",
                   "receivable-USD": "84"})
    if saved.status_code != 302:
        raise RuntimeError(f"the gateway was not saved: HTTP {saved.status_code}")
    return {"id": gateway_id, "account": account_id, "company": company_id, "realm": realm}


def _payments(stack: _Stack, gateway: dict, count: int, gap: float,
              typing: float) -> list[float]:
    """`count` customers arriving 0 to 2 x `gap` s apart, each spending 0 to 2 x `typing` s on
    the Checkout page before Pay (several at once, as on a real day); each payment's
    webhook-to-ledger seconds."""
    links = URLSafeTimedSerializer(stack.secret_key, salt=PAY_LINK_SALT)
    with ThreadPoolExecutor(max_workers=count) as customers:
        paying = []
        for number in range(count):
            if number:
                time.sleep(random.uniform(0, 2 * gap))  # noqa: S311 (pacing, not secrets)
            checkout = _open_checkout(stack, gateway, links)
            pause = random.uniform(0, 2 * typing)  # noqa: S311
            paying.append(customers.submit(_pay, checkout, pause))
        for done in paying:
            print(f"paid invoice {done.result()}", flush=True)
    return _settled(stack, count)


def _after_idle(stack: _Stack, gateway: dict, idle: float) -> float:
    """One customer opens Checkout, and pays `idle` s later while nothing else happens."""
    links = URLSafeTimedSerializer(stack.secret_key, salt=PAY_LINK_SALT)
    checkout = _open_checkout(stack, gateway, links)
    print(f"... quiet for {idle:.0f} s, then invoice {_pay(checkout, idle)} is paid", flush=True)
    return _settled(stack, 1)[0]


def _open_checkout(stack: _Stack, gateway: dict, links) -> tuple:
    """A new invoice in the QuickBooks stand-in, its pay link opened and Pay pressed: the
    customer's session and the Stripe Checkout page it was sent to."""
    made = requests.post(f"{stack.base}/sandbox/quickbooks/sandbox/invoices", timeout=10,
                         json={"realm": gateway["realm"], "currency": "USD", "amount": AMOUNT})
    made.raise_for_status()
    invoice_id = made.json()["Invoice"]["Id"]
    token = links.dumps({"c": gateway["company"], "i": invoice_id})
    customer = requests.Session()
    opened = press(customer, f"{stack.base}/pay/{token}", "Pay", {"amount": AMOUNT})
    if opened.status_code != 303:
        raise RuntimeError(f"the pay page did not open Checkout: HTTP {opened.status_code}")
    return invoice_id, customer, urljoin(stack.base, opened.headers["Location"])


def _pay(checkout: tuple, pause: float) -> str:
    invoice_id, customer, page = checkout
    time.sleep(pause)
    paid = press(customer, page, "Pay", {"cardnumber": SUCCEEDING_CARD})
    if paid.status_code not in (302, 303):
        raise RuntimeError(f"Checkout refused the payment: HTTP {paid.status_code}")
    return invoice_id


def _settled(stack: _Stack, newest: int) -> list[float]:
    """Wait for every payment posting to be written; the `newest` ones' latencies."""
    deadline = time.time() + SETTLE_LIMIT
    while True:
        rows = stack.query(
            "SELECT posting.posted_at, posting.status, gateway_event.received_at "
            "FROM posting JOIN gateway_event ON gateway_event.id = posting.event_id "
            "WHERE posting.kind = 'payment' ORDER BY posting.id")
        if rows and all(row.posted_at for row in rows[-newest:]) and len(rows) >= newest:
            break
        if time.time() > deadline:
            raise RuntimeError(f"payments not written after {SETTLE_LIMIT} s: {rows[-newest:]}")
        time.sleep(0.5)
    return [(_when(row.posted_at) - _when(row.received_at)).total_seconds()
            for row in rows[-newest:]]


def _disconnect(stack: _Stack, gateway: dict) -> float:
    requests.post(f"{stack.base}/sandbox/stripe/controls/disconnect/{gateway['account']}",
                  timeout=10).raise_for_status()
    deadline = time.time() + SETTLE_LIMIT
    while True:
        ((shown,),) = stack.query("SELECT disconnected_at FROM gateway WHERE id = :id",
                                  id=gateway["id"])
        if shown:
            break
        if time.time() > deadline:
            raise RuntimeError(f"the gateway was not disconnected after {SETTLE_LIMIT} s")
        time.sleep(0.2)
    ((received,),) = stack.query(
        "SELECT received_at FROM gateway_event "
        "WHERE event_type = 'account.application.deauthorized'")
    return (_when(shown) - _when(received)).total_seconds()


def _when(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _report(options, latencies: list[float], after_idle: list[float],
            disconnect: float) -> None:
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    queue = "Redis" if os.environ.get("REMIT_REDIS_URL") else "SQLite"
    command = " ".join(["python -m benchmarks.wake", *sys.argv[1:]])
    print(f"`{command}` (ref {options.ref or 'this checkout'}, Huey on {queue}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print(f"{len(latencies)} payments (customers {2 * options.gap:.0f} s apart at most, "
          f"0-{2 * options.typing:.0f} s on Checkout): webhook received -> ledger write "
          f"p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s")
    print(f"payments after {options.idle:.0f} s idle: "
          + ", ".join(f"{each:.2f} s" for each in after_idle))
    print(f"Stripe-side disconnect after {options.idle:.0f} s idle: deauthorized received -> "
          f"gateway disconnected {disconnect:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
