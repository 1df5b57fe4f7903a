"""Probes for load balancers and orchestrators, and the metrics endpoint. `/healthz`: the
process answers (restart it if not). `/readyz`: it can do its work — the database answers, the
queue answers, and the database is at the migrations' head (send it traffic only then); a 503
names the part that failed, never a URL or a password."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from addon.extensions import db
from addon.ops import metrics
from addon.queue import huey

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@bp.get("/healthz")
def health():
    return jsonify(status="ok")


@bp.get("/readyz")
def ready():
    checks = {"database": _database(), "queue": _queue()}
    checks["migrations"] = _migrations() if checks["database"] == "ok" else "unknown"
    ok = all(state == "ok" for state in checks.values())
    return jsonify(status="ok" if ok else "unavailable", **checks), 200 if ok else 503


@bp.get("/metrics")
def scrape():
    body, content_type = metrics.exposition(huey)
    return Response(body, content_type=content_type)


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as down:
        db.session.rollback()
        log.warning("readyz: database unreachable (%s)", type(down).__name__)
        return "unreachable"
    return "ok"


def _queue() -> str:
    try:
        huey.pending_count()
    except Exception as down:
        log.warning("readyz: queue unreachable (%s)", type(down).__name__)
        return "unreachable"
    return "ok"


def _migrations() -> str:
    """`ok` when the database's revision is the newest migration, else `behind`. Read from
    Alembic's own table directly: a probe every few seconds should not log Alembic's banner."""
    try:
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception:  # no table yet: never migrated
        db.session.rollback()
        return "behind"
    return "ok" if current == _heads() else "behind"


@cache
def _heads() -> frozenset[str]:
    """The migrations shipped with this process (read once: they change only on deploy)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())
