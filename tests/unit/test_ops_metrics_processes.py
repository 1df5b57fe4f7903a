"""With PROMETHEUS_MULTIPROC_DIR set, /metrics adds up what every process counted (several
gunicorn workers and `flask remit worker` processes behind one scrape)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNT = "from addon.ops import metrics; metrics.webhook_event('stripe', 'received')"
SCRAPE = """
from huey import MemoryHuey
from addon.ops import metrics
body, _ = metrics.exposition(MemoryHuey('scrape'))
print(body.decode())
"""


def run(code: str, multiproc_dir: Path) -> str:
    environ = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir),
               "REMIT_HUEY_IMMEDIATE": "true"}
    environ.pop("REMIT_REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_counts_from_several_processes_add_up(tmp_path):
    for _ in range(2):
        run(COUNT, tmp_path)
    scraped = run(SCRAPE, tmp_path)
    assert 'remit_webhook_events_total{gateway="stripe",outcome="received"} 2.0' in scraped
    assert "remit_queue_depth 0.0" in scraped
