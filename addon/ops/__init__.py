"""Running Remit for many companies: health and readiness probes, Prometheus metrics, JSON logs
with a request id carried from the webhook into the tasks it enqueues."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from addon.ops import logs
    from addon.ops.health import bp

    logs.init_app(app)
    app.register_blueprint(bp)
