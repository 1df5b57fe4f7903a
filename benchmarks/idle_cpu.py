"""What an idle worker costs: CPU time of a Huey consumer on an empty queue over 30 s, with Huey's
default polling and with the options `flask remit worker` passes (addon.queue.consumer_options).

    .venv/bin/python -m benchmarks.idle_cpu [--seconds 30] [--workers 2]
    REMIT_REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python -m benchmarks.idle_cpu

Each consumer runs in its own process on a queue of its own (a temp SQLite file, or a queue
name of its own on REMIT_REDIS_URL), with the periodic scheduler, as the worker runs; after 5 s
of warm-up the process's user+system CPU time over `--seconds` is read from getrusage.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONSUMER = '''
import resource, sys, threading, time
from addon import settings
from addon.queue import build_huey, consumer_options
seconds, workers, prompt, path = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
values = settings.from_environment()
values.update(HUEY_IMMEDIATE=False, HUEY_SQLITE_PATH=path)
queue = build_huey(values, name=sys.argv[5])
defaults = {"workers": workers, "worker_type": "thread", "periodic": True}
options = consumer_options(workers) if prompt == "1" else defaults
consumer = queue.create_consumer(**options)
threading.Thread(target=consumer.run, daemon=True).start()
time.sleep(5)
def used():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
before = used()
time.sleep(seconds)
print(used() - before)
consumer.stop(graceful=False)
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    queue = "Redis" if os.environ.get("REMIT_REDIS_URL") else "SQLite"
    command = " ".join(["python -m benchmarks.idle_cpu", *sys.argv[1:]])
    print(f"`{command}`: {options.workers} worker threads, Huey on {queue}, empty queue")
    for label, prompt in (("Huey's defaults (0.1 s .. 10 s)", False),
                          ("flask remit worker (0.05 s .. 0.5 s)", True)):
        with tempfile.TemporaryDirectory(prefix="remit-idle-") as scratch:
            ran = subprocess.run(
                [sys.executable, "-c", CONSUMER, str(options.seconds), str(options.workers),
                 "1" if prompt else "0", str(Path(scratch) / "huey.sqlite3"),
                 f"remit-idle-{uuid.uuid4().hex[:8]}"],
                cwd=ROOT, capture_output=True, text=True, check=True)
        cpu = float(ran.stdout.strip().splitlines()[-1])
        print(f"{label:<40} {cpu:6.2f} s CPU in {options.seconds:.0f} s "
              f"= {100 * cpu / options.seconds:.2f} % of one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
