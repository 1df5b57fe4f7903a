"""XeroConnector through the real xero-python SDK, replayed from cassettes recorded against the
sandbox (../README.md). One cassette per behaviour; each error test pins one branch of the error
mapping or of the token behaviour.

Pagination does not apply: Xero's GET /Accounts and GET /Currencies are not paged (reference
§2.2, §2.9): one request returns the whole chart, which test_whole_chart_in_one_request pins.
"""

from __future__ import annotations

import pytest

from connectors.base import (
    AuthError,
    CompanyInfo,
    Currency,
    RateLimited,
    Rejected,
    VendorUnavailable,
)
from connectors.xero import RULES
from tests.connectors.xero.conftest import FR_ORG, UK_ORG, requests_made

UK_DEPOSITS = {"GBP": ["Business Bank Account", "Stripe Clearing"], "EUR": ["Euro Account"],
               "USD": []}


def names(accounts) -> list[str]:
    return [account.name for account in accounts]


@pytest.mark.vcr
def test_multicurrency_organisation(xero):
    connector = xero.connector(UK_ORG)

    assert connector.company_info() == CompanyInfo(
        name="Remit Demo Company (UK)", home_currency="GBP", multicurrency=True, country="GB")
    assert connector.currencies() == [Currency("GBP", "British Pound"), Currency("EUR", "Euro"),
                                      Currency("USD", "United States Dollar")]


@pytest.mark.vcr
def test_single_currency_organisation(xero):
    connector = xero.connector(FR_ORG)

    assert connector.company_info() == CompanyInfo(
        name="Remit Démo SARL", home_currency="EUR", multicurrency=False, country="FR")
    assert connector.currencies() == [Currency("EUR", "Euro")]
    assert names(connector.deposit_accounts("EUR")) == ["Compte courant"]
    assert names(connector.receivable_accounts("EUR")) == ["Clients"]


@pytest.mark.vcr
def test_whole_chart_in_one_request(xero, vcr):
    accounts = xero.connector(UK_ORG).accounts()  # GET /Organisation, then GET /Accounts

    assert requests_made(vcr) == 2
    by_name = {account.name: account for account in accounts}
    assert len(by_name) == 8 and not by_name["Old Savings Account"].active
    assert (by_name["Euro Account"].currency, by_name["Euro Account"].account_subtype) == (
        "EUR", "BANK")
    clearing = by_name["Stripe Clearing"]
    assert (clearing.account_type, clearing.currency, clearing.payments_enabled) == (
        "CURRENT", "GBP", True)
    assert by_name["Accounts Receivable"].system_account == "DEBTORS"


@pytest.mark.live
@pytest.mark.vcr
def test_deposit_and_receivable_accounts_follow_the_rules(xero):
    """The connector's picks are exactly RULES over accounts(): the add-on filters its cache
    with RULES and must see what the connector would have returned."""
    connector = xero.connector(UK_ORG)
    chart = connector.accounts()

    for currency in ("GBP", "EUR", "USD"):
        expected = [a for a in chart if RULES.is_deposit(a, currency)]
        assert connector.deposit_accounts(currency) == expected
        receivable = connector.receivable_accounts(currency)
        assert receivable == [a for a in chart if RULES.is_receivable(a, currency)]
        assert [a.system_account for a in receivable] == ["DEBTORS"]
    if xero.mode != "live":  # the seeded chart; a real organisation has its own
        assert {c: names(connector.deposit_accounts(c)) for c in UK_DEPOSITS} == UK_DEPOSITS


@pytest.mark.vcr
def test_token_expiring_soon_is_refreshed_before_the_call(xero):
    xero.expiring_soon()
    before = xero.keeper.tokens

    info = xero.connector(UK_ORG).company_info()

    assert info.name == "Remit Demo Company (UK)"
    assert xero.keeper.rotations == 1 and xero.keeper.tokens is not before


@pytest.mark.vcr
def test_expired_access_token_is_refreshed_and_the_call_retried(xero, vcr):
    xero.expire_access_tokens()

    currencies = xero.connector(FR_ORG).currencies()  # 401, token refresh, retried GET

    assert currencies == [Currency("EUR", "Euro")]
    assert xero.keeper.rotations == 1 and requests_made(vcr) == 3
    assert xero.keeper.tokens.refresh_token != "replay-refresh-token"


@pytest.mark.vcr
def test_revoked_grant_is_auth_error_and_needs_reconnect(xero):
    xero.revoke_grants()  # as when the user removes the app in Xero

    with pytest.raises(AuthError) as caught:
        xero.connector(UK_ORG).company_info()  # 401, then invalid_grant from the token endpoint

    assert "invalid_grant" in str(caught.value)
    assert xero.keeper.needs_reconnect


@pytest.mark.vcr
def test_throttle_is_rate_limited_after_exactly_one_request(xero, vcr):
    """urllib3 would retry a 429 with Retry-After three times (sleeping 45 s each) if its
    hidden retries were on; on replay a second request would find no answer in the cassette."""
    xero.force_next("429")

    with pytest.raises(RateLimited) as caught:
        xero.connector(UK_ORG).company_info()

    assert caught.value.retry_after == 45.0
    assert "minute limit" in str(caught.value)
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_outage_is_vendor_unavailable(xero):
    xero.force_next("503")

    with pytest.raises(VendorUnavailable) as caught:
        xero.connector(UK_ORG).accounts()

    assert "HTTP 503" in str(caught.value)


@pytest.mark.vcr
def test_validation_exception_is_rejected_with_every_message(xero):
    xero.force_next("400")

    with pytest.raises(Rejected) as caught:
        xero.connector(UK_ORG).currencies()

    assert "ValidationException" in str(caught.value)
    assert caught.value.detail == ("The Bank Account Number must contain a 6-digit BSB code "
                                   "and account number")


@pytest.mark.vcr
def test_organisation_not_connected_is_auth_error(xero):
    with pytest.raises(AuthError) as caught:
        xero.connector("00000000-0000-0000-0000-000000000000").currencies()

    assert "HTTP 403" in str(caught.value) and xero.keeper.rotations == 0
