"""Regenerate the connector cassettes from Remit's sandbox, without reaching any vendor.

    .venv/bin/python -m tests.connectors.record [extra pytest arguments]

Starts the sandbox on a loopback port in a thread, points the connector tests at it
(QBO_RECORD_API_BASE) and runs them with --record-mode=rewrite in this process, so the tests'
sandbox controls (force_next) reach the server. tests/connectors/conftest.py rewrites each
request to Intuit's real host before the cassette is saved. Then replays everything once.
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
from tests.connectors.conftest import RECORD_BASE_ENV

HERE = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"


def main(argv: list[str]) -> int:
    server = make_server(LOOPBACK, 0, sandbox.create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ[RECORD_BASE_ENV] = f"http://{LOOPBACK}:{server.server_port}/quickbooks/api/v3"
    started = time.time()
    try:
        status = pytest.main([
            str(HERE), "--record-mode=rewrite",
            f"--allowed-hosts={LOOPBACK},localhost,::1",  # the sandbox, never anything else
            *argv,
        ])
    finally:
        server.shutdown()
    _report_stale(started)
    if status != 0:
        return int(status)
    # Replay in a fresh interpreter, as CI will: the shape and cleanliness checks then see the
    # new cassettes (this process has the old ones' names cached in the test modules).
    return subprocess.run([sys.executable, "-m", "pytest", str(HERE), "-q"], check=False).returncode


def _report_stale(started: float) -> None:
    """Cassettes this run did not rewrite belong to tests that no longer exist (or were
    deselected): say so rather than leave them silently."""
    for path in sorted(HERE.rglob("cassettes/**/*.yaml")):
        if path.stat().st_mtime < started:
            print(f"not re-recorded (stale?): {path.relative_to(HERE)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
