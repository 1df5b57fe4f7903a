"""Issue 12's drills against the cluster (benchmarks/cluster.py --sandbox) and the stand-ins,
each printing what it did and what it found.

    .venv/bin/python -m benchmarks.drills [--quick] [--only 1,2] [--payments N] [--companies M]
        [--kill-every K] [--outage S] [--throttle S] [--soak S] [--rate R]
        [--database-url URL] [--redis-url URL]

1. N payments across M companies (half QuickBooks, half Xero) while a worker is killed with
   SIGKILL every K s and restarted as a supervisor would.
2. A private redis-server (no persistence) killed and restarted empty in the middle; the
   database-driven sweep (addon/jobs.py) re-enqueues what the queue forgot.
3. A private PostgreSQL (initdb/pg_ctl in a temp dir) stopped while customers pay: webhooks
   answer 5xx, Stripe redelivers once it is back, nothing half-written.
4. The ledger stand-ins throttle (429, Retry-After), then are down (503): postings wait, then
   drain; the drain's rate against the platform's limit and the 429s after it.
5. A soak: signed webhooks at a steady rate; RSS of every process and p99, first vs last window.

Each drill counts in the stand-ins (one ledger Payment per paid invoice, no doubles) and in
Remit's database (every payment posting recorded). Drills 1, 2, 4 and 5 use a database of
their own beside --database-url's (suffix _1, _2, ...) and --redis-url's database, which
each drill EMPTIES first (FLUSHDB: give it a database number of its own); drill 2 starts a
redis-server of its own and drill 3 a PostgreSQL of its own. The sweep runs every 5 minutes
and takes what has waited 2 minutes; drill 2 runs it directly once that long has passed (in
--quick, at once, with the sweep's clock moved 2 minutes on).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from benchmarks.cluster import Cluster, free_port_block
from benchmarks.drill_rig import SWEEP_STALE, Rig

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/remit_drills"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"


@dataclass
class Sizes:
    payments: int
    companies: int
    kill_every: float
    throttle: float  # seconds the ledger answers 429
    outage: float  # seconds it then answers 503
    soak: float  # seconds
    rate: float  # events a second
    settle: float  # seconds to wait for every posting
    gap: float  # drill 1: seconds between customers (0: as fast as they go)


QUICK = Sizes(payments=20, companies=4, kill_every=4, throttle=10, outage=20, soak=30, rate=10,
              settle=60, gap=0.75)
# --quick's ledger timeout (a declared setting; the stand-ins answer on loopback within
# milliseconds): anything a worker holds for a few timeouts lapses within the drill.
QUICK_HTTP_TIMEOUT = "5"
QUICK_SWEEP = 10  # --quick runs the sweep this often instead of waiting for its 5 minutes
FULL = Sizes(payments=2000, companies=50, kill_every=20, throttle=60, outage=300, soak=1800,
             rate=50, settle=1800, gap=0.0)


@dataclass
class Found:
    drill: int
    passed: bool
    lines: list[str]


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    results = []
    for number in options.only:
        print(f"\n== drill {number} ==", flush=True)
        try:
            found = DRILLS[number](options)
        except Exception as crashed:  # report it and run the next drill
            traceback.print_exc()
            found = Found(number, False, [f"the drill itself failed: {crashed!r}"])
        for line in found.lines:
            print("  " + line, flush=True)
        print(f"  -> {'PASSED' if found.passed else 'FAILED'}", flush=True)
        results.append(found)
    print("\n`" + " ".join(["python -m benchmarks.drills", *(argv or sys.argv[1:])]) + "`"
          f" ({os.cpu_count()} CPUs): "
          + ", ".join(f"drill {r.drill} {'passed' if r.passed else 'FAILED'}" for r in results))
    return 0 if all(r.passed for r in results) else 1


def _options(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small numbers, for CI")
    parser.add_argument("--only", default="1,2,3,4,5", help="comma-separated drill numbers")
    for name in ("payments", "companies"):
        parser.add_argument(f"--{name}", type=int)
    for name in ("kill-every", "throttle", "outage", "soak", "rate", "settle", "gap"):
        parser.add_argument(f"--{name}", type=float)
    parser.add_argument("--database-url",
                        default=os.environ.get("REMIT_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("REMIT_REDIS_URL", DEFAULT_REDIS),
                        help="a Redis database of the drills' own: each drill empties it")
    parser.add_argument("--log-dir", default=None, help="process logs (default: a temp dir)")
    options = parser.parse_args(argv)
    sizes = QUICK if options.quick else FULL
    for name in vars(sizes):
        if getattr(options, name) is None:
            setattr(options, name, getattr(sizes, name))
    options.only = [int(part) for part in options.only.split(",") if part.strip()]
    unknown = set(options.only) - set(DRILLS)
    if unknown:
        parser.error(f"no drill {sorted(unknown)}")
    options.log_dir = Path(options.log_dir or tempfile.mkdtemp(prefix="remit-drills-"))
    return options


def fresh_database(base_url: str, suffix: str) -> str:
    """base_url's database with `suffix`, dropped first: every drill starts empty."""
    url = make_url(base_url)
    name = f"{url.database}{suffix}"
    server = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False),
                         autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return url.set(database=name).render_as_string(hide_password=False)


