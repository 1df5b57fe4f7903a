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

import sandbox.quickbooks as qbo_sandbox

CASSETTES = sorted(Path(__file__).parent.glob("*/cassettes/**/*.yaml"))
SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
LEAK_PATTERNS = [
    re.compile(r"bearer\s+[\w.~+/=-]{8,}", re.IGNORECASE),
    re.compile(r"basic\s+[a-z0-9+/=]{12,}", re.IGNORECASE),
    # a token-ish key followed by a value; scrubbers write "[REDACTED]", which is allowed
    re.compile(r"\b(refresh_token|access_token|client_secret|id_token)\b\W{1,4}"
               r"(?!redacted|filtered)[\w.~+/=-]{6,}", re.IGNORECASE),
    re.compile(r"\b(?:sk|rk)_(?:live|test)_\w{8,}"),  # Stripe secret/restricted keys
]


def known_secrets() -> list[str]:
    """Token values that exist in this environment: the sandbox's and any live ones."""
    values = list(qbo_sandbox.SEED["access_tokens"])
    live = os.environ.get("QBO_LIVE_ACCESS_TOKEN", "")
    return [*values, live] if len(live) >= 8 else values  # a stub like "x" is no secret


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
    dirty = [
        "Authorization: Bearer eyJlbmMiOiJBMTI4Q0JDLUhTMjU2",
        '{"refresh_token": "RT1-39-H3-1785429816rcysb9dns1ofreknypnm"}',
        "grant_type=refresh_token&refresh_token=RT1-39-H3-17854",
        "client_secret=abcdef123456",
        f"echoed {known_secrets()[0]}",
    ]
    assert all(leaks(text) for text in dirty)
    assert leaks('{"access_token": "[REDACTED]", "refresh_token": null}') == []
