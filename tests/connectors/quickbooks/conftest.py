"""QuickBooks connector tests: the `qbo` fixture decides where calls go and with which tokens.

- replay: Intuit's real URLs, placeholder tokens (vcrpy answers; Authorization is not matched).
- sandbox: the stand-in's URLs; each keeper holds a real sandbox grant (`issue_tokens`), and
  `qbo.expire_access_tokens()`, `revoke_all()`, `force_next()`, `create_invoice()`,
  `receive_payment()` drive it.
- live: Intuit's sandbox company, QBO_LIVE_ACCESS_TOKEN for QBO_LIVE_REALM_ID; its realm id is
  rewritten to the seeded one in recorded URLs. Only `@pytest.mark.live` tests run live.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import sandbox.quickbooks as qbo_sandbox
from connectors.base import OAuthClient, TokenSet
from connectors.quickbooks import QuickBooksConnector, const, oauth
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from tests.connectors.conftest import (
    MemoryTokenKeeper,
    run_mode,
    skip_unrecordable,
    vendor_url,
)

HERE = Path(__file__).parent
LIVE_ENV = ("QBO_LIVE_ACCESS_TOKEN", "QBO_LIVE_REALM_ID")
US_REALM = qbo_sandbox.US_REALM
SINGLE_CURRENCY_REALM = qbo_sandbox.SINGLE_CURRENCY_REALM
REPLAY_TOKENS = ("replayed-access-token", "replayed-refresh-token")


def pytest_collection_modifyitems(config, items) -> None:
    skip_unrecordable(config, items, HERE, LIVE_ENV)


@dataclass(frozen=True)
class QuickBooksTarget:
    """Where this run's QuickBooks calls go, and with which credentials."""

    mode: str  # "replay", "sandbox" or "live"

    @property
    def client(self) -> OAuthClient:
        return OAuthClient(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET,
                           vendor_url(const.TOKEN_URL), vendor_url(const.REVOKE_URL))

    def keeper(self, realm: str, expires_in: int = 3600) -> MemoryTokenKeeper:
        """Stored tokens for a seeded company whose access token expires in `expires_in` s."""
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        if self.mode == "sandbox":
            tokens = oauth.token_set(qbo_sandbox.issue_tokens(realm))
        elif self.mode == "live":
            tokens = TokenSet(os.environ["QBO_LIVE_ACCESS_TOKEN"], "live-refresh-unused",
                              expires_at)
        else:
            tokens = TokenSet(*REPLAY_TOKENS, expires_at)
        return MemoryTokenKeeper(dataclasses.replace(tokens, expires_at=expires_at))

    def connector(self, realm: str, keeper: MemoryTokenKeeper | None = None,
                  page_size: int = const.MAX_PAGE_SIZE,
                  home_currency: str | None = None) -> QuickBooksConnector:
        called = os.environ["QBO_LIVE_REALM_ID"] if self.mode == "live" else realm
        return QuickBooksConnector(called, keeper or self.keeper(realm), self.client,
                                   vendor_url(const.SANDBOX_API_BASE), timeout=10.0,
                                   page_size=page_size, home_currency=home_currency)

    # Sandbox controls. On replay the cassette already holds their effect; live runs never get
    # here (only tests marked `live` run live, and they use none).
    def expire_access_tokens(self) -> None:
        if self.mode == "sandbox":
            qbo_sandbox.expire_access_tokens()

    def revoke_all(self) -> None:
        if self.mode == "sandbox":
            qbo_sandbox.revoke_all()

    def force_next(self, answer: str) -> None:
        if self.mode == "sandbox":
            qbo_sandbox.force_next(answer)

    def create_invoice(self, realm: str, currency: str, amount: str = "100.00",
                       expected_id: str | None = None) -> None:
        """Save an invoice in QuickBooks. A test that uses the new invoice's Id names it as
        `expected_id` (replays cannot ask the sandbox); recording checks it."""
        if self.mode == "sandbox":
            created = qbo_sandbox.create_invoice(realm, currency, Decimal(amount))
            assert expected_id in (None, created["Id"]), f"the sandbox made {created['Id']}"

    def receive_payment(self, realm: str, invoice_id: str) -> None:
        """A bookkeeper records the customer's payment of the whole balance in QuickBooks."""
        if self.mode == "sandbox":
            qbo_sandbox.receive_payment(realm, invoice_id)


@pytest.fixture
def qbo(record_mode) -> QuickBooksTarget:
    return QuickBooksTarget(run_mode(record_mode))


def live_realm_as_seeded(request):
    """A live company's realm id in a recorded URL becomes the seeded one, so replays match."""
    live_realm = os.environ.get("QBO_LIVE_REALM_ID")
    if live_realm:
        request.uri = request.uri.replace(f"/company/{live_realm}/", f"/company/{US_REALM}/")
    return request


@pytest.fixture
def vcr_config(vcr_config) -> dict:
    return {**vcr_config,
            "before_record_request": [vcr_config["before_record_request"], live_realm_as_seeded]}


@pytest.fixture(autouse=True)
def _every_recorded_answer_is_used(vcr, record_mode):
    """A replayed cassette must be played to its end: an interaction nobody asked for means
    the connector made fewer calls than when it was recorded."""
    yield
    if vcr is not None and record_mode == "none":
        assert vcr.all_played, "the connector skipped calls its cassette recorded"
