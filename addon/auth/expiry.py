"""A session that ended, or a form's CSRF token that aged, without losing what was typed.

Flask-WTF refuses such a form with a CSRFError ("The CSRF tokens do not match" and friends): here
the refusal keeps the form's non-secret values in the session, for the page the form was on, and
sends the user back to that page, where they are filled in again (remit.js) under a plain
message. A page behind sign-in opened after the session ended says the session expired (a
marker cookie tells "was signed in on this browser" from "never signed in"); after signing in
again the user lands on the page they were on.

A refused form that did not come from Remit's own pages (another site's forged post) keeps
nothing: a forged form must never prefill Remit's.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

MARKER_COOKIE = "remit_signed_in_before"
MARKER_LIFETIME = 400 * 24 * 3600  # the longest browsers keep a cookie
KEPT = "kept_form"
NEXT = "after_sign_in"
KEPT_LIFETIME = 3600  # seconds a kept form waits for its page
# Never kept, whatever a form holds: credentials, card data, and the CSRF token itself.
SECRET_NAME = re.compile(r"csrf|token|secret|password|passcode|api.?key|card|cvc|iban",
                         re.IGNORECASE)
MAX_VALUE = 2000  # characters; a longer value is not kept (the session is a cookie)
MAX_FIELDS = 200

NOTES = {
    "expired": _l("Your session expired before Remit could save this form, so nothing was "
                  "saved. What you typed is filled in again: check it and submit again."),
    "stale": _l("This page was open too long for Remit to accept the form safely, so nothing "
                "was saved. What you typed is filled in again: check it and submit again."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, refused_form)
    app.after_request(_mark_signed_in)
    app.context_processor(lambda: {"kept_form": _kept_for_this_page()})


def session_expired() -> bool:
    """Nobody is signed in, but someone was on this browser and did not sign out."""
    return g.get("user") is None and request.cookies.get(MARKER_COOKIE) == "1"


def expired_response() -> Response:
    """Where a page behind sign-in sends a visitor whose session ended: the home page, told
    so, and back to this page after signing in again."""
    if request.method == "GET":
        session[NEXT] = request.full_path if request.query_string else request.path
    if session.get(KEPT):
        flash(_("Your session expired. Sign in again: what you typed is kept and filled in "
                "again afterwards."), "warning")
    else:
        flash(_("Your session expired. Sign in again to carry on where you were."), "warning")
    return redirect(url_for("home.index"))


def landing_after_sign_in(default: str) -> str:
    """The page the user was on when the session ended, else `default`."""
    return same_site_path(session.pop(NEXT, None)) or default


def forget_sign_in(response: Response) -> Response:
    """Signing out on purpose: a later visit is not an "expired session"."""
    response.delete_cookie(MARKER_COOKIE)
    return response


def refused_form(error: CSRFError):
    """Flask-WTF refused a form's CSRF token: keep its values, say why, go back to its page."""
    from addon.errors import render_error_page

    if not _from_our_pages():
        return render_error_page(400, explanation=_(
            "This form did not come from one of Remit's pages, so nothing was changed."))
    page = same_site_path(_referrer_path()) or url_for("home.index")
    reason = "stale" if session.get("user_id") else "expired"
    if reason == "expired" and request.cookies.get(MARKER_COOKIE) != "1":
        reason = "stale"  # never signed in here (a customer's pay page): the page aged
    session[KEPT] = {"page": urlsplit(page).path, "action": request.path, "reason": reason,
                     "at": time.time(), "values": _keepable(request.form)}
    return redirect(page, code=303)


def _kept_for_this_page() -> dict | None:
    """The kept form for the page being shown, once (taken from the session as it shows)."""
    kept = session.get(KEPT)
    if not kept or request.method != "GET" or kept.get("page") != request.path:
        return None
    session.pop(KEPT)
    if time.time() - kept.get("at", 0) > KEPT_LIFETIME:
        return None
    return {"action": kept["action"], "values": kept["values"],
            "note": str(NOTES.get(kept.get("reason"), NOTES["stale"]))}


def _keepable(form: MultiDict) -> list[list[str]]:
    kept = []
    for name, value in form.items(multi=True):
        if SECRET_NAME.search(name) or len(value) > MAX_VALUE:
            continue
        kept.append([name, value])
    return kept[:MAX_FIELDS]


def _from_our_pages() -> bool:
    """Browsers send Origin with every form post; an older one may send only Referer."""
    here = _origin(request.host_url)
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin == here
    return bool(request.referrer) and _origin(request.referrer) == here


def _referrer_path() -> str | None:
    if not request.referrer or _origin(request.referrer) != _origin(request.host_url):
        return None
    parts = urlsplit(request.referrer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def same_site_path(target: str | None) -> str | None:
    """A path within the add-on, or None (never redirect elsewhere)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _mark_signed_in(response: Response) -> Response:
    if g.get("user") is not None and request.cookies.get(MARKER_COOKIE) != "1":
        # Sent like the session cookie, so it too reaches a Remit framed by QuickBooks or Xero.
        response.set_cookie(MARKER_COOKIE, "1", max_age=MARKER_LIFETIME, httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"],
                            samesite=current_app.config["SESSION_COOKIE_SAMESITE"])
    return response
