"""QuickBooks' account roles as pure functions (ARCHITECTURE.md, "Account roles per platform").

The add-on filters its cached chart of accounts with RULES, and the connector filters live data
with the same functions, so a picker shows the same accounts whichever was asked.
"""

from __future__ import annotations

from connectors.base import LedgerAccount

# Payment.DepositToAccountRef accepts Bank and Other Current Asset accounts (reference §2.3).
DEPOSIT_TYPES = frozenset({"Bank", "Other Current Asset"})
RECEIVABLE_TYPE = "Accounts Receivable"
SETTLEMENT_TYPE = "Bank"
# Income and expense accounts are always in the home currency and take amounts in any
# currency, converted by QuickBooks (reference §2.4).
FEES_TYPES = frozenset({"Expense", "Other Expense"})
# QuickBooks books realised FX there itself; Stripe's fees do not belong in it.
EXCHANGE_SUBTYPE = "ExchangeGainOrLoss"


class QuickBooksRules:
    """AccountRules for QuickBooks Online: active, right AccountType, CurrencyRef = currency."""

    def is_deposit(self, account: LedgerAccount, currency: str) -> bool:
        return (account.active and account.account_type in DEPOSIT_TYPES
                and _same_currency(account, currency))

    def is_receivable(self, account: LedgerAccount, currency: str) -> bool:
        """QuickBooks creates a currency's A/R account with its first invoice in that currency;
        until then no account matches and the add-on says so."""
        return (account.active and account.account_type == RECEIVABLE_TYPE
                and _same_currency(account, currency))

    def is_settlement(self, account: LedgerAccount, currency: str) -> bool:
        """A Bank account holds one currency, so a payout lands in the bank of its currency."""
        return (account.active and account.account_type == SETTLEMENT_TYPE
                and _same_currency(account, currency))

    def is_fees(self, account: LedgerAccount, currency: str) -> bool:
        """Any active expense account, whatever `currency`: expense accounts carry the home
        currency and QuickBooks converts a foreign amount at the transaction's rate."""
        return (account.active and account.account_type in FEES_TYPES
                and account.account_subtype != EXCHANGE_SUBTYPE)


def _same_currency(account: LedgerAccount, currency: str) -> bool:
    return account.currency.upper() == currency.upper()


RULES = QuickBooksRules()