# -- drill 1 -----------------------------------------------------------------------------------

def drill_kill_workers(options) -> Found:
    database = fresh_database(options.database_url, "_1")
    cluster = Cluster(database, options.redis_url, port=free_port_block(3), sandbox=True,
                      log_dir=options.log_dir / "drill1")
    if options.quick:
        cluster.env["REMIT_HTTP_TIMEOUT"] = QUICK_HTTP_TIMEOUT
    with Rig(cluster) as rig:
        companies = rig.set_up(options.companies)
        lines = [f"{len(companies)} companies set up ("
                 + ", ".join(f"{n} {p}" for p, n in rig.platform_counts(companies).items())
                 + f"); {options.payments} payments, one worker SIGKILLed every "
                 f"{options.kill_every:g} s and restarted"]
        killer = WorkerKiller(rig.cluster, options.kill_every)
        started = time.monotonic()
        with killer:
            paid = rig.pay_many(companies, options.payments, gap=options.gap)
            paying = time.monotonic() - started
        stopped = time.monotonic()
        settled = rig.wait_settled(paid, options.settle,
                                   sweep_every=QUICK_SWEEP if options.quick else None)
        lines.append(f"{len(paid)} paid in {paying:.1f} s with {killer.kills} kills "
                     f"({killer.describe()}); then "
                     f"{'all' if settled else 'NOT all'} recorded within "
                     f"{time.monotonic() - stopped:.1f} s of the last kill")
        lines.append(f"the sweep, run every {QUICK_SWEEP} s (its clock moved 2 min on), "
                     f"enqueued {rig.swept} again" if options.quick else
                     "the sweep: the workers' own, every 5 min (what it enqueued is in their "
                     "logs)")
        if not killer.mid_posting:
            lines.append("no kill landed mid-posting: the drill proved nothing about it")
        passed, lines = rig.verdict(paid, settled, lines)
        return Found(1, passed and killer.mid_posting > 0, lines)


