"""What the drills (benchmarks/drills.py) do to a running cluster, over HTTP as people would:
set companies up as a bookkeeper does, pay invoices as customers do, work the stand-ins'
controls, and count what the ledgers and Remit's database hold afterwards."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from benchmarks.cluster import ROOT, Cluster
from tests.browserless import press

PAY_LINK_SALT = "remit-pay-link"  # addon/pay/links.py
SUCCEEDING_CARD = "4242 4242 4242 4242"  # the Stripe stand-in's test card
US_REALM = "9341453050298431"  # sandbox/quickbooks_data.py: USD, multicurrency
UK_ORG = "28cd9a95-ca81-550d-b172-9b9faba366d0"  # sandbox/xero_seed.py: GBP base
XERO_CLEARING = "b4620d84-ab5f-5ca4-b72d-991005e726d9"  # its "Stripe Clearing" account
CUSTOMERS = 6  # customers paying at once
PAY_PAGE_TRIES, PAY_PAGE_PAUSE = 20, 15.0  # a customer refused (ledger busy) comes back
SWEEP_STALE = 120  # addon/jobs.py: sweep_pending_events takes what has waited 2 minutes
SWEEP = """
import sys
from datetime import timedelta
import addon.jobs as jobs
from addon import create_app
shift = timedelta(seconds=float(sys.argv[1]))
now = jobs.utcnow
jobs.utcnow = lambda: now() + shift
with create_app().app_context():
    print(jobs.sweep_pending_events.call_local())
