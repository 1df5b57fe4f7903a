"""URLs Remit hands out (OAuth redirect URIs, pay links, Checkout return pages), always built
from REMIT_BASE_URL: never from the request's Host header or scheme, which a client or a TLS
proxy in front of gunicorn decides, so a forged Host cannot redirect a customer or a code."""

from __future__ import annotations

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under REMIT_BASE_URL (which may carry a path prefix),
    the same inside a request, a worker or a CLI command."""
    base = current_app.config["BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("remit.invalid", script_name="/")
    return base + adapter.build(endpoint, values)
