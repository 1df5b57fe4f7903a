"""Connect webhook events as Stripe sends them: the `account.application.deauthorized` event
(reference §1.6, §6), signed `Stripe-Signature: t=…,v1=…` with the endpoint's secret (HMAC-SHA256
over `"{t}.{body}"`, reference §4.2) and POSTed to the platform's endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

import requests

from sandbox import stripe_seed as seed


def deauthorized_event(account_id: str) -> dict:
    """The event a Connect endpoint receives when the account's owner disconnects the platform:
    `data.object` is the platform's application, the top-level `account` the account."""
    return {
        "id": "evt_1Remit" + secrets.token_hex(8),
        "object": "event",
        "account": account_id,
        "api_version": seed.API_VERSION,
        "created": int(time.time()),
        "data": {"object": {"id": seed.PLATFORM_CLIENT_ID, "object": "application",
                            "name": seed.PLATFORM_NAME}},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "account.application.deauthorized",
    }


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def send_event(event: dict, url: str, secret: str = seed.WEBHOOK_SECRET,
               timeout: float = 10.0) -> int:
    """POST the event, signed, as Stripe delivers it; the endpoint's HTTP status. Raises
    requests.RequestException when the endpoint cannot be reached."""
    body = json.dumps(event, indent=2).encode()
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
               "Stripe-Signature": signature_header(body, secret)}
    response = requests.post(url, data=body, headers=headers, timeout=timeout,
                             allow_redirects=False)
    return response.status_code
