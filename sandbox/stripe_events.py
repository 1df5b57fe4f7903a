"""Connect webhook events as Stripe sends them (reference §4.1, §4.2, §6): the event envelope
with the connected account at the top level, `livemode` false and the platform endpoint's pinned
`api_version`, signed `Stripe-Signature: t=…,v1=…` with the endpoint's secret (HMAC-SHA256 over
`"{t}.{body}"`) and POSTed to the platform's endpoint.

Every delivery of a payment's events is recorded — its HTTP status, or why it failed — for the
console and for tests (`deliveries()`, `last_batch()`). Stripe delivers asynchronously and in no
guaranteed order; the stand-in delivers a payment's events one after the other, before the
customer is sent back, each with a timeout, so a slow or absent add-on never blocks it for long.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
import threading
import time
from dataclasses import dataclass

import requests

from sandbox import stripe_seed as seed

DELIVERY_TIMEOUT = 5.0  # seconds per event
_lock = threading.Lock()


@dataclass(frozen=True)
class Delivery:
    """One event sent (or held, when no endpoint was given). `payload` and `headers` are
    exactly what was (or would have been) POSTed, so a test can post them itself."""

    event: dict
    payload: bytes
    headers: dict[str, str]
    url: str | None
    status: int | None  # the endpoint's HTTP status; None: not delivered
    error: str | None  # why it was not delivered (connection refused, timeout)
    sent_at: float

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class DeliveryScenario:
    """How the stand-in misbehaves as Stripe may (reference §4.1: no ordering, duplicates):
    each batch shuffled (`reorder`), each event sent twice with probability `duplicate`, held
    back until `release_delayed()` with probability `delay` — all drawn from one
    random.Random(`seed`), so a scenario replays identically."""

    seed: int = 0
    reorder: bool = False
    duplicate: float = 0.0
    delay: float = 0.0


IN_ORDER = DeliveryScenario()
_deliveries: list[Delivery] = []
_last: list[Delivery] = []
_delayed: list[dict] = []
_scenario: list = [IN_ORDER, random.Random(0)]


def reset() -> None:
    with _lock:
        _deliveries.clear()
        _last.clear()
        _delayed.clear()
        _scenario[:] = [IN_ORDER, random.Random(0)]


def set_delivery(scenario: DeliveryScenario) -> None:
    """Deliver the next batches as `scenario` says (IN_ORDER: one by one, once, at once)."""
    for chance in (scenario.duplicate, scenario.delay):
        if not 0 <= chance <= 1:
            raise ValueError("duplicate and delay are probabilities between 0 and 1")
    with _lock:
        _scenario[:] = [scenario, random.Random(scenario.seed)]


def _as_scenario_says(events: list[dict]) -> list[dict]:
    """The batch to send now, reordered and duplicated; the delayed ones are kept back."""
    with _lock:
        scenario, draw = _scenario
        if scenario == IN_ORDER:
            return list(events)
        sent: list[dict] = []
        for each in events:
            if draw.random() < scenario.delay:
                _delayed.append(each)
                continue
            sent.extend([each, each] if draw.random() < scenario.duplicate else [each])
        if scenario.reorder:
            draw.shuffle(sent)
        return sent


def release_delayed(url: str | None, timeout: float | None = None) -> list[Delivery]:
    """Send the events held back by the delivery scenario, in the order they were held."""
    with _lock:
        held, _delayed[:] = list(_delayed), []
    return deliver_now(held, url, timeout)


def event(event_type: str, account_id: str, obj: dict) -> dict:
    """A Connect event about an object of the connected account."""
    return {
        "id": "evt_1Remit" + secrets.token_hex(8),
        "object": "event",
        "account": account_id,
        "api_version": seed.API_VERSION,
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def deauthorized_event(account_id: str) -> dict:
    """The event a Connect endpoint receives when the account's owner disconnects the platform:
    `data.object` is the platform's application, the top-level `account` the account."""
    return event("account.application.deauthorized", account_id,
                 {"id": seed.PLATFORM_CLIENT_ID, "object": "application",
                  "name": seed.PLATFORM_NAME})


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signed(event_body: dict, secret: str = seed.WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    """The body and headers Stripe POSTs for an event, signed now."""
    body = json.dumps(event_body, indent=2).encode()
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
               "Stripe-Signature": signature_header(body, secret)}
    return body, headers


def send_event(event_body: dict, url: str, secret: str = seed.WEBHOOK_SECRET,
               timeout: float = 10.0) -> int:
    """POST the event, signed, as Stripe delivers it; the endpoint's HTTP status. Raises
    requests.RequestException when the endpoint cannot be reached."""
    body, headers = signed(event_body, secret)
    response = requests.post(url, data=body, headers=headers, timeout=timeout,
                             allow_redirects=False)
    return response.status_code


def deliver(events: list[dict], url: str | None,
            timeout: float | None = None) -> list[Delivery]:
    """Sign and POST each event to `url` (None: sign and keep them, send nothing), recording
    every delivery; failures are recorded, never raised. `timeout` per event, default
    DELIVERY_TIMEOUT. The delivery scenario (`set_delivery`) may reorder, duplicate or hold
    back events."""
    return deliver_now(_as_scenario_says(events), url, timeout)


def deliver_now(events: list[dict], url: str | None,
                timeout: float | None = None) -> list[Delivery]:
    """Sign and send exactly these events, in this order (no scenario: resends)."""
    made = [_deliver_one(each, url, timeout or DELIVERY_TIMEOUT) for each in events]
    with _lock:
        _deliveries.extend(made)
        _last[:] = made
    return made


def _deliver_one(event_body: dict, url: str | None, timeout: float) -> Delivery:
    body, headers = signed(event_body)
    status = error = None
    if url is not None:
        try:
            response = requests.post(url, data=body, headers=headers, timeout=timeout,
                                     allow_redirects=False)
            status = response.status_code
        except requests.Timeout:
            error = f"no answer within {timeout:g} s"
        except requests.RequestException as failed:
            error = f"could not connect ({type(failed).__name__})"
    return Delivery(event_body, body, headers, url, status, error, time.time())


def deliveries() -> list[Delivery]:
    """Every delivery since the last reset, oldest first."""
    with _lock:
        return list(_deliveries)


def last_batch() -> list[Delivery]:
    """The deliveries of the latest payment (or resend)."""
    with _lock:
        return list(_last)


def delivered_event(event_id: str) -> dict | None:
    """An event delivered before, to send again (Stripe resends the same event id)."""
    with _lock:
        return next((d.event for d in reversed(_deliveries) if d.event["id"] == event_id), None)
