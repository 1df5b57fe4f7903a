"""QuickBooks' account roles and the transformers feeding them: pure functions, no HTTP."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from connectors.base import ConnectorError, Currency, LedgerAccount
from connectors.quickbooks import RULES, transformers


def ledger(account_type: str, currency: str = "EUR", active: bool = True) -> LedgerAccount:
    return LedgerAccount("1", "An account", account_type, None, currency, active)


@pytest.mark.parametrize(("account", "deposit", "receivable"), [
    (ledger("Bank"), True, False),
    (ledger("Other Current Asset"), True, False),
    (ledger("Accounts Receivable"), False, True),
    (ledger("Bank", currency="USD"), False, False),
    (ledger("Accounts Receivable", currency="USD"), False, False),
    (ledger("Bank", active=False), False, False),
    (ledger("Accounts Receivable", active=False), False, False),
    (ledger("Income"), False, False),
    (ledger("Credit Card"), False, False),
])
def test_roles_for_a_euro_payment(account, deposit, receivable):
    assert RULES.is_deposit(account, "EUR") is deposit
    assert RULES.is_receivable(account, "EUR") is receivable


def test_currency_codes_compare_case_blind():
    assert RULES.is_deposit(ledger("Bank", currency="EUR"), "eur")


def sdk_account(**fields) -> SimpleNamespace:
    defaults = {"Id": "92", "Name": "Business EUR Account", "FullyQualifiedName": "",
                "AccountType": "Bank", "AccountSubType": "Checking", "Active": True,
                "CurrencyRef": SimpleNamespace(value="EUR")}
    return SimpleNamespace(**{**defaults, **fields})


def test_ledger_account_reads_what_the_sdk_parsed():
    sub_account = sdk_account(FullyQualifiedName="Checking:Petty Cash", Name="Petty Cash",
                              AccountSubType="", Active=False)

    assert transformers.ledger_account(sub_account) == LedgerAccount(
        "92", "Checking:Petty Cash", "Bank", None, "EUR", False)


def test_an_account_without_currency_is_in_the_home_currency():
    assert transformers.ledger_account(sdk_account(CurrencyRef=None), "USD").currency == "USD"
    with pytest.raises(ConnectorError):
        transformers.ledger_account(sdk_account(CurrencyRef=None))


def test_currencies_put_home_first_and_skip_inactive_and_repeated_ones():
    listed = [SimpleNamespace(Code="EUR", Name="Euro", Active=True),
              SimpleNamespace(Code="CAD", Name="Canadian Dollar", Active=False),
              SimpleNamespace(Code="USD", Name="United States Dollar", Active=True)]

    assert transformers.currencies("USD", listed) == [Currency("USD"), Currency("EUR", "Euro")]
