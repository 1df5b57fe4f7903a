"""The chart of accounts and the deposit / receivable pickers through the real SDK, replayed from
cassettes recorded against the sandbox's seed (sandbox/quickbooks_data.py)."""

from __future__ import annotations

import pytest

from connectors.base import LedgerAccount, VendorUnavailable
from connectors.quickbooks import RULES
from tests.connectors.quickbooks.conftest import SINGLE_CURRENCY_REALM, US_REALM

SEEDED_US_ACCOUNTS = 17


def names(accounts: list[LedgerAccount]) -> list[str]:
    return [account.name for account in accounts]


def queries(cassette) -> list[str]:
    return [request.body.decode() for request in cassette.requests
            if request.path.endswith("/query")]


@pytest.mark.vcr
def test_whole_chart_of_accounts_with_inactive_ones(qbo):
    accounts = {account.name: account for account in qbo.connector(US_REALM).accounts()}

    assert len(accounts) == SEEDED_US_ACCOUNTS
    assert accounts["Undeposited Funds"] == LedgerAccount(
        id="4", name="Undeposited Funds", account_type="Other Current Asset",
        account_subtype="UndepositedFunds", currency="USD", active=True)
    assert accounts["Business EUR Account"].currency == "EUR"
    assert accounts["Checking:Petty Cash"].account_type == "Bank"  # sub-accounts: full name
    assert accounts["Old Operating Account"].active is False


@pytest.mark.vcr
def test_every_page_is_read(qbo, vcr):
    accounts = qbo.connector(US_REALM, page_size=5).accounts()

    assert len({account.id for account in accounts}) == SEEDED_US_ACCOUNTS
    page = "SELECT * FROM Account WHERE Active IN (true, false) STARTPOSITION {} MAXRESULTS 5"
    assert queries(vcr) == [page.format(start) for start in (1, 6, 11, 16)]


@pytest.mark.vcr
def test_a_last_page_exactly_full_is_followed_by_an_empty_one(qbo, vcr):
    """Intuit gives no total: only a short (here empty, QueryResponse {}) page ends a query."""
    deposit = qbo.connector(US_REALM, page_size=4).deposit_accounts("USD")

    assert names(deposit) == ["Undeposited Funds", "Checking", "Savings", "Checking:Petty Cash",
                              "Stripe Clearing", "Prepaid Expenses"]
    assert [query.rsplit(" STARTPOSITION ", 1)[1] for query in queries(vcr)] == [
        "1 MAXRESULTS 4", "5 MAXRESULTS 4", "9 MAXRESULTS 4"]


@pytest.mark.live
@pytest.mark.vcr
def test_home_currency_deposit_accounts(qbo):
    deposit = qbo.connector(US_REALM).deposit_accounts("USD")

    assert "Undeposited Funds" in names(deposit)
    assert all(RULES.is_deposit(account, "USD") for account in deposit)


@pytest.mark.vcr
def test_foreign_currency_deposit_accounts(qbo, vcr):
    deposit = qbo.connector(US_REALM).deposit_accounts("EUR")

    assert names(deposit) == ["Business EUR Account"]
    assert queries(vcr) == ["SELECT * FROM Account WHERE AccountType IN ('Bank', "
                            "'Other Current Asset') AND Active = true STARTPOSITION 1 "
                            "MAXRESULTS 1000"]


@pytest.mark.vcr
def test_missing_euro_receivable_account(qbo):
    """QuickBooks has no EUR A/R account before the first EUR invoice: nothing to offer."""
    connector = qbo.connector(US_REALM)

    assert connector.receivable_accounts("EUR") == []
    assert names(connector.receivable_accounts("USD")) == ["Accounts Receivable (A/R)"]


@pytest.mark.vcr
def test_first_euro_invoice_brings_the_euro_receivable_account(qbo):
    qbo.create_invoice(US_REALM, "EUR")

    receivable = qbo.connector(US_REALM).receivable_accounts("EUR")

    assert names(receivable) == ["Accounts Receivable (A/R) - EUR"]
    assert receivable[0].account_type == "Accounts Receivable" and receivable[0].currency == "EUR"


@pytest.mark.vcr
def test_pickers_agree_with_the_rules_over_the_cached_chart(qbo):
    """The add-on filters its cache with RULES: it must offer what the connector offers."""
    connector = qbo.connector(US_REALM)
    chart = connector.accounts()

    for currency in ("USD", "EUR", "GBP"):
        assert connector.deposit_accounts(currency) == [
            account for account in chart if RULES.is_deposit(account, currency)]
        assert connector.receivable_accounts(currency) == [
            account for account in chart if RULES.is_receivable(account, currency)]


@pytest.mark.vcr
def test_single_currency_company_accounts(qbo):
    connector = qbo.connector(SINGLE_CURRENCY_REALM)

    assert names(connector.deposit_accounts("GBP")) == ["Undeposited Funds", "Current Account"]
    assert names(connector.receivable_accounts("GBP")) == ["Accounts Receivable (A/R)"]


@pytest.mark.vcr
def test_outage_while_reading_accounts_is_vendor_unavailable(qbo):
    qbo.force_next("503")

    with pytest.raises(VendorUnavailable):
        qbo.connector(US_REALM).accounts()
