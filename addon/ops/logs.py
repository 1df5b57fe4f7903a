"""Log lines, one JSON object each in production (REMIT_LOG_FORMAT), carrying the id of the
request that caused them: taken from `X-Request-Id` (a proxy's) or made up, answered back in
the same header, and stored with every task the request enqueues (addon.queue) so the worker's
lines about posting an event carry the id of the webhook that brought it."""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, request

HEADER = "X-Request-Id"
TASK_KWARG = "remit_request_id"  # how an enqueued task carries the id (addon.queue)
# A proxy's id is kept only when it looks like one: it goes into every log line.
ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

NONE = "-"  # what a text line shows outside any request or task
current_request_id: ContextVar[str | None] = ContextVar("remit_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id (when one is known),
    and the exception's type and traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id and request_id != NONE:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request or task being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get() or NONE
        return True


def handler(log_format: str, stream=None) -> logging.Handler:
    """A handler writing JSON or plain text lines, each with its request id."""
    built = logging.StreamHandler(stream)
    built.addFilter(RequestIdFilter())
    if log_format == "json":
        built.setFormatter(JsonFormatter())
    else:
        built.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    return built


def configure(log_format: str, level: str) -> None:
    """Root logging for this process (replacing what an earlier app of the process set)."""
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, "remit", False)]
    built = handler(log_format)
    built.remit = True
    root.addHandler(built)
    root.setLevel(level.upper())


def init_app(app: Flask) -> None:
    configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    @app.before_request
    def take_request_id() -> None:
        offered = request.headers.get(HEADER, "")
        g.request_id = offered if ACCEPTED.match(offered) else new_request_id()
        g.request_id_token = current_request_id.set(g.request_id)

    @app.after_request
    def answer_request_id(response):
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response

    @app.teardown_request
    def forget_request_id(_error) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            current_request_id.reset(token)