class WorkerKiller:
    """A thread that SIGKILLs one worker's process group every `every` seconds and starts a new
    worker in its place, as a supervisor (systemd, Compose) would. It aims: within each period
    it waits for a worker in the middle of a posting (its log shows a post_task started and
    nothing since about it), and kills that one; if none is, it kills the next in turn."""

    def __init__(self, cluster: Cluster, every: float) -> None:
        self.cluster, self.every = cluster, every
        self.kills = self.mid_posting = 0
        self.killed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WorkerKiller:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every / 2):
            deadline = time.monotonic() + self.every / 2
            victim = None
            while victim is None and time.monotonic() < deadline and not self._stop.is_set():
                victim = next((p for p in self._alive() if _mid_posting(p.log)), None)
                time.sleep(0.05)
            if victim is not None:
                self.mid_posting += 1
            else:
                alive = self._alive()
                if not alive:
                    continue
                victim = alive[self.kills % len(alive)]
            os.killpg(victim.popen.pid, signal.SIGKILL)
            victim.popen.wait()
            self.killed.append(victim.popen.pid)
            self.kills += 1
            self.cluster.start_worker()

    def _alive(self) -> list:
        return [p for p in self.cluster.processes
                if p.role == "worker" and p.popen.poll() is None]

    def describe(self) -> str:
        return (f"{self.mid_posting} of them mid-posting; pids "
                + ", ".join(map(str, self.killed[:6])) + (", ..." if self.kills > 6 else ""))


def _mid_posting(log: Path) -> bool:
    """Whether a post_task the worker started is still running: Huey logs "Executing
    addon.jobs.post_task: <id>", then the id again when it ends (executed, not run, retried,
    failed)."""
    try:
        with log.open("rb") as read:
            read.seek(max(0, log.stat().st_size - 20000))
            lines = read.read().decode(errors="replace").splitlines()
    except OSError:
        return False
    for number, line in enumerate(lines):
        if "Executing addon.jobs.post_task: " in line:
            task = line.split("post_task: ", 1)[1].split()[0]
            if not any(task in later for later in lines[number + 1:]):
                return True
    return False


# -- drill 2 -----------------------------------------------------------------------------------

class PrivateRedis:
    """A redis-server of the drill's own on a free port, without persistence (no RDB, no AOF),
    so a restart forgets the queue; never the machine's Redis."""

    def __init__(self, scratch: Path) -> None:
        self.port = free_port_block(1)
        self.scratch = scratch
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.scratch)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                             text=True).stdout.strip() != "PONG":
            if time.monotonic() > deadline:
                raise RuntimeError("the drill's redis-server did not start")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def queued(self) -> tuple[int, int]:
        """(tasks waiting, tasks scheduled for later) in Huey's queue and schedule."""
        def ask(*command: str) -> int:
            answer = subprocess.run(["redis-cli", "-p", str(self.port), *command],
                                    capture_output=True, text=True).stdout.strip()
            return int(answer or 0)

        return ask("llen", "huey.redis.remit"), ask("zcard", "huey.schedule.remit")

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.kill()


def drill_redis_restart(options) -> Found:
    database = fresh_database(options.database_url, "_2")
    with tempfile.TemporaryDirectory(prefix="remit-drill-redis-") as scratch, \
            PrivateRedis(Path(scratch)) as redis, Rig(Cluster(
            database, redis.url, port=free_port_block(3), sandbox=True,
            log_dir=options.log_dir / "drill2")) as rig:
        companies = rig.set_up(options.companies)
        half = options.payments // 2
        paid = rig.pay_many(companies, half)
        pending = rig.pending_counts()
        waiting, scheduled = redis.queued()
        redis.kill()
        down_at = time.monotonic()
        redis.start()
        lines = [f"{len(companies)} companies; {half} paid, then redis-server (pid "
                 f"{redis.process.pid}, port {redis.port}, no persistence) killed holding "
                 f"{waiting} queued and {scheduled} scheduled tasks, and restarted empty; "
                 f"at that moment {pending[0]} events and {pending[1]} postings were pending "
                 "in the database"]
        paid += rig.pay_many(companies, options.payments - half, start=half)
        wait = 0.0 if options.quick else max(0.0, SWEEP_STALE - (time.monotonic() - down_at))
        if wait:
            lines.append(f"waited {wait:.0f} s for the sweep's 2-minute staleness window")
            time.sleep(wait)
        swept = rig.sweep(shift=SWEEP_STALE if options.quick else 0)
        moved = ", its clock moved 2 min on" if options.quick else ""
        lines.append(f"the sweep ran (directly{moved}) and enqueued {swept} again")
        settled = rig.wait_settled(paid, options.settle)
        lines.append(f"recovered {time.monotonic() - down_at:.1f} s after the restart")
        return Found(2, *rig.verdict(paid, settled, lines))




