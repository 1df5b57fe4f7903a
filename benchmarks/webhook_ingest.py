"""Webhook ingest: the add-on's /webhooks/stripe (verify, store once, enqueue, answer) against a
bare Flask endpoint that only answers 200, side by side in one run on loopback.

    .venv/bin/python -m benchmarks.webhook_ingest [--events 2000] [--concurrency 8]

Both are served by gunicorn (2 sync workers each, this machine has 2 cores); the add-on uses
PostgreSQL and Redis (REMIT_DATABASE_URL / REMIT_REDIS_URL, defaults: the local test services).
Each delivery is a distinct, validly signed `payment_intent.succeeded` event for an account no
gateway knows, so it is stored and acknowledged like any real event. Traffic goes to 127.0.0.1
only, bounded in count. Prints throughput and p50/p99 latency for both, and the ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_benchmark_only"


def main() -> int:
    options = _options()
    env = {**os.environ, "REMIT_ENV": "development", "REMIT_STRIPE_CLIENT_ID": "ca_benchmark",
           "REMIT_STRIPE_SECRET_KEY": "sk_test_benchmark", "REMIT_STRIPE_WEBHOOK_SECRET": SECRET,
           "REMIT_DATABASE_URL": os.environ.get(
               "REMIT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
           "REMIT_REDIS_URL": os.environ.get("REMIT_REDIS_URL", "redis://127.0.0.1:6379/0"),
           "REMIT_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "addon", "db", "upgrade"],
                   env=env, cwd=ROOT, check=True, capture_output=True)
    results = {}
    for name, target in (("bare Flask 200", "benchmarks.bare_endpoint:app"),
                         ("Remit /webhooks/stripe", "addon:create_app()")):
        with _served(target, env) as base:
            results[name] = _run(base, options.events, options.concurrency, name)
    _report(results, options)
    return 0


def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    return parser.parse_args()


class _served:
    def __init__(self, target: str, env: dict) -> None:
        self.target, self.env = target, env

    def __enter__(self) -> str:
        port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", self.target], cwd=ROOT, env=self.env)
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                requests.post(base + "/webhooks/stripe", data=b"{}", timeout=1)
                return base
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.target} did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _run(base: str, count: int, concurrency: int, name: str) -> dict:
    run_id = f"{name[:4].strip()}{int(time.time() * 1000)}"
    bodies = [_event(f"evt_bench_{run_id}_{i}") for i in range(count)]
    session_per_thread: dict[int, requests.Session] = {}

    def send(body: bytes) -> float:
        import threading

        session = session_per_thread.setdefault(threading.get_ident(), requests.Session())
        started = time.perf_counter()
        answer = session.post(base + "/webhooks/stripe", data=body, timeout=10,
                              headers={"Stripe-Signature": _signature(body),
                                       "Content-Type": "application/json"})
        elapsed = time.perf_counter() - started
        if answer.status_code != 200:
            raise RuntimeError(f"{name}: HTTP {answer.status_code}")
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = sorted(pool.map(send, bodies))
    wall = time.perf_counter() - started
    return {"throughput": count / wall, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def _event(event_id: str) -> bytes:
    return json.dumps({
        "id": event_id, "object": "event", "type": "payment_intent.succeeded",
        "account": "acct_benchmark_unknown", "livemode": False, "created": int(time.time()),
        "api_version": "2026-10-28.endive", "pending_webhooks": 1,
        "data": {"object": {"id": "pi_" + event_id[-20:], "object": "payment_intent",
                            "amount": 2000, "amount_received": 2000, "currency": "usd",
                            "status": "succeeded", "metadata": {}}},
    }).encode()


def _signature(body: bytes) -> str:
    stamp = int(time.time())
    digest = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _report(results: dict, options) -> None:
    bare, remit = results["bare Flask 200"], results["Remit /webhooks/stripe"]
    print(f"{options.events} signed deliveries, {options.concurrency} concurrent, loopback")
    print(f"{'endpoint':<26}{'events/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, figures in results.items():
        print(f"{name:<26}{figures['throughput']:>10.0f}{figures['p50']:>10.1f}"
              f"{figures['p99']:>10.1f}")
    print(f"ratio Remit/bare: throughput {remit['throughput'] / bare['throughput']:.2f}, "
          f"p50 {remit['p50'] / bare['p50']:.1f}x, p99 {remit['p99'] / bare['p99']:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
