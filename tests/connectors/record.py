"""Regenerate the connector cassettes of every vendor from Remit's sandbox, reaching no vendor.

    .venv/bin/python -m tests.connectors.record [test paths] [extra pytest arguments]

Without test paths, every vendor's tests under tests/connectors are recorded.

Serves the whole sandbox app (every vendor's stand-in) on one loopback port in a thread, names
its root in REMIT_RECORD_SANDBOX_ROOT and runs tests/connectors with --record-mode=rewrite in
this process, so the tests' sandbox controls (expire tokens, force a 429, ...) reach the server.
tests/connectors/conftest.py maps each request back to the vendor's real URL before the cassette
is saved. Then replays everything once in a fresh interpreter, as CI will.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import sandbox
from tests.connectors.conftest import SANDBOX_ROOT_ENV

HERE = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"


def main(argv: list[str]) -> int:
    server = make_server(LOOPBACK, 0, sandbox.create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ[SANDBOX_ROOT_ENV] = f"http://{LOOPBACK}:{server.server_port}"
    started = time.time()
    paths = [arg for arg in argv if not arg.startswith("-") and Path(arg.split("::")[0]).exists()]
    options = [arg for arg in argv if arg not in paths]
    if "-m" not in options:  # only cassette tests: the checks of cassettes run in the replay
        options = ["-m", "vcr", *options]
    try:
        status = pytest.main([
            *(paths or [str(HERE)]), "--record-mode=rewrite",
            f"--allowed-hosts={LOOPBACK},localhost,::1",  # the sandbox, never anything else
            *options,
        ])
    finally:
        server.shutdown()
        del os.environ[SANDBOX_ROOT_ENV]
    _report_stale(started, paths)
    if status != 0:
        return int(status)
    # Replay in a fresh interpreter: the shape and cleanliness checks then see the new
    # cassettes (this process collected the old ones' names when the test modules loaded).
    return subprocess.run([sys.executable, "-m", "pytest", str(HERE), "-q"], check=False).returncode


def _report_stale(started: float, paths: list[str]) -> None:
    """Cassettes this run did not rewrite (below what it recorded) belong to tests that no
    longer exist or were deselected: say so rather than leave them silently."""
    roots = [Path(path.split("::")[0]).resolve() for path in paths] or [HERE]
    for path in sorted(HERE.rglob("cassettes/**/*.yaml")):
        recorded_here = any(root == path or root in path.parents for root in roots)
        if recorded_here and path.stat().st_mtime < started:
            print(f"not re-recorded (stale?): {path.relative_to(HERE)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