"""


@dataclass(frozen=True)
class Company:
    platform: str  # "quickbooks" | "xero"
    ledger_id: str  # realm or tenant id
    company_id: int
    currency: str
    amount: str


@dataclass
class Checkout:
    company: Company
    invoice_id: str
    customer: requests.Session
    url: str

    @property
    def paid(self) -> tuple[str, str, str]:
        return (self.company.platform, self.company.ledger_id, self.invoice_id)


@dataclass
class Window:
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    refused: int = 0
    rss: dict[int, int] = field(default_factory=dict)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


class Rig:
    """A started cluster (with the stand-ins) and a database connection to count with."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.swept = 0  # what the sweeps wait_settled ran enqueued again
        self.pay_page_refusals: dict[int, int] = {}  # HTTP status -> times a customer saw it
        self._lock = threading.Lock()

    def __enter__(self) -> Rig:
        self.cluster.log_dir.mkdir(parents=True, exist_ok=True)
        self._empty_queue()
        self.cluster.__enter__()
        self.web = self.cluster.web_urls
        self.sandbox = self.cluster.sandbox_url
        self.links = URLSafeTimedSerializer(self.cluster.secret_key, salt=PAY_LINK_SALT)
        self.engine = sa.create_engine(
            self.cluster.database_url.replace("postgresql://", "postgresql+psycopg://"),
            pool_pre_ping=True)
        return self

    def __exit__(self, *exc) -> None:
        self.engine.dispose()
        self.cluster.__exit__(*exc)

    def query(self, sql: str, **params) -> list:
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).all()

    # -- set-up -------------------------------------------------------------------------------

    def set_up(self, count: int) -> list[Company]:
        """`count` companies, QuickBooks and Xero alternately, each a new one in its stand-in
        connected by a bookkeeper with a Stripe account of its own and its currency mapped."""
        return [self._quickbooks(n) if n % 2 == 0 else self._xero(n) for n in range(count)]

    @staticmethod
    def platform_counts(companies: list[Company]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for company in companies:
            counts[company.platform] = counts.get(company.platform, 0) + 1
        return counts

    def _quickbooks(self, number: int) -> Company:
        realm = self._control("quickbooks/sandbox/companies", {"like": US_REALM})["realm"]
        bookkeeper = requests.Session()
        start = bookkeeper.get(self.web[0] + "/connect/quickbooks", allow_redirects=False)
        consent = press(requests.Session(), start.headers["Location"], "Approve",
                        {"realm": realm})
        bookkeeper.get(urljoin(self.web[0], consent.headers["Location"])).raise_for_status()
        ((company_id,),) = self.query("SELECT id FROM company WHERE external_id = :realm",
                                      realm=realm)
        self._stripe(bookkeeper, number, company_id, "US", "usd",
                     {"currency": "USD", "deposit-USD": "4", "receivable-USD": "84"})
        return Company("quickbooks", realm, company_id, "USD", "10.00")

    def _xero(self, number: int) -> Company:
        tenant = self._control("xero/controls/organisations", {"like": UK_ORG})["TenantId"]
        bookkeeper = requests.Session()
        start = bookkeeper.get(self.web[0] + "/connect/xero", allow_redirects=False)
        consent = press(requests.Session(), start.headers["Location"], "Allow access",
                        {"tenant": tenant})
        chosen = bookkeeper.get(urljoin(self.web[0], consent.headers["Location"]),
                                allow_redirects=False)
        if chosen.status_code == 302 and "/organisations" in chosen.headers["Location"]:
            press(bookkeeper, urljoin(self.web[0], chosen.headers["Location"]), "Connect",
                  {"tenant": tenant})
        ((company_id,),) = self.query("SELECT id FROM company WHERE external_id = :tenant",
                                      tenant=tenant)
        self._stripe(bookkeeper, number, company_id, "GB", "gbp",
                     {"currency": "GBP", "deposit-GBP": XERO_CLEARING})
        return Company("xero", tenant, company_id, "GBP", "10.00")

    def _stripe(self, bookkeeper: requests.Session, number: int, company_id: int,
                country: str, currency: str, mapping: dict) -> None:
        start = bookkeeper.get(self.web[1 % len(self.web)]
                               + "/settings/gateways/connect/stripe?landing=register",
                               allow_redirects=False)
        consent = press(requests.Session(), start.headers["Location"],
                        "Create account and connect",
                        {"business_name": f"Drill shop {number}", "email":
                         f"shop{number}@example.com", "country": country, "currency": currency})
        bookkeeper.get(urljoin(self.web[0], consent.headers["Location"])).raise_for_status()
        ((gateway_id,),) = self.query("SELECT id FROM gateway WHERE company_id = :company",
                                      company=company_id)
        saved = press(bookkeeper, f"{self.web[0]}/settings/gateways/{gateway_id}", "Save",
                      {"description": "Stripe.com", **mapping})
        if saved.status_code != 302:
            raise RuntimeError(f"gateway {gateway_id} not saved: HTTP {saved.status_code}")

    def _control(self, path: str, body: dict) -> dict:
        answer = requests.post(f"{self.sandbox}/{path}", json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    # -- payments -----------------------------------------------------------------------------

    def open_checkout(self, company: Company) -> Checkout:
        """A new invoice in the ledger stand-in, its pay link opened and Pay pressed."""
        if company.platform == "quickbooks":
            made = self._control("quickbooks/sandbox/invoices", {
                "realm": company.ledger_id, "currency": company.currency,
                "amount": company.amount})["Invoice"]["Id"]
        else:
            made = self._control("xero/controls/invoices", {
                "tenant": company.ledger_id, "currency": company.currency,
                "amount": company.amount})["Invoice"]["InvoiceID"]
        token = self.links.dumps({"c": company.company_id, "i": made})
        customer = requests.Session()
        web = self.web[hash(made) % len(self.web)]
        for _ in range(PAY_PAGE_TRIES):
            try:
                opened = press(customer, f"{web}/pay/{token}", "Pay", {"amount": company.amount})
                if opened.status_code == 303:
                    return Checkout(company, made, customer,
                                    urljoin(web, opened.headers["Location"]))
                status = opened.status_code
            except requests.HTTPError as refused:  # the page itself: say the ledger was busy
                status = refused.response.status_code
            with self._lock:
                self.pay_page_refusals[status] = self.pay_page_refusals.get(status, 0) + 1
            time.sleep(PAY_PAGE_PAUSE)  # the customer comes back a little later
        raise RuntimeError(f"the pay page refused {PAY_PAGE_TRIES} times: HTTP {status}")

    @staticmethod
    def pay_on_checkout(checkout: Checkout) -> None:
        paid = press(checkout.customer, checkout.url, "Pay", {"cardnumber": SUCCEEDING_CARD})
        if paid.status_code not in (302, 303):
            raise RuntimeError(f"Checkout refused the payment: HTTP {paid.status_code}")

    def pay_many(self, companies: list[Company], count: int, start: int = 0,
                 gap: float = 0.0) -> list[tuple]:
        """`count` customers, CUSTOMERS at a time, round the companies, the n-th starting no
        sooner than n x `gap` s from now; what each paid."""
        began = time.monotonic()

        def one(number: int) -> tuple:
            time.sleep(max(0.0, began + (number - start) * gap - time.monotonic()))
            checkout = self.open_checkout(companies[number % len(companies)])
            self.pay_on_checkout(checkout)
            return checkout.paid

        with ThreadPoolExecutor(max_workers=CUSTOMERS) as customers:
            return list(customers.map(one, range(start, start + count)))

    # -- counting -----------------------------------------------------------------------------

    def ledger_payments(self, paid: list[tuple]) -> dict[tuple, int]:
        """(platform, ledger id, invoice id) -> ledger Payments on it, for every invoice of
        the companies in `paid` that has any, plus every paid one (0 when none)."""
        counts = {key: 0 for key in paid}
        for platform, ledger_id in {(p, ledger) for p, ledger, _ in paid}:
            if platform == "quickbooks":
                found = requests.get(f"{self.sandbox}/quickbooks/sandbox/companies/"
                                     f"{ledger_id}/payments", timeout=30).json()["Payments"]
                invoices = [i for payment in found for i in payment["Invoices"]]
            else:
                found = requests.get(f"{self.sandbox}/xero/controls/payments/{ledger_id}",
                                     timeout=30).json()["Payments"]
                invoices = [payment["InvoiceID"] for payment in found]
            for invoice in invoices:
                key = (platform, ledger_id, invoice)
                counts[key] = counts.get(key, 0) + 1
        return counts

    def payment_postings(self) -> list:
        return self.query("SELECT id, status, posted_at, ledger_object_id, company_id "
                          "FROM posting WHERE kind = 'payment'")

    def wait_settled(self, paid: list[tuple], limit: float,
                     sweep_every: float | None = None) -> bool:
        """Until every paid invoice has a ledger Payment and Remit recorded every posting;
        `sweep_every` s, the sweep runs with its clock moved past its staleness window (what
        it does on its own every 5 minutes, sooner)."""
        deadline = time.monotonic() + limit
        next_sweep = time.monotonic() + (sweep_every or limit)
        while time.monotonic() < deadline:
            if sweep_every and time.monotonic() >= next_sweep:
                self.swept += self.sweep(shift=SWEEP_STALE)
                next_sweep = time.monotonic() + sweep_every
            counts = self.ledger_payments(paid)
            recorded = sum(1 for row in self.payment_postings() if row.posted_at)
            if all(counts[key] >= 1 for key in paid) and recorded >= len(paid):
                return True
            time.sleep(2)
        return False

    def verdict(self, paid: list[tuple], settled: bool, lines: list[str]
                ) -> tuple[bool, list[str]]:
        counts = self.ledger_payments(paid)
        lost = [key for key in paid if counts[key] == 0]
        doubled = [key for key, n in counts.items() if n > 1]
        unasked = [key for key in counts if key not in set(paid)]
        postings = self.payment_postings()
        recorded = sum(1 for row in postings if row.posted_at and row.ledger_object_id)
        by_status: dict[str, int] = {}
        for row in postings:
            by_status[str(row.status)] = by_status.get(str(row.status), 0) + 1
        if self.pay_page_refusals:
            lines = [*lines, "pay pages refused customers (who came back "
                     f"{PAY_PAGE_PAUSE:g} s later): {self.pay_page_refusals}"]
        lines = [*lines,
                 f"ledgers (counted in the stand-ins): {len(paid)} invoices paid, "
                 f"{sum(counts.values())} Payments; lost {len(lost)}, doubled {len(doubled)}, "
                 f"on invoices nobody paid {len(unasked)}",
                 f"Remit: {len(postings)} payment postings, {recorded} recorded with their "
                 f"ledger id; by status {by_status}"]
        if not settled:
            stuck = sorted({row.company_id for row in postings if not row.posted_at})
            lines.append(f"did not settle in time; companies with unrecorded postings: {stuck}"
                         f"; ledger locks held in the queue now: {self.held_locks() or 'none'}")
        if lost:
            lines.append(f"lost: {lost[:5]}")
        if doubled:
            lines.append(f"doubled: {doubled[:5]}")
        passed = (settled and not lost and not doubled and not unasked
                  and recorded == len(paid) == len(postings))
        return passed, lines

    def _empty_queue(self) -> None:
        """FLUSHDB on the drill's Redis database: each drill's database starts its companies
        at id 1, so a lock or task an earlier drill left there would be taken for this one's."""
        import redis

        connection = redis.Redis.from_url(self.cluster.redis_url)
        try:
            connection.flushdb()
        finally:
            connection.close()

    def held_locks(self) -> list[str]:
        """The one-write-at-a-time locks (addon/posting/limits.py) present in Redis: Huey keeps
        them as fields of its results hash (or keys, for an expiring lock)."""
        import redis

        connection = redis.Redis.from_url(self.cluster.redis_url)
        try:
            fields = [f.decode() for f in connection.hkeys("huey.results.remit")]
            keys = [k.decode() for k in connection.scan_iter(match="*ledger-lock*")]
        except redis.RedisError as failed:
            return [f"(Redis unreadable: {failed})"]
        finally:
            connection.close()
        return sorted(name for name in fields + keys if "ledger-lock" in name)

    def pending_counts(self) -> tuple[int, int]:
        """(events, postings) pending in the database now."""
        return self._count("gateway_event"), self._count("posting")

    def _count(self, table: str) -> int:
        return self.query(f"SELECT count(*) FROM {table} "  # noqa: S608 (two fixed names)
                          "WHERE status::text IN ('pending', 'PENDING')")[0][0]

    def half_written(self) -> list[str]:
        """What a crash mid-request could leave: events never processed, a payment with two
        postings, postings marked posted without a ledger id."""
        found = []
        unprocessed = self._count("gateway_event")
        if unprocessed:
            found.append(f"{unprocessed} events still pending")
        twice = self.query(
            "SELECT count(*) FROM (SELECT source_id FROM posting WHERE kind = 'payment' "
            "GROUP BY company_id, source_id HAVING count(*) > 1) AS doubled")[0][0]
        if twice:
            found.append(f"{twice} payments with two payment postings")
        blind = self.query("SELECT count(*) FROM posting WHERE posted_at IS NOT NULL "
                           "AND ledger_object_id IS NULL")[0][0]
        if blind:
            found.append(f"{blind} postings recorded without a ledger id")
        return found

    def sweep(self, shift: float) -> int:
        """Run addon/jobs.py's sweep once, in a process of its own with the cluster's settings
        (its clock `shift` seconds ahead: what is pending counts as waited long enough)."""
        done = subprocess.run([sys.executable, "-c", SWEEP, str(shift)], env=self.cluster.env,
                              cwd=ROOT, capture_output=True, text=True, check=True)
        return int(done.stdout.strip().splitlines()[-1])

    def posted_times(self, company: Company) -> list[float]:
        return sorted(row.posted_at.timestamp() for row in self.payment_postings()
                      if row.posted_at and row.company_id == company.company_id)

    # -- stand-in controls ----------------------------------------------------------------------

    def deliveries(self) -> list[dict]:
        return requests.get(f"{self.sandbox}/stripe/controls/deliveries",
                            timeout=30).json()["Deliveries"]

    def redeliver_failed(self) -> list[dict]:
        return self._control("stripe/controls/redeliver-failed", {})["Deliveries"]

    def ledger_trouble(self, answer: str, seconds: float) -> None:
        self._control("quickbooks/sandbox/outage", {"answer": answer, "seconds": seconds})
        self._control(f"xero/controls/outage/{answer}", {"seconds": seconds})

    def ledger_calls(self, company: Company) -> tuple[list[float], list[float]]:
        """Epoch times of the company's ledger API requests, and of those its minute limit
        refused (Xero; the QuickBooks stand-in does not enforce Intuit's)."""
        if company.platform == "xero":
            found = requests.get(f"{self.sandbox}/xero/controls/calls/{company.ledger_id}",
                                 timeout=30).json()
            return found["Calls"], found["Throttled"]
        found = requests.get(f"{self.sandbox}/quickbooks/sandbox/companies/"
                             f"{company.ledger_id}/calls", timeout=30).json()
        return found["Calls"], []

    @staticmethod
    def drain_rate(times: list[float]) -> float:
        """Calls a minute over the whole minutes the calls span (0 for under a minute)."""
        if len(times) < 2 or times[-1] - times[0] < 60:
            return 0.0
        minutes = math.floor((times[-1] - times[0]) / 60)
        window = [t for t in times if t < times[0] + 60 * minutes]
        return len(window) / minutes

    # -- soak -----------------------------------------------------------------------------------

    def roles(self) -> dict[int, str]:
        return {p.popen.pid: p.role for p in self.cluster.processes if p.popen.poll() is None}

    def soak(self, companies: list[Company], rate: float, seconds: float,
             windows: int = 6) -> list[Window]:
        """Signed Stripe events (new ids, on the companies' connected accounts) at `rate` a
        second to the web processes in turn; per window, latencies and every process's RSS."""
        from sandbox.stripe_events import event, signed

        accounts = [row[0] for row in self.query("SELECT account_id FROM gateway")]
        found = [Window() for _ in range(windows)]
        started = time.monotonic()
        lock = threading.Lock()

        def send(number: int) -> None:
            body = event("customer.updated", accounts[number % len(accounts)],
                         {"id": f"cus_{uuid.uuid4().hex[:14]}", "object": "customer"})
            payload, headers = signed(body)
            began = time.monotonic()
            try:
                answer = requests.post(f"{self.web[number % len(self.web)]}/webhooks/stripe",
                                       data=payload, headers=headers, timeout=30)
                ok = answer.status_code < 300
            except requests.RequestException:
                ok = False
            window = found[min(windows - 1, int((began - started) / seconds * windows))]
            with lock:
                window.latencies.append(time.monotonic() - began)
                window.sent += 1
                window.refused += 0 if ok else 1

        with ThreadPoolExecutor(max_workers=16) as senders:
            number = 0
            while (elapsed := time.monotonic() - started) < seconds:
                due = int(elapsed * rate)
                while number < due:
                    senders.submit(send, number)
                    number += 1
                index = min(windows - 1, int(elapsed / seconds * windows))
                if not found[index].rss:
                    found[index].rss = self._rss()
                time.sleep(0.01)
        found[-1].rss = self._rss()  # the end of the last window
        return found

    def _rss(self) -> dict[int, int]:
        """pid -> resident bytes of each process with its children (gunicorn's workers)."""
        return {pid: _tree_rss(pid) for pid in self.roles()}


def _tree_rss(pid: int) -> int:
    """Each cluster process leads its own session (start_new_session): its group is it and
    the children it forked."""
    total = 0
    for proc in os.listdir("/proc"):
        if not proc.isdigit():
            continue
        try:
            if os.getpgid(int(proc)) != pid:
                continue
            with open(f"/proc/{proc}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    return total

