"""The OAuth redirect URIs Remit hands out come from REMIT_BASE_URL: a forged Host header (or a
TLS proxy's scheme) changes none of them, and the sign-in still completes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from addon.extensions import db
from addon.models import Gateway, User
from tests.app.oauth_flow import CONSENT_BUTTONS
from tests.app.stripe_flow import SIGN_IN
from tests.browserless import press

FORGED = "https://evil.example"  # what a client (or a proxy in front of gunicorn) claims


def redirect_uri(location: str) -> str:
    return parse_qs(urlsplit(location).query)["redirect_uri"][0]


def callback_path(authorize_url: str, button: str) -> str:
    """Answer the stand-in's consent page; the path and query it sends the browser back to."""
    answer = press(requests.Session(), authorize_url, button)
    assert answer.status_code in (302, 303), answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == "http://127.0.0.1:5000"  # REMIT_BASE_URL
    return f"{back.path}?{back.query}"


@pytest.mark.parametrize("platform", ["quickbooks", "xero"])
def test_sign_in_redirect_uri_ignores_a_forged_host(client, platform):
    start = client.get(f"/connect/{platform}", base_url=FORGED,
                       headers={"X-Forwarded-Host": "evil.example"})
    assert start.status_code == 302
    assert redirect_uri(start.headers["Location"]) == (
        f"http://127.0.0.1:5000/auth/{platform}/callback")
    back = callback_path(start.headers["Location"], CONSENT_BUTTONS[platform][0])
    signed_in = client.get(back, base_url=FORGED)  # the code exchange repeats the same URI
    assert signed_in.status_code == 302  # a failure renders an error page instead
    assert db.session.scalars(db.select(User)).one().platform.value == platform


def test_connect_to_stripe_redirect_uri_ignores_a_forged_host(client):
    start = client.get("/connect/quickbooks", base_url=FORGED)
    client.get(callback_path(start.headers["Location"], CONSENT_BUTTONS["quickbooks"][0]),
               base_url=FORGED)
    start = client.get("/settings/gateways/connect/stripe", base_url=FORGED)
    assert start.status_code == 302
    assert redirect_uri(start.headers["Location"]) == (
        "http://127.0.0.1:5000/settings/gateways/callback/stripe")
    connected = client.get(callback_path(start.headers["Location"], SIGN_IN), base_url=FORGED)
    assert connected.status_code == 302
    (gateway,) = db.session.scalars(db.select(Gateway)).all()
    assert gateway.account_id.startswith("acct_") and gateway.scope == "read_write"
