"""What the shared call budget adds to each ledger call: the observer's `before` (pause check,
count, lock renewal, metric) and `after` (remaining counts kept), per store beside each kind
of queue, against a call with no observer. A ledger call itself takes 100-1000 ms.

    .venv/bin/python -m benchmarks.ledger_budget [--calls 2000]
    REMIT_REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python -m benchmarks.ledger_budget
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from types import SimpleNamespace

from huey import MemoryHuey, RedisHuey, SqliteHuey


def _per_call(calls: int, observer) -> float:
    from connectors.calls import Answer

    answer = Answer(200, minute_remaining=58, day_remaining=4983)
    started = time.perf_counter()
    for _ in range(calls):
        observer.before()
        observer.after(answer)
    return (time.perf_counter() - started) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    calls = parser.parse_args().calls
    from addon.posting import budget, shared

    queues = {"memory": MemoryHuey("bench")}
    folder = tempfile.mkdtemp()
    queues["sqlite"] = SqliteHuey("bench", filename=os.path.join(folder, "huey.sqlite3"))
    if os.environ.get("REMIT_REDIS_URL"):
        queues["redis"] = RedisHuey(f"bench-{uuid.uuid4().hex[:8]}",
                                    url=os.environ["REMIT_REDIS_URL"])
    nothing = SimpleNamespace(before=lambda: None, after=lambda answer: None)
    print(f"{'store':8} {'µs a call':>10} {'calls/s':>10}   ({calls} calls each)")
    print(f"{'none':8} {_per_call(calls, nothing) * 1e6:10.1f} {'-':>10}")
    for name, queue in queues.items():
        shared.values = shared.build(queue)
        # A platform with a budget the run cannot spend: the refusal path is not measured.
        company = SimpleNamespace(platform="quickbooks", external_id=f"bench-{name}")
        observer = budget.CompanyCalls(company)
        observer.limit = calls + 1
        seconds = _per_call(calls, observer)
        print(f"{name:8} {seconds * 1e6:10.1f} {1 / seconds:10.0f}")
        shared.values.forget_all()


if __name__ == "__main__":
    main()
