"""StripeGateway.verify_event: stripe-python's own signature check, every refusal a
WebhookRejected with a reason that is safe to log."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
import stripe

from gateways.base import EventKind, WebhookRejected
from gateways.stripe import StripeGateway

SECRET = "whsec_test_endpoint_secret"
EVENT = {"id": "evt_1", "object": "event", "account": "acct_1", "type":
         "account.application.deauthorized", "data": {"object": {"object": "application"}}}
PAYLOAD = json.dumps(EVENT).encode()


def header(payload: bytes = PAYLOAD, secret: str = SECRET, age: int = 0) -> str:
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=int(time.time()) - age)


def verify(payload: bytes, signature: str | None, secret: str | None = SECRET, **options):
    return StripeGateway("ca_P", "sk_test_k").verify_event(payload, signature, secret, **options)


def refusal(payload: bytes, signature: str | None, secret: str | None = SECRET) -> str:
    with pytest.raises(WebhookRejected) as rejected:
        verify(payload, signature, secret)
    reason = rejected.value.reason
    assert SECRET not in reason and "v1=" not in reason  # safe to log
    return reason


def test_a_good_signature_gives_the_event():
    assert verify(PAYLOAD, header()) == EVENT
    assert verify(PAYLOAD, header(age=299)) == EVENT  # inside the 300 s tolerance


def test_a_second_signature_for_a_rolled_secret_still_passes():
    """While a secret is rolled, Stripe signs with both (reference §4.2)."""
    old = header(secret="whsec_old")
    assert verify(PAYLOAD, old + "," + header().split(",")[1]) == EVENT


def test_refusals():
    assert refusal(PAYLOAD, header(secret="whsec_wrong")) == (
        "no signature matches the body and the signing secret")
    assert refusal(PAYLOAD + b" ", header()) == (
        "no signature matches the body and the signing secret")
    assert refusal(PAYLOAD, header(age=301)) == "the signature timestamp is older than 300 s"
    assert refusal(PAYLOAD, None) == "the Stripe-Signature header is missing"
    assert refusal(PAYLOAD, "") == "the Stripe-Signature header is missing"
    assert refusal(PAYLOAD, "garbage") == "the Stripe-Signature header is malformed"
    assert refusal(PAYLOAD, f"t={int(time.time())},v0=abc") == (
        "the Stripe-Signature header is malformed")
    assert refusal(PAYLOAD, header(), secret=None) == "no webhook signing secret is configured"
    assert refusal(PAYLOAD, header(), secret="  ") == "no webhook signing secret is configured"


def test_a_signed_body_that_is_not_an_event_is_refused():
    assert refusal(b"not json", header(b"not json")) == "the body is not UTF-8 JSON"
    thin = json.dumps({"object": "v2.core.event"}).encode()  # needs parse_event_notification
    assert refusal(thin, header(thin)) == "the body is not a Stripe snapshot event"
    assert refusal(b"\xff\xfe", header()) == "the body is not UTF-8 JSON"


def test_a_tolerance_that_would_disable_the_age_check_is_a_mistake():
    with pytest.raises(ValueError):
        verify(PAYLOAD, header(), tolerance=0)
    assert verify(PAYLOAD, header(age=500), tolerance=600) == EVENT


# The contract (gateways.base.GatewayProvider.receive): the whole request in, typed events out.

def receive(payload: bytes, headers: dict, secret: str | None = SECRET):
    return StripeGateway("ca_P", "sk_test_k").receive(payload, headers, secret)


def test_a_request_is_one_event_typed_by_what_it_means():
    (event,) = receive(PAYLOAD, {"Stripe-Signature": header()})

    assert (event.id, event.type, event.account_id, event.livemode, event.payload,
            event.kind) == ("evt_1", "account.application.deauthorized", "acct_1", False, EVENT,
                            EventKind.DEAUTHORIZED)


@pytest.mark.parametrize(("event_type", "kind"), [
    ("checkout.session.completed", EventKind.PAYMENT),
    ("checkout.session.async_payment_succeeded", EventKind.PAYMENT),
    ("payment_intent.succeeded", EventKind.PAYMENT),
    ("charge.succeeded", EventKind.PAYMENT),
    ("charge.updated", EventKind.PAYMENT),
    ("charge.refunded", EventKind.PAYMENT),  # money after the payment: balance_events.py
    ("charge.refund.updated", EventKind.PAYMENT),
    ("refund.created", EventKind.PAYMENT),
    ("refund.updated", EventKind.PAYMENT),
    ("charge.dispute.funds_withdrawn", EventKind.PAYMENT),
    ("charge.dispute.closed", EventKind.PAYMENT),
    ("payout.paid", EventKind.PAYMENT),
    ("payout.reconciliation_completed", EventKind.PAYMENT),
    ("payout.failed", EventKind.PAYMENT),
    ("checkout.session.expired", EventKind.OTHER),
    ("balance.available", EventKind.OTHER),
    ("customer.created", EventKind.OTHER),
])
def test_each_event_type_has_its_kind(event_type, kind):
    payload = json.dumps({**EVENT, "type": event_type, "livemode": True}).encode()

    (event,) = receive(payload, {"Stripe-Signature": header(payload)})

    assert (event.kind, event.livemode) == (kind, True)


def test_receive_refuses_as_verify_does_and_reads_only_the_stripe_signature_header():
    with pytest.raises(WebhookRejected, match="the Stripe-Signature header is missing"):
        receive(PAYLOAD, {"X-Signature": header()})
    with pytest.raises(WebhookRejected, match="no signature matches"):
        receive(PAYLOAD, {"Stripe-Signature": header(secret="whsec_wrong")})
    with pytest.raises(WebhookRejected, match="older than 300 s"):
        receive(PAYLOAD, {"Stripe-Signature": header(age=301)})
    nameless = json.dumps({**EVENT, "id": None}).encode()
    with pytest.raises(WebhookRejected, match="has an id and a type"):
        receive(nameless, {"Stripe-Signature": header(nameless)})


def test_a_stored_event_reads_back_as_it_was_received():
    (event,) = receive(PAYLOAD, {"Stripe-Signature": header()})

    assert StripeGateway("ca_P", "sk_test_k").event(event.payload) == event


def test_an_event_is_dated_by_stripe_when_it_says_when():
    dated = json.dumps({**EVENT, "created": 1764576000}).encode()

    (event,) = receive(dated, {"Stripe-Signature": header(dated)})
    (undated,) = receive(PAYLOAD, {"Stripe-Signature": header()})

    assert event.occurred_at == datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    assert undated.occurred_at is None
