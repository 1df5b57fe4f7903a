"""connectors.quickbooks.oauth without a server: token_set's arithmetic, and what refresh() and
revoke() send and make of every answer Intuit documents, through a canned transport (the
cassettes in test_tokens.py cover the sandbox's real answers)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
from requests.adapters import HTTPAdapter

from connectors.base import AuthError, OAuthClient, RateLimited, Rejected, VendorUnavailable
from connectors.quickbooks import const, oauth

CLIENT = OAuthClient("app-id", "app-secret-123", const.TOKEN_URL, const.REVOKE_URL)
REFRESH_TOKEN = "RT1-39-H3-1785429816rcysb9dns1ofreknypnm"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INTUIT_TOKENS = {"token_type": "bearer", "access_token": "new-access", "expires_in": 3600,
                 "refresh_token": "new-refresh", "x_refresh_token_expires_in": 8726400,
                 "x_refresh_token_hard_expires_in": 156032154}


@pytest.fixture
def intuit(monkeypatch):
    """Every HTTP request answered with `intuit.answer` (status, body, headers) or raising
    `intuit.error`; what was sent is kept in `intuit.sent`."""

    class Canned:
        answer: tuple = (200, INTUIT_TOKENS, {})
        error: Exception | None = None
        sent: list = []

    def send(adapter, request, **kwargs):
        Canned.sent.append((request, kwargs))
        if Canned.error is not None:
            raise Canned.error
        status, body, headers = Canned.answer
        response = requests.Response()
        response.status_code, response.request, response.url = status, request, request.url
        response._content = (body if isinstance(body, str) else json.dumps(body)).encode()
        response.headers.update({"Content-Type": "application/json", **headers})
        return response

    monkeypatch.setattr(HTTPAdapter, "send", send)
    Canned.sent = []
    return Canned


def test_token_set_counts_lifetimes_from_the_answer():
    tokens = oauth.token_set(INTUIT_TOKENS, now=NOW)

    assert tokens.expires_at == NOW + timedelta(hours=1)
    assert tokens.refresh_expires_at == NOW + timedelta(seconds=8726400)
    assert tokens.refresh_hard_expires_at == NOW + timedelta(seconds=156032154)
    assert "new-access" not in repr(tokens) and "new-refresh" not in repr(tokens)


def test_token_set_prefers_authlibs_expires_at_and_tolerates_missing_extras():
    authlib_token = {"access_token": "a", "refresh_token": "r", "expires_in": 3600,
                     "expires_at": int((NOW + timedelta(minutes=59)).timestamp()),
                     "scope": ["openid", "email"]}

    tokens = oauth.token_set(authlib_token, now=NOW)

    assert tokens.expires_at == NOW + timedelta(minutes=59)
    assert tokens.refresh_expires_at is None and tokens.refresh_hard_expires_at is None
    assert tokens.scope == "openid email"


@pytest.mark.parametrize("token", [{"access_token": "a", "expires_in": 3600},
                                   {"access_token": "a", "refresh_token": "r"}])
def test_token_set_refuses_an_answer_it_cannot_use(token):
    with pytest.raises(VendorUnavailable):
        oauth.token_set(token)


def test_refresh_sends_what_intuit_expects(intuit):
    tokens = oauth.refresh(CLIENT, REFRESH_TOKEN, timeout=4.5)

    (request, kwargs), = intuit.sent
    assert request.url == const.TOKEN_URL and request.method == "POST"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(
        b"app-id:app-secret-123").decode()
    assert request.headers["x-include-refresh-token-hard-expires-in"] == "true"
    assert request.body == f"grant_type=refresh_token&refresh_token={REFRESH_TOKEN}"
    assert kwargs["timeout"] == 4.5
    assert (tokens.access_token, tokens.refresh_token) == ("new-access", "new-refresh")
    assert tokens.refresh_hard_expires_at is not None


@pytest.mark.parametrize(("status", "body", "headers", "expected"), [
    (400, {"error": "invalid_grant", "error_description": "Token invalid"}, {}, AuthError),
    (400, {"error": "invalid_grant",
           "error_description": "Incorrect or invalid refresh token"}, {}, AuthError),
    (401, {"error": "invalid_client"}, {}, Rejected),
    (503, "<html>Service Unavailable</html>", {"Content-Type": "text/html"}, VendorUnavailable),
    (500, {"error": "server_error"}, {}, VendorUnavailable),
    (429, {"error": "throttled"}, {"Retry-After": "30"}, RateLimited),
    (200, "<html>maintenance</html>", {"Content-Type": "text/html"}, VendorUnavailable),
    (403, "Forbidden", {"Content-Type": "text/plain"}, VendorUnavailable),
])
def test_refresh_failures_map_to_the_taxonomy(intuit, status, body, headers, expected):
    intuit.answer = (status, body, headers)

    with pytest.raises(expected) as caught:
        oauth.refresh(CLIENT, REFRESH_TOKEN, timeout=5.0)

    assert type(caught.value) is expected
    assert REFRESH_TOKEN not in str(caught.value) and "app-secret" not in str(caught.value)
    if expected is RateLimited:
        assert caught.value.retry_after == 30.0


def test_refresh_timeout_is_vendor_unavailable_and_tried_once(intuit):
    intuit.error = requests.ReadTimeout("read timed out")

    with pytest.raises(VendorUnavailable):
        oauth.refresh(CLIENT, REFRESH_TOKEN, timeout=5.0)

    assert len(intuit.sent) == 1


def test_revoke_sends_json_with_basic_auth(intuit):
    intuit.answer = (200, "", {})

    oauth.revoke(CLIENT, REFRESH_TOKEN, timeout=3.0)

    (request, kwargs), = intuit.sent
    assert request.url == const.REVOKE_URL
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"token": REFRESH_TOKEN}
    assert request.headers["Authorization"].startswith("Basic ")
    assert kwargs["timeout"] == 3.0


@pytest.mark.parametrize(("status", "error", "expected"), [
    (400, None, AuthError), (401, None, Rejected), (503, None, VendorUnavailable),
    (None, requests.ConnectionError("refused"), VendorUnavailable),
])
def test_revoke_failures_map_to_the_taxonomy(intuit, status, error, expected):
    intuit.answer, intuit.error = (status, {"error": "invalid_request"}, {}), error

    with pytest.raises(expected) as caught:
        oauth.revoke(CLIENT, REFRESH_TOKEN, timeout=3.0)

    assert REFRESH_TOKEN not in str(caught.value)
