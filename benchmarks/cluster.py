"""Several Remit processes on loopback sharing one PostgreSQL and one Redis, as deploy/compose.yaml
runs them on a real host: the same commands and the same shared settings (deploy/settings.env).

    .venv/bin/python -m benchmarks.cluster [--database-url URL] [--redis-url URL]
                                           [--webs 2] [--workers 2] [--port 8000] [--sandbox]

The database (default: REMIT_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/remit_cluster)
is created if missing and migrated once before anything starts; Redis defaults to REMIT_REDIS_URL,
else redis://127.0.0.1:6379/0. It prints each process's role, address and pid, and runs until
Ctrl-C or SIGTERM, then stops them as Compose would: gunicorn on SIGTERM (it finishes the requests
it has, --graceful-timeout), the Huey workers on SIGINT (the task in hand finishes), each given
STOP_GRACE seconds before SIGKILL.

Loopback is development mode: production wants https and real vendor credentials. `--sandbox`
adds one process serving the vendor stand-ins (their state lives in that process's memory, so all
web and worker processes must share one), and the web and worker processes run the development
stack's app (addon.devserver) pointed at it, so a payment can be taken and posted end to end.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "deploy" / "settings.env"

# Each process's command as deploy/compose.yaml writes it (`python -m` runs the same module here).
MIGRATE_COMMAND = ("flask", "--app", "{app}", "db", "upgrade")
WEB_COMMAND = ("gunicorn", "--bind", "{bind}", "{app}:create_app()")
WORKER_COMMAND = ("flask", "--app", "{app}", "remit", "worker", "--workers", "2")
SANDBOX_COMMAND = ("gunicorn", "--workers", "1", "--threads", "8", "--bind", "{bind}",
                   "benchmarks.cluster:sandbox_app()")
# What stops each role gracefully (Compose's stop_signal) and how long it may take.
STOP_SIGNALS = {"web": signal.SIGTERM, "worker": signal.SIGINT, "sandbox": signal.SIGTERM}
STOP_GRACE = 40
START_LIMIT = 30
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/remit_cluster"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def shared_settings(path: Path = SETTINGS_FILE) -> dict[str, str]:
    """deploy/settings.env as a dict (KEY=VALUE lines; # comments), as Compose's env_file reads
    it: no quotes, no expansion."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value
    return values


def command(template: tuple[str, ...], **fill: str) -> list[str]:
    return [part.format(**fill) for part in template]


@dataclass
class Process:
    role: str
    address: str | None
    popen: subprocess.Popen
    log: Path


@dataclass
class Cluster:
    """Start with `with Cluster(...) as cluster:`; every process is stopped on leaving."""

    database_url: str
    redis_url: str
    webs: int = 2
    workers: int = 2
    port: int = 8000
    sandbox: bool = False
    log_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    processes: list[Process] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.web_urls = [f"http://127.0.0.1:{self.port + n}" for n in range(self.webs)]
        self.sandbox_url = f"http://127.0.0.1:{self.port + self.webs}/sandbox"
        self.app = "addon.devserver" if self.sandbox else "addon"
        self.secret_key = Fernet.generate_key().decode()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("REMIT_")},
            **shared_settings(),
            "REMIT_ENV": "development",
            "REMIT_DATABASE_URL": self.database_url,
            "REMIT_REDIS_URL": self.redis_url,
            # The first web process stands where the TLS proxy would: URLs are built from it.
            "REMIT_BASE_URL": self.web_urls[0],
            "REMIT_SECRET_KEY": self.secret_key,
            "REMIT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            **({"REMIT_SANDBOX_URL": self.sandbox_url} if self.sandbox else {}),
        }

    def __enter__(self) -> Cluster:
        try:
            create_database(self.database_url)
            subprocess.run([sys.executable, "-m", *command(MIGRATE_COMMAND, app="addon")],
                           env=self.env, cwd=ROOT, check=True, capture_output=True)
            if self.sandbox:
                self._start("sandbox", SANDBOX_COMMAND, self.sandbox_url.removesuffix("/sandbox"))
            for url in self.web_urls:
                self._start("web", WEB_COMMAND, url)
            for _ in range(self.workers):
                self._start("worker", WORKER_COMMAND, None)
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start_worker(self) -> Process:
        """One more queue consumer, as a supervisor starts one in place of a worker that died."""
        self._start("worker", WORKER_COMMAND, None)
        return self.processes[-1]

    def _start(self, role: str, template: tuple[str, ...], url: str | None) -> None:
        number = sum(process.role == role for process in self.processes) + 1
        log = self.log_dir / f"remit-cluster-{role}-{number}.log"
        bind = url.removeprefix("http://") if url else ""
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", *command(template, bind=bind, app=self.app)],
                env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.processes.append(Process(role, url, popen, log))

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_LIMIT
        waiting = [p for p in self.processes if p.address]
        while waiting:
            for process in list(waiting):
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.role} exited: {tail(process.log)}")
                try:
                    requests.get(process.address + "/", timeout=5)
                    waiting.remove(process)
                except (requests.ConnectionError, requests.Timeout):
                    pass
            if waiting and time.monotonic() > deadline:
                raise RuntimeError(f"not answering after {START_LIMIT} s: "
                                   + ", ".join(p.address for p in waiting))
            time.sleep(0.2)
        for worker in (p for p in self.processes if p.role == "worker"):
            if worker.popen.poll() is not None:
                raise RuntimeError(f"worker exited: {tail(worker.log)}")

    def stop(self) -> dict[int, int | None]:
        """Each process its graceful signal, then up to STOP_GRACE s; returns pid -> exit code
        (None: it had to be killed)."""
        for process in self.processes:
            if process.popen.poll() is None:
                process.popen.send_signal(STOP_SIGNALS[process.role])
        codes = {}
        deadline = time.monotonic() + STOP_GRACE
        for process in self.processes:
            try:
                codes[process.popen.pid] = process.popen.wait(
                    timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()
                codes[process.popen.pid] = None
        return codes


def create_database(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL URL whose database does not exist yet."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    server = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False),
                         autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (target.database,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{target.database}"')


def sandbox_app():
    """The vendor stand-ins alone, under /sandbox, posting their webhooks to REMIT_BASE_URL
    (gunicorn's app factory for the `--sandbox` process)."""
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from addon.devserver import dev_stack

    stand_ins = dev_stack(os.environ["REMIT_SANDBOX_URL"]).create_app(
        {"REMIT_ADDON_URL": os.environ["REMIT_BASE_URL"]})
    return DispatcherMiddleware(NotFound(), {"/sandbox": stand_ins})


def tail(log: Path, size: int = 2000) -> str:
    return log.read_text(errors="replace")[-size:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        default=os.environ.get("REMIT_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("REMIT_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--webs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8000, help="first web process's port")
    parser.add_argument("--sandbox", action="store_true",
                        help="add the vendor stand-ins (development stack)")
    options = parser.parse_args()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with Cluster(options.database_url, options.redis_url, options.webs, options.workers,
                 options.port, options.sandbox) as cluster:
        for process in cluster.processes:
            print(f"{process.role:8} pid {process.popen.pid:<8} "
                  f"{process.address or '(queue consumer)'}  log {process.log}", flush=True)
        print("Sharing", _without_password(options.database_url), "and", options.redis_url,
              "- stop with Ctrl-C.", flush=True)
        try:
            while not stopping:
                for process in cluster.processes:
                    if process.popen.poll() is not None:
                        print(f"{process.role} pid {process.popen.pid} exited: "
                              f"{tail(process.log)}", file=sys.stderr)
                        return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        print("Stopping (gunicorn finishes its requests, workers their tasks)...", flush=True)
    print("Stopped.")
    return 0


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def free_port_block(count: int) -> int:
    """A first port whose next `count` ports were free a moment ago (for tests)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count < 65535 and all(_free(first + n) for n in range(count)):
            return first
    raise RuntimeError("no block of free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
