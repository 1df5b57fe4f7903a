"""Walk Remit's Connect-to-Stripe flow through the sandbox's Stripe pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from tests.browserless import press

SIGN_IN = "Connect my Stripe account"
CREATE = "Create account and connect"
DENY = "Deny"


def stripe_callback(client, button: str = SIGN_IN, landing: str = "login",
                    choices: dict | None = None, gateway_id: int | None = None) -> str:
    """Start from the settings page's Connect to Stripe, answer Stripe's page; the callback."""
    query = {"landing": landing, **({"gateway": gateway_id} if gateway_id else {})}
    start = client.get("/settings/gateways/connect/stripe", query_string=query)
    assert start.status_code == 302, start.get_data(as_text=True)
    answer = press(requests.Session(), start.headers["Location"], button, choices)
    assert answer.status_code in (302, 303), answer.text
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/settings/gateways/callback/stripe"
    return f"{location.path}?{location.query}"


def connect_stripe(client, **kwargs):
    return client.get(stripe_callback(client, **kwargs))
