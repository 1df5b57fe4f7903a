"""Connector tier: the real vendor SDKs making real HTTP calls, replayed from vcrpy cassettes.

Which server a test talks to depends on how pytest was started (README.md beside this file):
- replay (default, CI): `--record-mode=none`; the connector is pointed at Intuit's real
  sandbox host with a dummy token and vcrpy answers from the cassette.
- sandbox recording (`python -m tests.connectors.record`): QBO_RECORD_API_BASE names the local
  stand-in on loopback; requests are rewritten to Intuit's host before the cassette is saved.
- live recording (`-m live --record-mode=rewrite` with QBO_LIVE_ACCESS_TOKEN and
  QBO_LIVE_REALM_ID): Intuit's real sandbox company; its realm id is rewritten to ours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import pytest

import sandbox.quickbooks as qbo_sandbox
from connectors.quickbooks import QuickBooksConnector, const

REPLAY_TOKEN = "test-access-token"
RECORD_BASE_ENV = "QBO_RECORD_API_BASE"
LIVE_ENV = ("QBO_LIVE_ACCESS_TOKEN", "QBO_LIVE_REALM_ID")
US_REALM = qbo_sandbox.US_REALM
SINGLE_CURRENCY_REALM = qbo_sandbox.SINGLE_CURRENCY_REALM


@dataclass(frozen=True)
class QuickBooksTarget:
    """Where this run's QuickBooks calls go, and with which credentials."""

    mode: str  # "replay", "sandbox" or "live"
    api_base: str
    tokens: dict[str, str] = field(default_factory=dict)  # our realm -> token to send
    realms: dict[str, str] = field(default_factory=dict)  # our realm -> realm to call

    def connector(self, realm: str, token: str | None = None) -> QuickBooksConnector:
        """A connector for one of the seeded realms; `token` overrides the valid one."""
        access_token = token or self.tokens.get(realm, REPLAY_TOKEN)
        return QuickBooksConnector(self.realms.get(realm, realm), access_token,
                                   self.api_base, timeout=10.0)

    def force_next(self, answer: str) -> None:
        """Sandbox control for error cassettes; on replay the cassette already holds it.
        Live runs never get here: only tests marked `live` run live, and they force nothing."""
        if self.mode == "sandbox":
            qbo_sandbox.force_next(answer)


def pytest_collection_modifyitems(config, items) -> None:
    """Skip what cannot be recorded in this run before any fixture starts: with
    --record-mode=rewrite, pytest-recording deletes a test's cassette as the test begins."""
    mode = config.getoption("--record-mode") or "none"
    if mode == "none" or os.environ.get(RECORD_BASE_ENV):
        return
    missing = [name for name in LIVE_ENV if not os.environ.get(name)]
    here = Path(__file__).parent
    for item in items:
        if here not in item.path.parents or item.get_closest_marker("vcr") is None:
            continue
        if item.get_closest_marker("live") is None:
            reason = "needs sandbox controls: re-record it with python -m tests.connectors.record"
        elif missing:
            reason = "live recording needs " + ", ".join(missing)
        else:
            continue
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def qbo(record_mode) -> QuickBooksTarget:
    if record_mode == "none":
        return QuickBooksTarget("replay", const.SANDBOX_API_BASE)
    if os.environ.get(RECORD_BASE_ENV):
        tokens = {realm: token for token, realm in qbo_sandbox.SEED["access_tokens"].items()}
        return QuickBooksTarget("sandbox", os.environ[RECORD_BASE_ENV], tokens)
    token, realm = (os.environ[name] for name in LIVE_ENV)
    return QuickBooksTarget("live", const.SANDBOX_API_BASE, {US_REALM: token}, {US_REALM: realm})


def as_intuit_traffic(request):
    """Make a recorded request look like what was sent to Intuit: the loopback sandbox base
    becomes Intuit's sandbox host, and a live company's realm id becomes our seeded one."""
    record_base = os.environ.get(RECORD_BASE_ENV)
    if record_base and request.uri.startswith(record_base):
        request.uri = const.SANDBOX_API_BASE + request.uri[len(record_base):]
    live_realm = os.environ.get("QBO_LIVE_REALM_ID")
    if live_realm:
        request.uri = request.uri.replace(f"/company/{live_realm}/", f"/company/{US_REALM}/")
    return request


def as_vendor_response(response):
    """Drop what belongs to the local server rather than the vendor's contract: its banner,
    any cookies, and Werkzeug's upper-case reason phrases."""
    headers = response["headers"]
    for name in [name for name in headers if name.lower() in ("server", "set-cookie")]:
        del headers[name]
    response["status"]["message"] = HTTPStatus(response["status"]["code"]).phrase
    return response


@pytest.fixture
def vcr_config() -> dict:
    return {
        "filter_headers": ["authorization", "cookie"],
        # Host and scheme too: a replay must go to Intuit's real host, as production would.
        "match_on": ["method", "scheme", "host", "path", "query", "body"],
        "decode_compressed_response": True,
        "before_record_request": as_intuit_traffic,
        "before_record_response": as_vendor_response,
    }
