"""Webhook ingest: the add-on's /webhooks/stripe (verify, store once, enqueue, answer) against a
bare Flask endpoint that only answers 200, side by side in one run, driven by `wrk`.

    apt-get install -y wrk      # Debian's package; the load client, written in C
    .venv/bin/python -m benchmarks.webhook_ingest [--seconds 10] [--connections 16]
    REMIT_DATABASE_URL=postgresql://... REMIT_REDIS_URL=redis://... \
        .venv/bin/python -m benchmarks.webhook_ingest

Both are served by gunicorn on loopback with the sync workers a deployed web process runs
(WEB_CONCURRENCY in deploy/settings.env; --workers to compare). Without REMIT_DATABASE_URL the
add-on stores into a fresh SQLite file and queues on SQLite; with it (never a database you keep:
it is migrated and written to) on that database, and on Redis when REMIT_REDIS_URL is given.
Each request is a distinct, validly signed `payment_intent.succeeded` event (precomputed into a
file that benchmarks/webhook_ingest.lua reads) for an account no gateway knows, so it is stored
and acknowledged like any real event. Prints requests/s, p50 and p99 for both, the ratio, and
the wrk command.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.cluster import shared_settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_benchmark_only"
LUA = Path(__file__).with_suffix(".lua")
THREADS = 2
BARE, REMIT = "bare Flask 200", "Remit /webhooks/stripe"


def main() -> int:
    options = _options()
    with tempfile.TemporaryDirectory(prefix="remit-ingest-") as folder:
        env = _environment(Path(folder))
        subprocess.run([sys.executable, "-m", "flask", "--app", "addon", "db", "upgrade"],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        results, command = {}, ""
        for name, target in ((BARE, "benchmarks.bare_endpoint:app"),
                             (REMIT, "addon:create_app()")):
            events = Path(folder) / "events.tsv"
            _write_events(events, options.events, name[:4])
            with _served(target, env, options.workers) as port:
                results[name], command = _wrk(port, events, options)
    _report(results, options, env, command)
    return 0 if all(r["errors"] == 0 for r in results.values()) else 1


def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(shared_settings()["WEB_CONCURRENCY"]),
                        help="gunicorn sync workers (default: deploy/settings.env's)")
    parser.add_argument("--events", type=int, default=None,
                        help="signed events precomputed per endpoint; default 12,000 a second")
    options = parser.parse_args()
    options.events = options.events or options.seconds * 12_000
    return options


def _environment(folder: Path) -> dict:
    env = {**os.environ, "REMIT_ENV": "development", "REMIT_STRIPE_CLIENT_ID": "ca_benchmark",
           "REMIT_STRIPE_SECRET_KEY": "sk_test_benchmark", "REMIT_STRIPE_WEBHOOK_SECRET": SECRET,
           "REMIT_LOG_LEVEL": "WARNING", "REMIT_HUEY_SQLITE_PATH": str(folder / "huey.sqlite3")}
    env.setdefault("REMIT_DATABASE_URL", f"sqlite:///{folder / 'remit.sqlite3'}")
    return env


def _write_events(path: Path, count: int, run: str) -> None:
    """One line per delivery: its Stripe-Signature header, a tab, its body."""
    stamp, key = int(time.time()), SECRET.encode()
    run_id = f"{run}{int(time.time() * 1000)}"
    with path.open("w") as out:
        for i in range(count):
            body = _event(f"evt_bench_{run_id}_{i}", stamp)
            digest = hmac.new(key, f"{stamp}.{body}".encode(), hashlib.sha256).hexdigest()
            out.write(f"t={stamp},v1={digest}\t{body}\n")


def _event(event_id: str, created: int) -> str:
    return json.dumps({
        "id": event_id, "object": "event", "type": "payment_intent.succeeded",
        "account": "acct_benchmark_unknown", "livemode": False, "created": created,
        "api_version": "2026-10-28.endive", "pending_webhooks": 1,
        "data": {"object": {"id": "pi_" + event_id[-20:], "object": "payment_intent",
                            "amount": 2000, "amount_received": 2000, "currency": "usd",
                            "status": "succeeded", "metadata": {}}},
    }, separators=(",", ":"))


class _served:
    """gunicorn with `workers` sync workers on a free loopback port, until the block ends."""

    def __init__(self, target: str, env: dict, workers: int) -> None:
        self.target, self.env, self.workers = target, env, workers

    def __enter__(self) -> int:
        port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-k", "sync",
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", self.target],
            cwd=ROOT, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/stripe", b"{}", 1)
                return port
            except urllib.error.HTTPError:  # answering (a refusal is an answer)
                return port
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError(f"{self.target} did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _wrk(port: int, events: Path, options) -> tuple[dict, str]:
    command = ["wrk", f"-t{THREADS}", f"-c{options.connections}", f"-d{options.seconds}s",
               "-s", str(LUA.relative_to(ROOT)), f"http://127.0.0.1:{port}/webhooks/stripe"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "INGEST_EVENTS": str(events),
                               "INGEST_THREADS": str(THREADS)})
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"rate": figures["requests"] / figures["seconds"], "errors": figures["errors"],
            "requests": figures["requests"], "p50": figures["p50_us"] / 1000,
            "p99": figures["p99_us"] / 1000}, " ".join(command)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _report(results: dict, options, env: dict, command: str) -> None:
    bare, remit = results[BARE], results[REMIT]
    database = env["REMIT_DATABASE_URL"].split(":", 1)[0]
    queue = "Redis" if env.get("REMIT_REDIS_URL") else "SQLite"
    print(f"{time.strftime('%Y-%m-%d')}: wrk, {options.connections} connections, "
          f"{options.seconds} s each, gunicorn {options.workers} sync workers; add-on on "
          f"{database}, queue on {queue}")
    print(f"wrk command (port varies): {command}")
    print("| endpoint | requests/s | p50 ms | p99 ms | non-2xx or errors |")
    print("|---|---|---|---|---|")
    for name, figures in results.items():
        print(f"| {name} | {figures['rate']:.0f} | {figures['p50']:.1f} | {figures['p99']:.1f} "
              f"| {figures['errors']} |")
    print(f"| ratio Remit / bare | {remit['rate'] / bare['rate']:.2f} | "
          f"{remit['p50'] / bare['p50']:.1f}x | {remit['p99'] / bare['p99']:.1f}x | |")


if __name__ == "__main__":
    sys.exit(main())
