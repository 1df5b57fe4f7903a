"""Stripe gateway tier: the `stripe_target` fixture (where this run's Stripe calls go, and the
sandbox controls that shape them). Modes are explained in tests/connectors/conftest.py.

- replay: StripeGateway uses Stripe's real hosts; vcrpy answers. Codes, keys and tokens in
  requests were scrubbed to REDACTED when recorded, and requests are matched after the same
  scrubbing, so any placeholder code replays.
- sandbox (`python -m tests.gateways.record`): the stand-in on loopback; codes and connections
  come from its controls (sandbox.stripe.issue_code / connect, no HTTP), failures from
  force_next.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

import sandbox.stripe as stripe_sandbox
from gateways.stripe import StripeGateway
from gateways.stripe.const import API_BASE, CONNECT_BASE
from sandbox import stripe_payments
from sandbox.stripe_sessions import SessionRequest
from tests.connectors.conftest import run_mode, skip_unrecordable, vendor_url

US_ACCOUNT, FR_ACCOUNT = stripe_sandbox.US_ACCOUNT, stripe_sandbox.FR_ACCOUNT
CLIENT_ID = stripe_sandbox.SANDBOX_STRIPE_CLIENT_ID  # public: kept as is in cassettes
TIMEOUT = 10.0
REPLAYED_CODE = "ac_replayed"  # scrubbed to REDACTED like the recorded one


def pytest_collection_modifyitems(config, items) -> None:
    # No test here can run against real Stripe unchanged (each needs a fresh OAuth code or a
    # seeded account): a live run skips them all before their cassettes are touched.
    skip_unrecordable(config, items, Path(__file__).parent, live_env=())


@dataclass
class StripeTarget:
    mode: str  # "replay" or "sandbox"
    secret_key: str = stripe_sandbox.SANDBOX_STRIPE_SECRET_KEY

    def gateway(self, secret_key: str | None = None) -> StripeGateway:
        return StripeGateway(CLIENT_ID, secret_key or self.secret_key,
                             connect_base=vendor_url(CONNECT_BASE), api_base=vendor_url(API_BASE),
                             timeout=TIMEOUT)

    # Sandbox controls; on replay the cassette already holds their effect.
    def code_for(self, account_id: str) -> str:
        """An authorization code for the account, as the redirect back would carry it."""
        return stripe_sandbox.issue_code(account_id) if self.mode == "sandbox" else REPLAYED_CODE

    def connected(self, account_id: str) -> None:
        if self.mode == "sandbox":
            stripe_sandbox.connect(account_id)

    def force_next(self, failure: str) -> None:
        if self.mode == "sandbox":
            stripe_sandbox.force_next(failure)

    def made(self, vcr, prefix: str, make: Callable[[], str]) -> str:
        """An object id the sandbox makes while recording (`make()`, no HTTP); on replay the
        one the recording used: the first `prefix` id a recorded request's URL names."""
        return self.made_several(vcr, prefix, lambda: (make(),))[0]

    def made_several(self, vcr, prefix: str, make: Callable[[], tuple[str, ...]]
                     ) -> tuple[str, ...]:
        """Ids the sandbox makes while recording, in the order the test's requests first name
        them; on replay as many `prefix` ids, read from the recorded requests' URLs."""
        if self.mode == "sandbox":
            return make()
        named: list[str] = []
        for recorded in vcr.requests:
            for found in re.findall(rf"\b{prefix}_[A-Za-z0-9]+", unquote(recorded.uri)):
                if found not in named:
                    named.append(found)
        if not named:
            raise LookupError(f"no {prefix}_ id in the cassette's requests")
        return tuple(named)


def sandbox_payment(account_id: str, currency: str = "usd", amount: int = 12050,
                    metadata: dict | None = None) -> stripe_payments.Paid:
    """A card payment through the sandbox's Checkout, made in-process (no HTTP, no event
    sent): for recording only."""
    metadata = {} if metadata is None else metadata
    asked = SessionRequest(currency=currency, amount_total=amount, description="Invoice 1001",
                           customer_email=None, success_url=None, cancel_url=None,
                           metadata=metadata, intent_metadata=metadata)
    session = stripe_payments.create_session(account_id, asked, lambda made: "https://x/" + made)
    return stripe_payments.pay(session["id"], stripe_sandbox.SUCCEEDING_CARD)


@pytest.fixture
def stripe_target(record_mode) -> StripeTarget:
    return StripeTarget(run_mode(record_mode))
