"""A form sent after the session or its CSRF token expired: never Flask-WTF's bare refusal, what
was typed comes back (without secrets) on the form's page, after signing in again when the
session ended; a page opened after the session ended says so; a forged form keeps nothing."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import select

from addon.auth.expiry import MARKER_COOKIE
from addon.extensions import db
from addon.models import Gateway
from tests.app.oauth_flow import connect
from tests.app.stripe_flow import connect_stripe

HERE = "http://localhost"
UNDEPOSITED, USD_AR = "4", "84"


@pytest.fixture
def web(app, make_app):  # app: the migrated database, emptied after the test
    """A client of an app that checks CSRF tokens. Its requests get app contexts of their own
    (Flask-WTF caches a token in `g`); the test's queries use the fixture app's context."""
    return make_app(WTF_CSRF_ENABLED=True).test_client()


@pytest.fixture
def form_page(web) -> str:
    """Signed in with QuickBooks, a new Stripe gateway's set-up form open: its path."""
    connect(web, "quickbooks")
    connect_stripe(web)
    return f"/settings/gateways/{db.session.scalar(select(Gateway)).id}"


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def send_form(web, path: str, token: str, origin: str = HERE, **extra):
    form = {"csrf_token": token, "description": "Stripe Canada", "currency": ["USD", "EUR"],
            "deposit-USD": UNDEPOSITED, "receivable-USD": USD_AR, "api_key": "sk_live_typed",
            "action": "save", **extra}
    return web.post(path, data=form, headers={"Origin": origin, "Referer": HERE + path})


def kept_values(page: str) -> list[list[str]] | None:
    found = re.search(r"data-values='([^']*)'", page)
    return json.loads(unescape(found.group(1))) if found else None


def test_a_form_sent_after_the_session_ended_comes_back_after_signing_in(web, form_page):
    token = csrf_token(web.get(form_page).get_data(as_text=True))
    web.delete_cookie("session")  # the session ended (browser closed, cookie gone)

    refused = send_form(web, form_page, token)
    assert (refused.status_code, refused.headers["Location"]) == (303, form_page)
    back = web.get(form_page)
    assert back.headers["Location"] == "/"
    home = web.get("/").get_data(as_text=True)
    assert "Your session expired. Sign in again: what you typed is kept" in home
    assert "CSRF" not in home

    assert connect(web, "quickbooks").headers["Location"] == form_page
    page = web.get(form_page).get_data(as_text=True)
    assert "Your session expired before Remit could save this form" in page
    values = kept_values(page)
    assert ["description", "Stripe Canada"] in values and ["currency", "EUR"] in values
    assert not [name for name, _ in values if name in ("csrf_token", "api_key")]
    assert "sk_live_typed" not in page
    assert db.session.scalar(select(Gateway.description)) == ""  # nothing was saved
    assert kept_values(web.get(form_page).get_data(as_text=True)) is None  # shown once


def test_a_stale_token_while_signed_in_returns_to_the_form_with_its_values(web, form_page):
    refused = send_form(web, form_page, "a-token-from-long-ago")
    assert refused.headers["Location"] == form_page
    page = web.get(form_page).get_data(as_text=True)
    assert "This page was open too long" in page and "CSRF" not in page
    assert ["description", "Stripe Canada"] in kept_values(page)


def test_a_form_from_another_site_is_refused_and_keeps_nothing(web, form_page):
    refused = send_form(web, form_page, "forged", origin="https://evil.example")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "did not come from one of Remit" in page and "CSRF" not in page
    assert kept_values(web.get(form_page).get_data(as_text=True)) is None


def test_a_page_opened_after_the_session_ended_says_it_expired(web, form_page):
    web.delete_cookie("session")
    answer = web.get(form_page)
    assert answer.headers["Location"] == "/"
    assert "Your session expired. Sign in again to carry on" in web.get("/").get_data(
        as_text=True)
    assert connect(web, "quickbooks").headers["Location"] == form_page


def test_never_signed_in_or_signed_out_is_not_an_expired_session(web, form_page):
    stranger = web.application.test_client()
    assert stranger.get(form_page).headers["Location"] == "/"
    assert "session expired" not in stranger.get("/").get_data(as_text=True)

    assert web.get_cookie(MARKER_COOKIE) is not None
    page = web.get(form_page).get_data(as_text=True)
    web.post("/signout", data={"csrf_token": csrf_token(page)}, headers={"Origin": HERE})
    assert web.get_cookie(MARKER_COOKIE) is None
    assert web.get(form_page).headers["Location"] == "/"
    assert "session expired" not in web.get("/").get_data(as_text=True)
