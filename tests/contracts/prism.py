"""Stoplight Prism (npm @stoplight/prism-cli, installed by .ci/run into tools/prism) serving one
of Xero's OpenAPI documents on a free loopback port: it validates each request it receives
against the document and reports the violations (`sl-violations` header, or a 422 problem)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.specs import REPO_ROOT, missing_specs

PRISM = REPO_ROOT / "tools" / "prism" / "node_modules" / ".bin" / "prism"
START_LIMIT = 240  # seconds: Prism dereferences the 0.9 MB accounting document first


def prism_binary() -> Path:
    """tools/prism's Prism (or REMIT_PRISM), else skip (fail under REMIT_REQUIRE_SPECS=1)."""
    configured = os.environ.get("REMIT_PRISM")
    binary = Path(configured) if configured else PRISM
    if not binary.exists() or shutil.which("node") is None:
        missing_specs(f"Prism is not installed at {binary} (with Node.js): "
                      "`npm ci --prefix tools/prism` (.ci/run does it)")
    return binary


@dataclass
class Prism:
    process: subprocess.Popen
    url: str
    log: Path

    @classmethod
    def start(cls, document: Path, log: Path) -> Prism:
        """Launch Prism (returns at once: `wait_until_listening` before sending)."""
        if not document.exists():
            missing_specs(f"vendor specs not found: {document} (../shared/specs)")
        binary = prism_binary()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(binary), "mock", "--host", "127.0.0.1", "--port", str(port),
                 str(document)], stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True)
        return cls(process, f"http://127.0.0.1:{port}", log)

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Prism exited: {self.log.read_text()[-2000:]}")
            if "Prism is listening" in self.log.read_text(errors="replace"):
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Prism did not start within {START_LIMIT} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def violations(self, method: str, path: str, headers: dict[str, str],
                   body: bytes | None) -> tuple[int, list[dict]]:
        """Send one request; (status, Prism's violations of the request, not of its own mock
        answer). `Prefer: code=599` asks for a status no operation declares: Prism validates the
        request all the same but skips building a mock answer from Xero's circular schemas,
        which takes it ~15 s per GET /Invoices/{id}."""
        answer = requests.request(method, self.url + path, data=body, timeout=60,
                                  headers={**headers, "Prefer": "code=599"})
        found = [violation for violation in json.loads(answer.headers.get("sl-violations") or "[]")
                 if violation.get("location", ["request"])[0] == "request"]
        if answer.status_code == 422 and "prism/errors" in answer.text:
            found += answer.json().get("validation", [])
        return answer.status_code, found
