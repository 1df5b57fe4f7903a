"""Driving the Intuit stand-in through the Flask test client, as Authlib and
python-quickbooks would over HTTP: shared by the sandbox's QuickBooks tests."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

import sandbox
import sandbox.quickbooks as qbo
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

ROOT = "http://sandbox.test:8123/sandbox"  # any root: the stand-in derives its URLs from it
AUTHORIZE = "/quickbooks/appcenter/connect/oauth2"
TOKEN = "/quickbooks/oauth/oauth2/v1/tokens/bearer"
REVOKE = "/quickbooks/developer/v2/oauth2/tokens/revoke"
USERINFO = "/quickbooks/accounts/v1/openid_connect/userinfo"
DISCOVERY = "/quickbooks/developer/.well-known/openid_sandbox_configuration"
API = f"/quickbooks/api/v3/company/{qbo.US_REALM}"
CALLBACK = "https://remit.test/auth/quickbooks/callback"
BASIC = {"Authorization": "Basic " + base64.b64encode(
    f"{SANDBOX_CLIENT_ID}:{SANDBOX_CLIENT_SECRET}".encode()).decode()}
SCOPE = "com.intuit.quickbooks.accounting openid profile email"


def seeded_client() -> Iterator[FlaskClient]:
    """For a `web` fixture: a client of the whole sandbox app, starting from the seed; the seed
    is put back afterwards."""
    qbo.reset()
    yield sandbox.create_app().test_client()
    qbo.reset()


def authorize_query(**overrides: str) -> str:
    params = {"client_id": SANDBOX_CLIENT_ID, "response_type": "code", "scope": SCOPE,
              "redirect_uri": CALLBACK, "state": "state-1", "nonce": "nonce-1", **overrides}
    return "&".join(f"{key}={value}" for key, value in params.items())


def approve(web, realm: str = qbo.US_REALM, **overrides: str) -> dict[str, str]:
    """The user approves on the authorize page; the callback's query parameters."""
    answer = web.post(f"{AUTHORIZE}?{authorize_query(**overrides)}",
                      data={"decision": "approve", "realm": realm})
    assert answer.status_code == 302
    return {key: values[0] for key, values in parse_qs(urlsplit(answer.location).query).items()}


def exchange(web, code: str, redirect_uri: str = CALLBACK, **headers: str):
    return web.post(TOKEN, data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": redirect_uri}, headers={**BASIC, **headers})


def refresh(web, refresh_token: str):
    return web.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                    headers=BASIC)


def query(web, text: str, access_token: str, realm: str = qbo.US_REALM):
    return web.post(f"/quickbooks/api/v3/company/{realm}/query?minorversion=75", data=text,
                    headers={"Authorization": f"Bearer {access_token}",
                             "Content-Type": "application/text"})


def rows(answer, entity: str = "Account") -> list[dict]:
    return answer.get_json()["QueryResponse"].get(entity, [])
