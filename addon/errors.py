"""Styled, translated pages for the HTTP errors a visitor can meet, instead of Werkzeug's bare ones.

Machine endpoints (Stripe's webhooks, the health check) keep their plain answers: a sender reads the
status code, not a page."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PAGE_CODES = (400, 403, 404, 405, 429, 500)
MACHINE_PREFIXES = ("/webhooks/", "/healthz", "/readyz", "/metrics")

HEADINGS = {
    400: _l("We could not understand that request"),
    403: _l("You cannot open this page"),
    404: _l("We could not find that page"),
    405: _l("That action is not available here"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("Something in the request was missing or not as expected. Go back and try again."),
    403: _l("This page is not available with your current sign-in."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("This page cannot be used that way. Open it from a link in Remit instead."),
    429: _l("Too many requests: wait a moment and try again."),
    500: _l("Nothing you did caused this, and it has been recorded. Please try again in a moment."),
}


def register_error_pages(app: Flask) -> None:
    for code in PAGE_CODES[:-1]:
        app.register_error_handler(code, _http_error_page)
    # Flask turns an unhandled exception into InternalServerError (unless it propagates, in tests).
    app.register_error_handler(InternalServerError, _http_error_page)


def _is_machine_request() -> bool:
    return request.path.startswith(MACHINE_PREFIXES) or request.blueprint == "webhooks"


def _http_error_page(error: HTTPException):
    if _is_machine_request():
        return error
    code = error.code if error.code in HEADINGS else 500
    if code == 500 and error.original_exception is not None:
        return _unhandled_error_page(error.original_exception)
    response = error.get_response()  # keeps Allow (405), Retry-After (429) and friends
    response.set_data(_render(code))
    response.mimetype = "text/html"
    return response


def _unhandled_error_page(error: Exception):
    """Log the failure with the request id when there is one; the visitor sees no exception text."""
    request_id = request.headers.get("X-Request-Id") or g.get("request_id")
    log.exception("Unhandled error on %s %s (request id %s)", request.method, request.path,
                  request_id or "none", exc_info=error)
    if _is_machine_request():
        return InternalServerError()
    return _render(500), 500


def _render(code: int, explanation: str | None = None) -> str:
    return render_template(
        "error.html",
        code=code,
        heading=HEADINGS[code],
        explanation=explanation or EXPLANATIONS[code],
        back_url=_same_origin_referrer(),
    )


def render_error_page(code: int, explanation: str | None = None):
    """The styled page for `code`, with a more precise explanation when the caller has one."""
    return _render(code, explanation), code


def _same_origin_referrer() -> str | None:
    """The page the visitor came from, only when it is this site (never send them elsewhere)."""
    referrer = request.referrer
    if not referrer:
        return None
    there, here = urlsplit(referrer), urlsplit(request.host_url)
    if (there.scheme, there.netloc) != (here.scheme, here.netloc) or referrer == request.url:
        return None
    return referrer
