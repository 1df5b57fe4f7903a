"""No gateway cassette may carry a credential: cassettes are committed and read by anyone.

The connector tier's leak check (tests/connectors/test_cassettes_clean.py) applied to every
cassette under tests/gateways, plus Stripe's own credential shapes and the sandbox platform's
published secrets (proof that scrubbing ran, since real ones would be scrubbed the same way).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import stripe._api_requestor as requestor
import yaml

import sandbox.stripe as stripe_sandbox
from tests.connectors.test_cassettes_clean import SECRET_HEADERS, leaks
from tests.gateways.conftest import explicit_idempotency_key, scrub_credentials

CASSETTES = sorted(Path(__file__).parent.glob("*/cassettes/**/*.yaml"))
STRIPE_PATTERNS = [
    re.compile(r"\b(?:sk|rk)_(?:live|test)_[\w*-]{4,}"),  # secret keys, masked ones too
    re.compile(r"\bpk_(?:live|test)_\w"),  # publishable keys: stored encrypted, so not here
    re.compile(r"\bac_(?!REDACTED)[\w-]{6,}"),  # authorization codes
    re.compile(r"\brt_(?!REDACTED)[\w-]{6,}"),  # refresh tokens
    re.compile(r"\bwhsec_\w+"),  # webhook signing secrets
]
SANDBOX_SECRETS = (stripe_sandbox.SANDBOX_STRIPE_SECRET_KEY,
                   stripe_sandbox.SANDBOX_STRIPE_WEBHOOK_SECRET)


def stripe_leaks(text: str) -> list[str]:
    found = [match.group(0)[:24] for pattern in STRIPE_PATTERNS for match in
             pattern.finditer(text)]
    return leaks(text) + found + [secret[:10] for secret in SANDBOX_SECRETS if secret in text]


def test_there_are_cassettes_to_check():
    assert CASSETTES, "no gateway cassettes found: the gateway tier would prove nothing"


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_cassette_carries_no_credentials(cassette):
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    headers = {name.lower() for item in interactions for name in item["request"]["headers"]}
    assert not headers & SECRET_HEADERS
    assert stripe_leaks(cassette.read_text()) == []


def test_the_leak_check_catches_stripe_credentials():
    dirty = [
        "client_secret=sk_test_RemitSandboxPlatformKeyNotSecret",
        '{"access_token": "sk_test_sandbox-at-Yh3nG0dY9xq8kM3wP2vL5sT1uE7r"}',
        '{"stripe_publishable_key": "pk_test_51Abc"}',
        "Authorization code does not exist: ac_sandbox-code-hydoeXYzfNyD6l88FYPOuVRT",
        "The provided key 'sk_live_********************1234' does not have access",
        '"refresh_token": "rt_sandbox-rt-0123456789abcdefghij"',
    ]
    assert all(stripe_leaks(text) for text in dirty)


def test_the_scrubber_removes_what_the_leak_check_looks_for():
    token = (b'{"access_token": "sk_test_sandbox-at-abcdefghijklmnopqrstuvwx", "scope": '
             b'"read_write", "refresh_token": "rt_sandbox-rt-abcdefghijklmnopqrstuvwx", '
             b'"stripe_publishable_key": "pk_test_sandbox-pk-abcdefghijklmnop", '
             b'"stripe_user_id": "acct_1RemitSandboxUS01"}')
    error = b'{"error": "invalid_grant", "error_description": "Authorization code does ' \
            b'not exist: ac_sandbox-code-hydoeXYzfNyD6l88FYPOuVRT"}'

    for body in (token, error):
        assert stripe_leaks(scrub_credentials(body).decode()) == []
    assert b"acct_1RemitSandboxUS01" in scrub_credentials(token)  # ids are not secrets


def test_only_the_sdks_random_idempotency_keys_are_dropped():
    """stripe-python's own key (random per POST) is noise; the caller's is part of the call."""
    random_key = requestor._generate_idempotency_key()
    assert explicit_idempotency_key("Idempotency-Key", random_key, None) is None
    assert explicit_idempotency_key("Idempotency-Key", "remit-checkout-1", None) == (
        "remit-checkout-1")
