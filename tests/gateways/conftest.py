"""Gateway tier, shared by every payment gateway: the real SDKs (stripe-python, Authlib) making
real HTTP calls, replayed from vcrpy cassettes. It follows the connector tier's modes and
helpers (tests/connectors/conftest.py: replay, sandbox recording, live) with a gateway's own
vcr config; README.md beside this file says how to re-record.
"""

from __future__ import annotations

import json
import re

import pytest

import sandbox
from sandbox.hosts import HOSTS
from tests.connectors.conftest import (
    REDACTED,
    SECRET_FIELDS,
    SECRET_PARAMETERS,
    as_vendor_request,
    as_vendor_response,
    sandbox_root,
)

# Request headers that are noise or identify the machine, not the call: the SDK's User-Agent
# pair (Python version, an AI-agent marker when one is detected in the environment). Never
# matched on anyway.
NOISE_HEADERS = ["user-agent", "x-stripe-client-user-agent"]
# stripe-python's own Idempotency-Key, random per POST (`_generate_idempotency_key`): noise. A
# key Remit chose is part of the call (a retry must resend it), so it is kept.
SDK_IDEMPOTENCY_KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Answer fields that are credentials, beyond the shared ones.
CREDENTIAL_FIELDS = (*SECRET_FIELDS, "stripe_publishable_key")
# Codes, keys and tokens echoed inside a text (`Authorization code does not exist: ac_…`).
ECHOED_CREDENTIAL = re.compile(r"\b(ac|sk|rk|rt|pk)_(?!REDACTED)[\w*-]+")


@pytest.fixture(autouse=True)
def _sandbox_from_its_seed():
    """Recording from the sandbox: every test starts from the seed data, with no grants."""
    if sandbox_root():
        sandbox.reset()


def explicit_idempotency_key(key, value, request):
    """vcrpy header filter: keep a caller's Idempotency-Key, drop the SDK's random one."""
    return None if SDK_IDEMPOTENCY_KEY.fullmatch(value or "") else value


def as_gateway_response(response):
    """The shared clean-up (server headers, reason phrases, token fields), then every other
    credential in the body (the publishable key, codes or keys echoed in messages), and sandbox
    URLs in the body (a Checkout Session's page) back to the gateway's real hosts."""
    response = as_vendor_response(response)
    body = response["body"]["string"]
    scrubbed = real_hosts_in(scrub_credentials(body))
    if scrubbed != body:
        response["body"]["string"] = scrubbed
        headers = response["headers"]
        for name in [name for name in headers if name.lower() == "content-length"]:
            headers[name] = [str(len(scrubbed))]
    return response


def scrub_credentials(body: bytes) -> bytes:
    try:
        text = body.decode()
    except (UnicodeDecodeError, AttributeError):
        return body
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and set(CREDENTIAL_FIELDS) & set(data):
        text = json.dumps({key: REDACTED if key in CREDENTIAL_FIELDS and value else value
                           for key, value in data.items()}, indent=2) + "\n"
    return ECHOED_CREDENTIAL.sub(lambda match: f"{match.group(1)}_{REDACTED}", text).encode()


def real_hosts_in(body: bytes) -> bytes:
    """`<sandbox root>/stripe/checkout/c/pay/cs_…` → `https://checkout.stripe.com/c/pay/cs_…`,
    as the vendor would have written it; unchanged outside a sandbox recording."""
    root = sandbox_root()
    if not root or not isinstance(body, bytes):
        return body
    for origin, prefix in HOSTS.items():
        body = body.replace((root.rstrip("/") + prefix).encode(), origin.encode())
    return body


@pytest.fixture
def vcr_config() -> dict:
    """Gateways extend it in their conftest (`def vcr_config(vcr_config): ...`)."""
    return {
        "filter_headers": ["authorization", "cookie", *NOISE_HEADERS,
                           ("idempotency-key", explicit_idempotency_key)],
        "filter_post_data_parameters": [(name, REDACTED) for name in SECRET_PARAMETERS],
        # Host and scheme too: a replay must go to the gateway's real host, as production would.
        # Never headers: the SDK's Idempotency-Key is random per request (reference §5.3).
        "match_on": ["method", "scheme", "host", "path", "query", "body"],
        "decode_compressed_response": True,
        "before_record_request": as_vendor_request,
        "before_record_response": as_gateway_response,
    }


def requests_made(cassette) -> int:
    """HTTP requests this test made: replayed ones on replay, recorded ones when recording."""
    return cassette.play_count if cassette.record_mode == "none" else len(cassette.data)
