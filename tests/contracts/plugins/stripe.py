"""Stripe's side of the contract: the gateway tier's cassettes reused (connect refusal,
checkout, throttling, outage), with the platform settings the stand-in was recorded with, and
webhook requests signed the way Stripe signs them (the Stripe-Signature header)."""

from __future__ import annotations

import json
import time

import stripe

from tests.contracts.harness import Case
from tests.contracts.plugins.tiers import GATEWAYS
from tests.gateways.stripe.conftest import CLIENT_ID, REPLAYED_CODE, US_ACCOUNT, StripeTarget
from tests.gateways.stripe.test_checkout import REQUEST

TIER = GATEWAYS / "stripe" / "cassettes"
# One delivery per meaning the add-on acts on (Stripe sends one event per request).
EVENTS = {
    "payment": {"id": "evt_contract_paid", "object": "event", "account": US_ACCOUNT,
                "livemode": False, "type": "checkout.session.completed", "created": 1764576000,
                "data": {"object": {"object": "checkout.session", "id": "cs_test_contract"}}},
    "deauthorized": {"id": "evt_contract_gone", "object": "event", "account": US_ACCOUNT,
                     "livemode": False, "type": "account.application.deauthorized",
                     "created": 1764576060, "data": {"object": {"object": "application"}}},
}


class Harness:
    key = "stripe"
    config = {"STRIPE_CLIENT_ID": CLIENT_ID, "STRIPE_SECRET_KEY": StripeTarget("replay").secret_key,
              "STRIPE_WEBHOOK_SECRET": "whsec_contract_endpoint_secret", "HTTP_TIMEOUT": 10.0}
    event_ids = {kind: [event["id"]] for kind, event in EVENTS.items()}
    refused_code = REPLAYED_CODE  # scrubbed like the recorded one, so it finds its answer
    checkout = REQUEST

    cases = {
        "connect_refused": Case(TIER / "test_connect" /
                                "test_unknown_code_is_invalid_grant_without_echoing_it.yaml"),
        "checkout": Case(TIER / "test_checkout" /
                         "test_checkout_is_a_direct_charge_on_the_connected_account.yaml",
                         REQUEST.account_id),
        "rate_limited": Case(TIER / "test_account_profile" /
                             "test_throttle_is_rate_limited_after_exactly_one_request.yaml",
                             US_ACCOUNT),
        "outage": Case(TIER / "test_account_profile" /
                       "test_outage_is_unavailable_after_exactly_one_request.yaml", US_ACCOUNT),
    }

    def webhook(self, secret: str, *, kind: str = "payment", age: int = 0,
                tampered: bool = False) -> tuple[bytes, dict[str, str]]:
        """The delivery of EVENTS[kind], signed with `secret` `age` seconds ago; `tampered`:
        the body changed after signing."""
        body = json.dumps(EVENTS[kind]).encode()
        signature = stripe.WebhookSignature.generate_signature_header(
            body.decode(), secret, timestamp=int(time.time()) - age)
        return (body + b" " if tampered else body), {"Stripe-Signature": signature}

    def vcr_config(self, base: dict) -> dict:
        return base
