"""Cold and warm `make run`: a fresh clone to the server answering HTTP, then the same clone again.

    .venv/bin/python -m benchmarks.cold_start [--ref HEAD] [--empty-cache] [--runs 1]

Clones this repository's `--ref` (a commit, so compare before/after by naming both) into a temp
folder, runs `make run` there on a free port and times it until `GET /` answers (any HTTP
status), stops the whole stack (its process group), then runs `make run` again in the same clone
(the venv now exists: a warm start). The figures exclude the local `git clone` itself (well under
a second).

The package caches make "cold" optimistic: by default pip's and uv's download caches are the
user's own (whatever earlier installs left there). `--empty-cache` points PIP_CACHE_DIR and
UV_CACHE_DIR at empty temp folders, so every wheel is downloaded: a truly cold first run.
Nothing is left behind: the clone and the temp caches are deleted.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A cold start that has not answered by then is a failure, not a figure.
START_LIMIT = 600


def main() -> int:
    options = _options()
    rows = []
    for run in range(options.runs):
        with tempfile.TemporaryDirectory(prefix="remit-cold-") as scratch:
            clone = Path(scratch) / "remit"
            subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                           check=True)
            subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", options.ref],
                           check=True)
            env = _environment(Path(scratch), options.empty_cache)
            log = Path(scratch) / "make-run.log"
            cold, cold_cpu = _time_make_run(clone, env, log)
            warm, warm_cpu = _time_make_run(clone, env, log)
            rows.append((cold, warm))
            print(f"run {run + 1}: cold {cold:.1f} s ({cold_cpu:.1f} s CPU), "
                  f"warm {warm:.1f} s ({warm_cpu:.1f} s CPU), load {os.getloadavg()[0]:.1f}",
                  flush=True)
    _report(options, rows)
    return 0


def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="commit of this repository to clone")
    parser.add_argument("--empty-cache", action="store_true",
                        help="pip and uv download caches in empty temp folders")
    parser.add_argument("--runs", type=int, default=1)
    return parser.parse_args()


def _environment(scratch: Path, empty_cache: bool) -> dict[str, str]:
    """The user's environment less every REMIT_ setting (the clone's defaults: SQLite, Huey on
    SQLite, sandbox mode), and the port the serve command listens on."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("REMIT_") and name not in ("VIRTUAL_ENV", "MAKEFLAGS")}
    if empty_cache:
        env["PIP_CACHE_DIR"] = str(scratch / "pip-cache")
        env["UV_CACHE_DIR"] = str(scratch / "uv-cache")
    return env


def _time_make_run(clone: Path, env: dict[str, str], log: Path) -> tuple[float, float]:
    """Seconds until the server answered, and the CPU seconds (user + system) the whole stack
    used by the time it was stopped: less sensitive than the wall time to a busy machine."""
    port = _free_port()
    env = {**env, "FLASK_REMIT_SERVE_PORT": str(port),  # click's option from the environment
           "REMIT_BASE_URL": f"http://127.0.0.1:{port}"}
    url = f"http://127.0.0.1:{port}/"
    cpu_before = _children_cpu()
    with log.open("ab") as output:
        started = time.perf_counter()
        stack = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=output,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while not _answers(url):
                if stack.poll() is not None:
                    raise RuntimeError(f"make run exited with {stack.returncode}: see {log}\n"
                                       + log.read_text(errors="replace")[-3000:])
                if time.perf_counter() - started > START_LIMIT:
                    raise RuntimeError(f"make run did not answer within {START_LIMIT} s")
                time.sleep(0.05)
            answered = time.perf_counter() - started
        finally:
            _stop(stack)
    return answered, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True  # any status: the server is up
    except OSError:
        return False
    return True


def _stop(stack: subprocess.Popen) -> None:
    """The make process leads its own session: signal the group (make, server, worker)."""
    try:
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(stack.pid, signal.SIGKILL)
        stack.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _report(options, rows: list[tuple[float, float]]) -> None:
    cache = ("empty pip/uv download caches" if options.empty_cache
             else "the user's pip/uv download caches as they were")
    command = " ".join(["python -m benchmarks.cold_start", *sys.argv[1:]])
    print(f"`{command}` (ref {options.ref}, {cache}, {os.cpu_count()} CPUs)")
    colds, warms = [cold for cold, _ in rows], [warm for _, warm in rows]
    print(f"cold make run -> HTTP answer: best {min(colds):.1f} s, worst {max(colds):.1f} s")
    print(f"warm make run -> HTTP answer: best {min(warms):.1f} s, worst {max(warms):.1f} s")


if __name__ == "__main__":
    sys.exit(main())
