"""Xero's side of the contract: the connector tier's cassettes reused, with one grant for the
seeded UK (multicurrency) and FR organisations as tests/connectors/xero/conftest.py builds it;
revocation (which that tier tests against a local token endpoint) and the accounts by role
recorded here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sandbox.xero as xero_sandbox
from connectors.base import OAuthClient, TokenSet
from connectors.xero import oauth
from connectors.xero.const import SCOPES
from connectors.xero.platform import PLATFORM
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from tests.connectors.conftest import MemoryTokenKeeper, vendor_url
from tests.connectors.xero.conftest import FR_ORG, UK_ORG, as_xero_request, as_xero_response
from tests.connectors.xero.test_payments import INVOICE_IDS, posting
from tests.contracts.harness import OWN_CASSETTES, Case
from tests.contracts.plugins.tiers import CONNECTORS

TIER = CONNECTORS / "xero" / "cassettes"
OWN = OWN_CASSETTES / "xero"


class Harness:
    key = "xero"
    platform = PLATFORM
    config: dict = {}
    expiring_in = 60  # seconds: inside the connector's refresh margin
    company_name = "Remit Demo Company (UK)"
    open_invoice = INVOICE_IDS["INV-0001"]  # 250.00 GBP due
    unknown_invoice = "00000000-0000-0000-0000-000000000000"
    role_currencies = ("GBP", "EUR", "USD")
    payment = posting(("INV-0002", "20.50"))  # of 120.50 due, sent twice under one key
    payment_invoice_due = Decimal("120.50")

    cases = {
        "refresh_ahead": Case(TIER / "test_connector" /
                              "test_token_expiring_soon_is_refreshed_before_the_call.yaml",
                              UK_ORG),
        "refresh_on_401": Case(TIER / "test_connector" /
                               "test_expired_access_token_is_refreshed_and_the_call_retried.yaml",
                               FR_ORG, read="currencies"),
        "revoke": Case(OWN / "revoke.yaml", UK_ORG),
        "company_and_currencies": Case(TIER / "test_connector" /
                                       "test_multicurrency_organisation.yaml", UK_ORG),
        # The tier's own cassette also reads the chart again for its seeded names: recorded here.
        "accounts_by_role": Case(OWN / "accounts_by_role.yaml", UK_ORG),
        "open_invoice": Case(TIER / "test_invoices_and_accounts" /
                             "test_open_invoice_with_what_is_due.yaml", UK_ORG,
                             home_currency="GBP"),
        "unknown_invoice": Case(TIER / "test_invoices_and_accounts" /
                                "test_unknown_invoice_is_rejected.yaml", UK_ORG,
                                home_currency="GBP"),
        "idempotent_payment": Case(TIER / "test_payments" /
                                   "test_same_idempotency_key_twice_records_one_payment.yaml",
                                   UK_ORG, home_currency="GBP"),
        "rate_limited": Case(TIER / "test_connector" /
                             "test_throttle_is_rate_limited_after_exactly_one_request.yaml",
                             UK_ORG),
        "outage": Case(TIER / "test_connector" / "test_outage_is_vendor_unavailable.yaml",
                       UK_ORG, read="accounts"),
    }

    def keeper(self, mode: str, case: Case, expires_in: int = 3600) -> MemoryTokenKeeper:
        """One grant covering both seeded organisations (sandbox: a real stand-in grant)."""
        if mode == "sandbox":
            tokens = oauth.token_set(xero_sandbox.grant_tokens(SCOPES, [UK_ORG, FR_ORG]))
        else:
            tokens = TokenSet("replay-access-token", "replay-refresh-token",
                              datetime.now(UTC), scope=SCOPES)
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        return MemoryTokenKeeper(TokenSet(tokens.access_token, tokens.refresh_token, expires_at,
                                          tokens.refresh_expires_at, scope=tokens.scope))

    def client(self, mode: str) -> OAuthClient:
        endpoints = PLATFORM.endpoints(self.config)
        if mode == "sandbox":
            return OAuthClient(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET,
                               vendor_url(endpoints.token), vendor_url(endpoints.revoke))
        return OAuthClient("replay-client-id", "replay-client-secret", endpoints.token,
                           endpoints.revoke)

    def api_base(self) -> str:
        return vendor_url(PLATFORM.endpoints(self.config).api)

    def vcr_config(self, base: dict) -> dict:
        return {**base, "before_record_request": as_xero_request,
                "before_record_response": as_xero_response}
