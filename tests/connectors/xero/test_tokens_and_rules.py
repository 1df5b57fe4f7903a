"""Token handling (oauth.py, session.py) against a loopback token endpoint scripted per test,
and the pure parts: account rules and transformers."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from enum import Enum
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from connectors.base import (
    AuthError,
    ConnectorError,
    LedgerAccount,
    OAuthClient,
    RateLimited,
    Rejected,
    TokenSet,
    VendorUnavailable,
)
from connectors.xero import RULES, oauth, transformers
from connectors.xero.client import AccessTokenRejected
from connectors.xero.session import TokenSession
from tests.connectors.conftest import MemoryTokenKeeper


@pytest.fixture
def token_endpoint():
    """A loopback token endpoint: answers `script["answer"]`, keeps what it was sent."""
    script: dict = {"answer": Response("{}", 200), "seen": []}

    @Request.application
    def app(request):
        script["seen"].append((request.path, request.headers.get("Authorization"),
                               request.form.to_dict()))
        return script["answer"]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    script["client"] = OAuthClient("app-id", "app-secret", base + "/token", base + "/revoke")
    yield script
    server.shutdown()


def json_answer(text: str, status: int = 200, **headers) -> Response:
    return Response(text, status, headers, content_type="application/json")


def test_refresh_uses_basic_auth_and_returns_the_rotated_tokens(token_endpoint):
    token_endpoint["answer"] = json_answer(
        '{"id_token":"i","access_token":"new-at","expires_in":1800,"token_type":"Bearer",'
        '"refresh_token":"new-rt","scope":"openid offline_access accounting.settings.read"}')

    tokens = oauth.refresh(token_endpoint["client"], "old-rt", timeout=5)

    path, authorization, form = token_endpoint["seen"][0]
    assert authorization == "Basic " + base64.b64encode(b"app-id:app-secret").decode()
    assert (path, form) == ("/token", {"grant_type": "refresh_token", "refresh_token": "old-rt"})
    assert (tokens.access_token, tokens.refresh_token) == ("new-at", "new-rt")
    assert timedelta(minutes=29) < tokens.expires_at - datetime.now(UTC) <= timedelta(minutes=30)
    assert tokens.refresh_expires_at - datetime.now(UTC) > timedelta(days=59)


@pytest.mark.parametrize(("answer", "expected"), [
    (json_answer('{"error":"invalid_grant"}', 400), AuthError),
    (json_answer('{"error":"invalid_client"}', 400), Rejected),  # our config, not a reconnect
    (Response("<html>Service Unavailable</html>", 503), VendorUnavailable),
    (Response("slow down", 429, {"Retry-After": "30"}), RateLimited),
])
def test_refresh_failures(token_endpoint, answer, expected):
    token_endpoint["answer"] = answer

    with pytest.raises(expected) as caught:
        oauth.refresh(token_endpoint["client"], "old-rt", timeout=5)

    assert type(caught.value) is expected and "old-rt" not in str(caught.value)


def test_refresh_without_an_answer_is_vendor_unavailable():
    closed = OAuthClient("app-id", "app-secret", "http://127.0.0.1:9/token", "http://127.0.0.1:9/")

    with pytest.raises(VendorUnavailable):
        oauth.refresh(closed, "old-rt", timeout=2)


def test_revoke_posts_the_refresh_token_and_reports_refusals(token_endpoint):
    token_endpoint["answer"] = Response("", 200)
    oauth.revoke(token_endpoint["client"], "rt-to-end", timeout=5)
    token_endpoint["answer"] = json_answer('{"error":"invalid_client"}', 400)

    with pytest.raises(Rejected):
        oauth.revoke(token_endpoint["client"], "rt-to-end", timeout=5)
    path, authorization, form = token_endpoint["seen"][0]
    assert (path, form["token"], authorization.startswith("Basic ")) == (
        "/revoke", "rt-to-end", True)


def test_token_set_reads_authlib_dicts():
    expires_at = int(datetime.now(UTC).timestamp()) + 1800
    tokens = oauth.token_set({"access_token": "at-value", "refresh_token": "rt-value",
                              "expires_at": expires_at, "scope": ["openid", "offline_access"],
                              "userinfo": {"sub": "x"}})  # Authlib's extras are ignored

    assert tokens.expires_at == datetime.fromtimestamp(expires_at, UTC)
    assert tokens.scope == "openid offline_access"
    assert "at-value" not in repr(tokens) and "rt-value" not in repr(tokens)
    with pytest.raises(AuthError, match="offline_access"):
        oauth.token_set({"access_token": "a", "expires_in": 1800, "scope": "openid"})


def keeper(expires_in: timedelta = timedelta(hours=1)) -> MemoryTokenKeeper:
    return MemoryTokenKeeper(TokenSet("at-1", "rt-1", datetime.now(UTC) + expires_in))


def test_a_second_401_after_refreshing_is_not_retried_again(monkeypatch):
    tokens, calls = keeper(), []
    monkeypatch.setattr(oauth, "refresh", lambda client, rt, timeout: TokenSet(
        "at-2", "rt-2", datetime.now(UTC) + timedelta(minutes=30)))

    def rejected(access_token):
        calls.append(access_token)
        raise AccessTokenRejected("HTTP 401")

    with pytest.raises(AuthError):
        TokenSession(tokens, OAuthClient("i", "s", "t", "r"), 5).run(rejected)

    assert calls == ["at-1", "at-2"] and tokens.rotations == 1


def test_other_auth_errors_do_not_refresh():
    tokens = keeper()

    def forbidden(access_token):
        raise AuthError("HTTP 403")

    with pytest.raises(AuthError):
        TokenSession(tokens, OAuthClient("i", "s", "t", "r"), 5).run(forbidden)
    assert tokens.rotations == 0


def account(**changes) -> LedgerAccount:
    fields = {"id": "1", "name": "Bank", "account_type": "BANK", "account_subtype": "BANK",
              "currency": "GBP", "active": True, "payments_enabled": False,
              "system_account": None}
    return LedgerAccount(**{**fields, **changes})


@pytest.mark.parametrize(("candidate", "currency", "deposit"), [
    (account(), "GBP", True),
    (account(), "EUR", False),
    (account(active=False), "GBP", False),
    (account(account_type="CURRENT", payments_enabled=True), "GBP", True),
    (account(account_type="CURRENT", payments_enabled=True), "USD", False),
    (account(account_type="CURRENT"), "GBP", False),
])
def test_deposit_rule(candidate, currency, deposit):
    assert RULES.is_deposit(candidate, currency) is deposit


def test_receivable_rule_is_the_active_debtors_account_for_any_currency():
    debtors = account(account_type="CURRENT", system_account="DEBTORS")

    assert RULES.is_receivable(debtors, "JPY")
    assert not RULES.is_receivable(account(system_account="CREDITORS"), "GBP")
    assert not RULES.is_receivable(account(system_account="DEBTORS", active=False), "GBP")


class Kind(Enum):  # xero-python hands some fields over as enums
    BANK = "BANK"
    CURRENT = "CURRENT"
    EUR = "EUR"


def test_transformers_price_only_bank_accounts_in_their_own_currency():
    bank = SimpleNamespace(account_id="b", name="Euro", type=Kind.BANK, status="ACTIVE",
                           currency_code=Kind.EUR, bank_account_type="NONE")
    clearing = SimpleNamespace(account_id="c", name="Clearing", type=Kind.CURRENT,
                               status="ARCHIVED", currency_code=None,
                               enable_payments_to_account=True, system_account="")

    assert transformers.ledger_account(bank, "GBP") == account(
        id="b", name="Euro", currency="EUR", account_subtype=None)
    assert transformers.ledger_account(clearing, "GBP") == account(
        id="c", name="Clearing", account_type="CURRENT", account_subtype=None, active=False,
        payments_enabled=True)
    with pytest.raises(ConnectorError):
        transformers.base_currency(SimpleNamespace(base_currency=None))
