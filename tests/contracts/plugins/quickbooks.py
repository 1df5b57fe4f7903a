"""QuickBooks Online's side of the contract: the connector tier's cassettes and `qbo` target,
reused; the seeded US company (multicurrency) and the single-currency UK one."""

from __future__ import annotations

from decimal import Decimal

from connectors.base import InvoiceApplication
from connectors.quickbooks.platform import PLATFORM
from tests.connectors.conftest import vendor_url
from tests.connectors.quickbooks.conftest import (
    SINGLE_CURRENCY_REALM,
    US_REALM,
    QuickBooksTarget,
)
from tests.connectors.quickbooks.test_payments import AMYS_FIRST, posting
from tests.contracts.harness import OWN_CASSETTES, Case
from tests.contracts.plugins.tiers import CONNECTORS

TIER = CONNECTORS / "quickbooks" / "cassettes"
OWN = OWN_CASSETTES / "quickbooks"


class Harness:
    key = "quickbooks"
    platform = PLATFORM
    config = {"QUICKBOOKS_ENVIRONMENT": "sandbox"}  # the seeded companies are Intuit sandbox ones
    expiring_in = 90  # seconds: inside the connector's 120 s refresh margin
    company_name = "Remit Sandbox Company US"
    open_invoice = AMYS_FIRST  # No. 1001, 250.00 USD
    unknown_invoice = "999"
    role_currencies = ("USD", "EUR", "GBP")  # home, one with a bank account, one without
    # 100.00 of invoice 1001 (250.00 due), sent twice under one requestid
    payment = posting(amount=Decimal("100.00"),
                      applications=(InvoiceApplication(AMYS_FIRST, Decimal("100.00")),))
    payment_invoice_due = Decimal("250.00")

    cases = {
        "refresh_ahead": Case(TIER / "test_tokens" /
                              "test_token_about_to_expire_is_refreshed_before_the_call.yaml",
                              SINGLE_CURRENCY_REALM, read="currencies"),
        "refresh_on_401": Case(TIER / "test_tokens" /
                               "test_expired_access_token_is_refreshed_and_the_call_retried.yaml",
                               US_REALM),
        "revoke": Case(TIER / "test_tokens" / "test_revoke_ends_the_connection.yaml",
                       SINGLE_CURRENCY_REALM),
        "company_and_currencies": Case(OWN / "company_and_currencies.yaml", US_REALM),
        "accounts_by_role": Case(TIER / "test_accounts" /
                                 "test_pickers_agree_with_the_rules_over_the_cached_chart.yaml",
                                 US_REALM),
        "open_invoice": Case(TIER / "test_reads" / "test_open_invoice.yaml", US_REALM),
        "unknown_invoice": Case(TIER / "test_reads" / "test_missing_invoice_is_rejected.yaml",
                                US_REALM),
        "idempotent_payment": Case(TIER / "test_payments" /
                                   "test_the_same_request_id_twice_makes_one_payment.yaml",
                                   US_REALM, home_currency="USD"),
        "rate_limited": Case(TIER / "test_company_info" /
                             "test_throttle_is_rate_limited_with_retry_after.yaml", US_REALM),
        "outage": Case(TIER / "test_company_info" / "test_outage_is_vendor_unavailable.yaml",
                       US_REALM),
    }

    def target(self, mode: str) -> QuickBooksTarget:
        return QuickBooksTarget(mode)

    def keeper(self, mode: str, case: Case, expires_in: int = 3600):
        return self.target(mode).keeper(case.company, expires_in)

    def client(self, mode: str):
        return self.target(mode).client

    def api_base(self) -> str:
        return vendor_url(PLATFORM.endpoints(self.config).api)

    def vcr_config(self, base: dict) -> dict:
        return base
