"""No cassette: the session lifetime Remit asks for, and reading a session's state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gateways.base import GatewayUnavailable
from gateways.stripe import checkout
from gateways.stripe.const import SESSION_LIFETIME, SESSION_MAX_LIFETIME, SESSION_MIN_LIFETIME
from tests.gateways.stripe.test_checkout_expire import REQUEST


def test_expires_at_is_sent_only_when_asked():
    assert "expires_at" not in checkout.session_params(REQUEST)
    assert checkout.session_params(replace(REQUEST, expires_at=1_800_000_000))[
        "expires_at"] == 1_800_000_000


def test_the_lifetime_is_within_stripes_bounds_and_near_the_shortest():
    assert SESSION_MIN_LIFETIME <= SESSION_LIFETIME <= SESSION_MAX_LIFETIME
    assert SESSION_LIFETIME - SESSION_MIN_LIFETIME <= 120


@pytest.mark.parametrize(("intent", "payment_id"), [
    ("pi_1", "pi_1"), ({"id": "pi_2", "object": "payment_intent"}, "pi_2"), (None, None)])
def test_a_sessions_state_names_its_payment(intent, payment_id):
    state = checkout.checkout_state({"id": "cs_test_1", "object": "checkout.session",
                                     "status": "complete", "payment_intent": intent})
    assert (state.status, state.payment_id) == ("complete", payment_id)


@pytest.mark.parametrize("answer", [
    {"id": "cs_test_1", "object": "checkout.session", "status": "unknown"},
    {"id": "pi_1", "object": "payment_intent", "status": "open"}, {}])
def test_an_answer_that_is_not_a_session_is_unavailable(answer):
    with pytest.raises(GatewayUnavailable):
        checkout.checkout_state(answer)
