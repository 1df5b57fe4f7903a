"""StripeGateway.payment on a loopback server answering with Stripe's own PaymentIntent sample
(shapes.resources(), from fixtures3.json): the payment as its events would give it, with the
metadata its checkout set or none (paid outside Remit); None unless it succeeded; ids refused
before any request."""

from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

import pytest

from gateways.stripe import StripeGateway
from tests.gateways.stripe.loopback import Canned, Loopback
from tests.gateways.stripe.shapes import resources

ACCOUNT = "acct_1Abc"


def gateway_on(url: str) -> StripeGateway:
    return StripeGateway("ca_P", "sk_test_platform", api_base=url, timeout=5.0)


def intent(**fields) -> dict:
    made = copy.deepcopy(resources()["payment_intent"])
    made.update({"id": "pi_1Sample", **fields})
    return made


def read(answer: dict):
    with Loopback(Canned(200, json.dumps(answer))) as server:
        payment = gateway_on(server.url).payment(ACCOUNT, answer["id"])
    (seen,) = server.seen
    assert urlsplit(seen.path).path == f"/v1/payment_intents/{answer['id']}"
    assert seen.headers["Stripe-Account"] == ACCOUNT
    return payment


@pytest.mark.parametrize("metadata", [{}, {"remit_gateway": "7", "remit_company": "3"}],
                         ids=["paid-outside-remit", "remit-checkout"])
def test_a_succeeded_payment_is_read_with_its_metadata(metadata):
    answer = intent(status="succeeded", amount_received=500, currency="jpy",
                    latest_charge="ch_1", metadata=metadata, created=1764400000)
    payment = read(answer)
    assert (payment.kind, payment.source_id, payment.charge_id, payment.account_id) == (
        "payment", answer["id"], "ch_1", ACCOUNT)
    assert (payment.currency, payment.amount_minor, payment.metadata) == ("JPY", 500, metadata)


def test_a_payment_that_did_not_succeed_is_none():
    assert read(intent(status="requires_payment_method")) is None


def test_ids_are_refused_before_any_request():
    gateway = gateway_on("http://127.0.0.1:9")
    with pytest.raises(ValueError):
        gateway.payment(ACCOUNT, "ch_1")
    with pytest.raises(ValueError):
        gateway.payment("not-an-account", "pi_1")
