"""Xero connector tier: the `xero` fixture (where this run's Xero calls go, with which tokens)
and Xero's additions to the shared vcr config. Modes are explained in ../conftest.py.

- replay: connectors use Xero's real URLs with dummy tokens; vcrpy answers.
- sandbox: tokens come from the stand-in (sandbox.xero.grant_tokens, no HTTP, so cassettes
  start at the API) and its controls force the failures.
- live (`-m live --record-mode=rewrite`, XERO_LIVE_ACCESS_TOKEN and XERO_LIVE_TENANT_ID): a
  real organisation; its tenant id is rewritten to the seeded UK one in what is recorded.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import sandbox.xero as xero_sandbox
from connectors.base import OAuthClient, TokenSet
from connectors.xero import XeroConnections, XeroConnector, oauth
from connectors.xero.const import API_BASE, REVOKE_URL, SCOPES, TOKEN_URL
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from tests.connectors.conftest import (
    MemoryTokenKeeper,
    as_vendor_request,
    as_vendor_response,
    run_mode,
    skip_unrecordable,
    vendor_url,
)

UK_ORG, FR_ORG = xero_sandbox.UK_ORG, xero_sandbox.FR_ORG
LIVE_ENV = ("XERO_LIVE_ACCESS_TOKEN", "XERO_LIVE_TENANT_ID")
TIMEOUT = 10.0


def pytest_collection_modifyitems(config, items) -> None:
    skip_unrecordable(config, items, Path(__file__).parent, LIVE_ENV)


@dataclass
class XeroTarget:
    """Where this run's Xero calls go; one grant (keeper) for both seeded organisations."""

    mode: str  # "replay", "sandbox" or "live"
    keeper: MemoryTokenKeeper
    client: OAuthClient
    tenants: dict[str, str] = field(default_factory=dict)  # seeded tenant -> tenant to call

    def connector(self, tenant: str = UK_ORG, base_currency: str | None = None) -> XeroConnector:
        return XeroConnector(self.tenants.get(tenant, tenant), self.keeper, self.client,
                             vendor_url(API_BASE), TIMEOUT, base_currency)

    def connections(self) -> XeroConnections:
        return XeroConnections(self.keeper, self.client, vendor_url(API_BASE), TIMEOUT)

    def expiring_soon(self) -> None:
        """Make the keeper believe the access token expires within the refresh-ahead window
        (the server still takes it: only Remit's own clock says "refresh now")."""
        tokens = self.keeper.tokens
        self.keeper.tokens = TokenSet(tokens.access_token, tokens.refresh_token,
                                      datetime.now(UTC) + timedelta(seconds=60),
                                      tokens.refresh_expires_at, scope=tokens.scope)

    # Sandbox controls for error cassettes; on replay the cassette already holds their effect.
    def force_next(self, answer: str, after: int = 0) -> None:
        if self.mode == "sandbox":
            xero_sandbox.force_next(answer, after)

    def add_bank_account(self, name: str, currency: str, code: str) -> str:
        """The new account's id: made in the sandbox, already in the cassette on replay (the
        id is derived from the name, the same in both)."""
        if self.mode == "sandbox":
            return xero_sandbox.add_bank_account(UK_ORG, name, currency, code)
        return str(uuid.uuid5(uuid.UUID(UK_ORG), f"bank {name}"))

    def expire_access_tokens(self) -> None:
        if self.mode == "sandbox":
            xero_sandbox.expire_access_tokens()

    def revoke_grants(self) -> None:
        if self.mode == "sandbox":
            xero_sandbox.revoke_grants()


@pytest.fixture
def xero(record_mode) -> XeroTarget:
    mode = run_mode(record_mode)
    if mode == "sandbox":
        granted = xero_sandbox.grant_tokens(SCOPES, [UK_ORG, FR_ORG])
        client = OAuthClient(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, vendor_url(TOKEN_URL),
                             vendor_url(REVOKE_URL))
        return XeroTarget(mode, MemoryTokenKeeper(oauth.token_set(granted)), client)
    client = OAuthClient("replay-client-id", "replay-client-secret", TOKEN_URL, REVOKE_URL)
    access = os.environ["XERO_LIVE_ACCESS_TOKEN"] if mode == "live" else "replay-access-token"
    tokens = TokenSet(access, "replay-refresh-token", datetime.now(UTC) + timedelta(hours=1),
                      scope=SCOPES)
    tenants = {UK_ORG: os.environ["XERO_LIVE_TENANT_ID"]} if mode == "live" else {}
    return XeroTarget(mode, MemoryTokenKeeper(tokens), client, tenants)


def as_xero_request(request):
    """The shared rewrite to Xero's real hosts, plus a live tenant id made the seeded one."""
    request = as_vendor_request(request)
    live_tenant = os.environ.get("XERO_LIVE_TENANT_ID")
    if live_tenant and request.headers.get("xero-tenant-id") == live_tenant:
        request.headers["xero-tenant-id"] = UK_ORG
    return request


def as_xero_response(response):
    response = as_vendor_response(response)
    live_tenant = os.environ.get("XERO_LIVE_TENANT_ID")
    body = response["body"]["string"]
    if live_tenant and isinstance(body, bytes):
        response["body"]["string"] = body.replace(live_tenant.encode(), UK_ORG.encode())
    return response


@pytest.fixture
def vcr_config(vcr_config) -> dict:
    return {**vcr_config, "before_record_request": as_xero_request,
            "before_record_response": as_xero_response}


def requests_made(cassette) -> int:
    """HTTP requests this test made: replayed ones on replay, recorded ones when recording."""
    return cassette.play_count if cassette.record_mode == "none" else len(cassette.data)


def body(cassette, index: int) -> dict:
    """The JSON body of the cassette's request `index`."""
    return json.loads(cassette.requests[index].body)


def answer(cassette, index: int) -> dict:
    """The JSON body Xero (the stand-in) answered to request `index`."""
    return json.loads(cassette.responses[index]["body"]["string"])
