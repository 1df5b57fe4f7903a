"""The Intuit stand-in's OAuth 2.0 / OpenID Connect behaviours Remit relies on, through the
Flask test client: Authlib-verifiable id_tokens, single-use codes bound to their redirect URI,
rotation with a grace period, expiry, revocation, Deny, and Intuit's error bodies."""

from __future__ import annotations

import base64

import pytest
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

import sandbox.quickbooks as qbo
from sandbox.hosts import to_real
from sandbox.oauth import SANDBOX_CLIENT_ID
from sandbox.quickbooks_oauth import REAL
from tests.sandbox.quickbooks_client import (
    API,
    AUTHORIZE,
    BASIC,
    CALLBACK,
    DISCOVERY,
    REVOKE,
    ROOT,
    TOKEN,
    USERINFO,
    approve,
    authorize_query,
    exchange,
    refresh,
    seeded_client,
)


@pytest.fixture
def web():
    yield from seeded_client()


# -- OAuth / OpenID Connect ------------------------------------------------------------------
def test_discovery_points_every_endpoint_at_the_root_it_was_reached_on(web):
    document = web.get(DISCOVERY, base_url=ROOT).get_json()

    assert document["issuer"] == f"{ROOT}/quickbooks/oauth/op/v1"
    for name, real in REAL.items():
        assert to_real(document[name], ROOT) == real


def test_authorize_page_shows_who_and_which_companies(web):
    page = web.get(f"{AUTHORIZE}?{authorize_query()}").get_data(as_text=True)

    assert "Sandbox Owner" in page and "owner@example.com" in page
    assert 'for="realm-9341453050298431"' in page and "Remit Sandbox Company US" in page
    assert ">Approve</button>" in page and ">Deny</button>" in page


def test_unknown_client_gets_an_error_page_and_no_redirect(web):
    answer = web.get(f"{AUTHORIZE}?{authorize_query(client_id='someone-else')}")

    assert answer.status_code == 400 and answer.location is None
    assert "unknown client_id" in answer.get_data(as_text=True)


def test_deny_redirects_back_with_access_denied(web):
    answer = web.post(f"{AUTHORIZE}?{authorize_query()}", data={"decision": "deny"})

    assert answer.location == f"{CALLBACK}?error=access_denied&state=state-1"


def test_approve_returns_a_code_for_the_chosen_company(web):
    callback = approve(web, qbo.SINGLE_CURRENCY_REALM)
    signed_in_only = approve(web, scope="openid email")

    assert callback["state"] == "state-1"
    assert callback["realmId"] == qbo.SINGLE_CURRENCY_REALM
    assert callback["code"].startswith("qbo-sandbox-code-")
    assert "realmId" not in signed_in_only  # no accounting scope, no company data


def test_code_exchange_gives_intuits_tokens_and_a_verifiable_id_token(web):
    tokens = exchange(web, approve(web)["code"]).get_json()
    issuer = web.get(DISCOVERY).get_json()["issuer"]
    keys = KeySet.import_key_set(web.get("/quickbooks/oauth/op/v1/jwks").get_json())

    claims = CodeIDToken(jwt.decode(tokens["id_token"], keys).claims, None,
                         {"iss": {"values": [issuer]}},
                         {"nonce": "nonce-1", "client_id": SANDBOX_CLIENT_ID})
    claims.validate()
    assert claims["realmid"] == qbo.US_REALM
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    assert tokens["x_refresh_token_expires_in"] == 8726400
    assert "x_refresh_token_hard_expires_in" not in tokens  # only when asked for
    assert not tokens["access_token"].startswith("eyJ")


def test_a_code_works_once_and_only_for_its_redirect_uri(web):
    first, second = approve(web)["code"], approve(web)["code"]

    assert exchange(web, first).status_code == 200
    assert exchange(web, first).get_json()["error"] == "invalid_grant"
    assert exchange(web, second, "https://elsewhere.test/cb").status_code == 400
    assert exchange(web, second).status_code == 400  # a failed exchange burns the code too


def test_bad_client_and_unknown_grant_type(web):
    wrong = {"Authorization": "Basic " + base64.b64encode(b"remit-sandbox-client:no").decode()}

    refused = web.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": "x"},
                       headers=wrong)
    unknown = web.post(TOKEN, data={"grant_type": "password"}, headers=BASIC)

    assert (refused.status_code, refused.get_json()) == (401, {"error": "invalid_client"})
    assert unknown.get_json() == {"error": "unsupported_grant_type"}


def test_refresh_rotates_and_the_old_token_dies_after_the_grace_period(web, monkeypatch):
    old = qbo.issue_tokens(qbo.US_REALM)["refresh_token"]
    now = qbo.SERVER.clock()
    rotated = refresh(web, old).get_json()

    assert rotated["refresh_token"] != old
    assert refresh(web, old).status_code == 200  # still inside Intuit's 24 h
    monkeypatch.setattr(qbo.SERVER, "clock", lambda: now + 24 * 3600 + 1)
    dead = refresh(web, old)
    assert (dead.status_code, dead.get_json()) == (
        400, {"error": "invalid_grant", "error_description": "Token invalid"})
    assert dead.headers["intuit_tid"]
    assert refresh(web, rotated["refresh_token"]).status_code == 200


def test_the_grace_period_is_configurable(web):
    qbo.SERVER.rotation_grace = 0
    old = qbo.issue_tokens(qbo.US_REALM)["refresh_token"]

    assert refresh(web, old).status_code == 200
    assert refresh(web, old).status_code == 400


def test_access_tokens_expire_and_the_control_expires_them_at_once(web, monkeypatch):
    tokens = qbo.issue_tokens(qbo.US_REALM)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert web.get(f"{API}/preferences", headers=bearer).status_code == 200

    web.post("/quickbooks/sandbox/expire-access-tokens", json={})
    assert web.get(f"{API}/preferences", headers=bearer).status_code == 401
    fresh = refresh(web, tokens["refresh_token"]).get_json()["access_token"]
    assert web.get(f"{API}/preferences",
                   headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    later = qbo.SERVER.clock() + 3600
    monkeypatch.setattr(qbo.SERVER, "clock", lambda: later)
    assert web.get(f"{API}/preferences",
                   headers={"Authorization": f"Bearer {fresh}"}).status_code == 401


def test_revoke_ends_the_grant(web):
    tokens = qbo.issue_tokens(qbo.US_REALM)

    unauthenticated = web.post(REVOKE, json={"token": tokens["refresh_token"]})
    revoked = web.post(REVOKE, json={"token": tokens["refresh_token"]}, headers=BASIC)

    assert unauthenticated.status_code == 401 and revoked.status_code == 200
    assert refresh(web, tokens["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert web.get(f"{API}/preferences", headers={
        "Authorization": f"Bearer {tokens['access_token']}"}).status_code == 401


def test_the_revoke_control_disconnects_everyone(web):
    tokens = qbo.issue_tokens(qbo.SINGLE_CURRENCY_REALM)

    web.post("/quickbooks/sandbox/revoke-grants", json={})

    assert refresh(web, tokens["refresh_token"]).status_code == 400


def test_userinfo_in_intuits_camel_case(web):
    tokens = exchange(web, approve(web)["code"]).get_json()

    info = web.get(USERINFO, headers={"Authorization": f"Bearer {tokens['access_token']}"})

    assert info.get_json() == {"sub": "7d1c6f52-3e0b-4b8e-9a51-5a2d0c1e9f3a",
                               "email": "owner@example.com", "emailVerified": True,
                               "givenName": "Sandbox", "familyName": "Owner"}
    assert web.get(USERINFO).status_code == 401