# -- drill 3 -----------------------------------------------------------------------------------

class PrivatePostgres:
    """A PostgreSQL cluster of the drill's own (initdb in a temp dir, its own port and socket
    directory), so stopping it touches nothing else on the machine."""

    def __init__(self, scratch: Path) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            raise RuntimeError("no /usr/lib/postgresql/*/bin: install PostgreSQL's server")
        self.bin, self.data = bins[-1], scratch / "data"
        self.port = free_port_block(1)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/remit_drill3"
        self.log = scratch / "postgres.log"
        self.sockets = scratch

    def _ctl(self, *args: str) -> None:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def __enter__(self) -> PrivatePostgres:
        command = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                   "--auth=trust", "-E", "UTF8"]
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres", str(self.sockets)], check=True)
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)
        self.start()
        return self

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.sockets} -c fsync=off", "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()


def drill_postgres_restart(options) -> Found:
    count = max(4, options.payments // 4)
    with tempfile.TemporaryDirectory(prefix="remit-drill-pg-") as scratch, \
            PrivatePostgres(Path(scratch)) as postgres, Rig(Cluster(
            postgres.url, options.redis_url, port=free_port_block(3), sandbox=True,
            log_dir=options.log_dir / "drill3")) as rig:
        companies = rig.set_up(2)
        checkouts = [rig.open_checkout(companies[n % len(companies)]) for n in range(count)]
        rig.engine.dispose()
        postgres.stop()
        down = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as customers:
            list(customers.map(rig.pay_on_checkout, checkouts))
        while_down = rig.deliveries()
        postgres.start()
        lines = [f"{count} Checkout pages opened on 2 companies; PostgreSQL (data dir "
                 f"{postgres.data}, port {postgres.port}) stopped; the customers paid; "
                 f"it was down {time.monotonic() - down:.1f} s"]
        statuses = sorted({d["status"] for d in while_down})
        five = sum(1 for d in while_down if d["status"] and d["status"] >= 500)
        lines.append(f"webhooks while it was down: {len(while_down)} deliveries, answered "
                     f"{statuses}; {five} with 5xx")
        again = rig.redeliver_failed()
        lines.append(f"Stripe's retries: {len(again)} events sent again, answered "
                     f"{sorted({d['status'] for d in again})}")
        paid = [checkout.paid for checkout in checkouts]
        settled = rig.wait_settled(paid, options.settle)
        half = rig.half_written()
        lines.append(f"half-written rows: {half or 'none'}")
        passed, lines = rig.verdict(paid, settled, lines)
        refused_all = five == len(while_down) and len(while_down) > 0
        if not refused_all:
            lines.append("NOT every webhook was refused with 5xx while the database was down")
        return Found(3, passed and refused_all and not half, lines)


# -- drill 4 -----------------------------------------------------------------------------------

def drill_ledger_throttle(options) -> Found:
    database = fresh_database(options.database_url, "_4")
    with Rig(Cluster(database, options.redis_url, port=free_port_block(3), sandbox=True,
                     log_dir=options.log_dir / "drill4")) as rig:
        companies = rig.set_up(2)
        count = max(8, options.payments // 4)
        checkouts = [rig.open_checkout(companies[n % 2]) for n in range(count)]
        throttled = time.monotonic()
        rig.ledger_trouble("429", options.throttle + 5)  # the 503 below takes over from it
        with ThreadPoolExecutor(max_workers=4) as customers:
            list(customers.map(rig.pay_on_checkout, checkouts))
        time.sleep(max(0.0, throttled + options.throttle - time.monotonic()))
        rig.ledger_trouble("503", options.outage)
        back = time.time() + options.outage
        lines = [f"{count} payments on a QuickBooks and a Xero company while both ledgers "
                 f"answered 429 (Retry-After) for {options.throttle:g} s, then 503 for "
                 f"{options.outage:g} s"]
        paid = [checkout.paid for checkout in checkouts]
        settled = rig.wait_settled(paid, options.settle + options.throttle + options.outage)
        targets_met = True
        for company in companies:
            met, line = _drain(rig, company, back)
            targets_met &= met
            lines.append(line)
        passed, lines = rig.verdict(paid, settled, lines)
        return Found(4, passed and targets_met, lines)


ALLOWED_CALLS = {"quickbooks": 500, "xero": 60}  # a minute per company (reference files)


def _drain(rig: Rig, company, back: float) -> tuple[bool, str]:
    """How one company's backlog drained once its ledger answered again: when the first and
    last postings were recorded, its ledger calls a minute over whole minutes of the drain
    against the platform's limit, and the 429s its limit answered after."""
    calls, throttled = rig.ledger_calls(company)
    posted = [t for t in rig.posted_times(company) if t >= back]
    after = [t for t in calls if t >= back and (not posted or t <= posted[-1])]
    late_429 = [t for t in throttled if t >= back]
    allowed = ALLOWED_CALLS[company.platform]
    rate = rig.drain_rate(after)
    line = (f"{company.platform}: {len(posted)} postings recorded after the ledger answered "
            f"again, the first {posted[0] - back:.1f} s and the last {posted[-1] - back:.1f} s "
            f"after; {len(after)} ledger calls; {len(late_429)} 429s from its limit after"
            if posted else f"{company.platform}: nothing recorded after the ledger came back")
    if rate:
        line += f"; drain {rate:.0f} calls/min = {rate / allowed:.0%} of {allowed}/min"
        met = rate >= 0.9 * allowed and not late_429
    else:
        line += " (drained within a minute: too small a backlog to measure a rate)"
        met = not late_429
    return met, line


# -- drill 5 -----------------------------------------------------------------------------------

def drill_soak(options) -> Found:
    database = fresh_database(options.database_url, "_5")
    with Rig(Cluster(database, options.redis_url, port=free_port_block(3), sandbox=True,
                     log_dir=options.log_dir / "drill5")) as rig:
        companies = rig.set_up(2)
        windows = rig.soak(companies, options.rate, options.soak)
        first, last = windows[0], windows[-1]
        lines = [f"signed webhooks at {options.rate:g}/s for {options.soak:g} s to the web "
                 "processes (new events of connected accounts), windows of "
                 f"{options.soak / len(windows):.0f} s"]
        grew = {}
        for pid, role in rig.roles().items():
            a, b = first.rss.get(pid), last.rss.get(pid)
            if a and b:
                grew[pid] = b / a - 1
                lines.append(f"{role:8} pid {pid}: RSS {a / 2**20:.1f} -> {b / 2**20:.1f} MiB "
                             f"({b / a - 1:+.1%})")
        lines.append(f"p99 first window {first.p99 * 1000:.0f} ms, last {last.p99 * 1000:.0f}"
                     f" ms; sent {sum(w.sent for w in windows)}, refused "
                     f"{sum(w.refused for w in windows)}")
        flat = all(abs(g) <= 0.10 for g in grew.values())
        stable = last.p99 <= 1.5 * first.p99 + 0.005
        lines.append(f"RSS flat within 10 % ({'yes' if flat else 'NO'}), p99 stable "
                     f"({'yes' if stable else 'NO'})")
        refused = sum(w.refused for w in windows)
        return Found(5, flat and stable and not refused, lines)


DRILLS = {1: drill_kill_workers, 2: drill_redis_restart, 3: drill_postgres_restart,
          4: drill_ledger_throttle, 5: drill_soak}


if __name__ == "__main__":
    sys.exit(main())
