"""Drills 1 and 2 of benchmarks/drills.py in --quick mode: payments while workers are
SIGKILLed and restarted, and while Redis restarts empty, each posted exactly once and none
lost (counted in the stand-ins' ledgers and in Remit's postings).

Needs PostgreSQL and Redis (the PG tier: REMIT_DATABASE_URL=postgresql://…, REMIT_REDIS_URL);
the drills use databases of their own beside REMIT_DATABASE_URL's (suffixes _1 and _2) and
drill 2 a redis-server of its own."""

from __future__ import annotations

import os
import shutil

import pytest

from benchmarks import drills

CONFIGURED = os.environ.get("REMIT_DATABASE_URL", "")
REDIS = os.environ.get("REMIT_REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not (CONFIGURED.startswith("postgresql") and REDIS),
    reason="the drills run the cluster on PostgreSQL and Redis: run with the PG tier's settings")


def _run(number: int, tmp_path, capsys) -> str:
    code = drills.main(["--quick", "--only", str(number), "--database-url", CONFIGURED,
                        "--redis-url", REDIS, "--log-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "lost 0, doubled 0, on invoices nobody paid 0" in printed, printed
    assert code == 0, printed
    return printed


def test_payments_post_exactly_once_while_workers_are_killed(tmp_path, capsys):
    _run(1, tmp_path, capsys)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="drill 2 starts redis-server")
def test_payments_post_exactly_once_across_a_redis_restart(tmp_path, capsys):
    printed = _run(2, tmp_path, capsys)
    assert "restarted empty" in printed
