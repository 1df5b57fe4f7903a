"""Connector tier, shared by every vendor: the real SDKs making real HTTP calls, replayed from
vcrpy cassettes. Vendor specifics live in <vendor>/conftest.py.

Which server a test talks to depends on how pytest was started (README.md beside this file):
- replay (default, CI): `--record-mode=none`; connectors use the vendors' real URLs and vcrpy
  answers from the cassette.
- sandbox recording (`python -m tests.connectors.record`): SANDBOX_ROOT_ENV names the whole
  sandbox app on loopback; `vendor_url()` moves each real URL onto it, and recorded requests are
  moved back (`sandbox.hosts.to_real`) before the cassette is saved. Each test starts from the
  sandbox's seed.
- live recording (`-m live --record-mode=rewrite`): the real vendor; each vendor's conftest
  names the environment variables it needs (`skip_unrecordable`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

import pytest

import sandbox
from connectors.base import AuthError, TokenSet
from sandbox.hosts import to_real, to_sandbox

SANDBOX_ROOT_ENV = "REMIT_RECORD_SANDBOX_ROOT"
REDACTED = "REDACTED"  # what every secret in a cassette becomes
# Request parameters (form or JSON) that carry a credential: codes, tokens, client secrets.
SECRET_PARAMETERS = ("code", "code_verifier", "client_secret", "refresh_token", "token")
# Token-endpoint response fields that carry one.
SECRET_FIELDS = ("access_token", "refresh_token", "id_token")


def sandbox_root() -> str | None:
    """The loopback sandbox this run records from, or None (replay or live)."""
    return os.environ.get(SANDBOX_ROOT_ENV) or None


def run_mode(record_mode: str) -> str:
    """"replay", "sandbox" or "live": where this run's requests go."""
    if record_mode == "none":
        return "replay"
    return "sandbox" if sandbox_root() else "live"


def vendor_url(real_url: str) -> str:
    """Where a vendor's real URL is reached in this run: its sandbox stand-in when recording
    from the sandbox; otherwise the real URL (vcrpy answers replays, live runs reach it)."""
    root = sandbox_root()
    return to_sandbox(real_url, root) if root else real_url


def skip_unrecordable(config, items, folder: Path, live_env: tuple[str, ...]) -> None:
    """Call from a vendor conftest's pytest_collection_modifyitems. With --record-mode=rewrite,
    pytest-recording deletes a test's cassette as the test begins, so skip up front what this
    run cannot record: sandbox-only tests in a live run, live tests without credentials."""
    if (config.getoption("--record-mode") or "none") == "none" or sandbox_root():
        return
    missing = [name for name in live_env if not os.environ.get(name)]
    for item in items:
        if folder not in item.path.parents or item.get_closest_marker("vcr") is None:
            continue
        if item.get_closest_marker("live") is None:
            reason = "needs sandbox controls: re-record it with python -m tests.connectors.record"
        elif missing:
            reason = "live recording needs " + ", ".join(missing)
        else:
            continue
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _sandbox_from_its_seed():
    """Recording from the sandbox: every test starts from the seed data, with no grants."""
    if sandbox_root():
        sandbox.reset()


class MemoryTokenKeeper:
    """The add-on's token storage, in memory (a test double for connectors.base.TokenKeeper):
    single-flight as the protocol says, counting rotations for assertions."""

    def __init__(self, tokens: TokenSet) -> None:
        self.tokens = tokens
        self.rotations = 0
        self.needs_reconnect = False

    def current(self) -> TokenSet:
        return self.tokens

    def rotate(self, stale: TokenSet, exchange: Callable[[str], TokenSet]) -> TokenSet:
        if self.tokens.refresh_token != stale.refresh_token:
            return self.tokens
        try:
            fresh = exchange(self.tokens.refresh_token)
        except AuthError:
            self.needs_reconnect = True
            raise
        self.tokens, self.rotations = fresh, self.rotations + 1
        return fresh


def as_vendor_request(request):
    """A request sent to the loopback sandbox, rewritten to the vendor's real URL."""
    root = sandbox_root()
    if root:
        request.uri = to_real(request.uri, root)
    return request


def as_vendor_response(response):
    """Drop what belongs to the local server rather than the vendor's contract (its banner,
    cookies, Werkzeug's upper-case reason phrases) and scrub token-endpoint secrets."""
    headers = response["headers"]
    for name in [name for name in headers if name.lower() in ("server", "set-cookie")]:
        del headers[name]
    response["status"]["message"] = HTTPStatus(response["status"]["code"]).phrase
    scrubbed = scrub_token_fields(response["body"]["string"])
    if scrubbed is not None:
        response["body"]["string"] = scrubbed
        for name in [name for name in headers if name.lower() == "content-length"]:
            headers[name] = [str(len(scrubbed))]
    return response


def scrub_token_fields(body: bytes | str) -> bytes | None:
    """A token response with its access/refresh/id tokens replaced by REDACTED; None when the
    body holds none of them (then it is recorded as it came)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not set(SECRET_FIELDS) & set(data):
        return None
    scrubbed = {key: REDACTED if key in SECRET_FIELDS else value for key, value in data.items()}
    return json.dumps(scrubbed).encode()


@pytest.fixture
def vcr_config() -> dict:
    """Vendors extend it in their conftest (`def vcr_config(vcr_config): ...`)."""
    return {
        "filter_headers": ["authorization", "cookie"],
        "filter_post_data_parameters": [(name, REDACTED) for name in SECRET_PARAMETERS],
        # Host and scheme too: a replay must go to the vendor's real host, as production would.
        "match_on": ["method", "scheme", "host", "path", "query", "body"],
        "decode_compressed_response": True,
        "before_record_request": as_vendor_request,
        "before_record_response": as_vendor_response,
    }
