"""Which Xero accounts may play which role (ARCHITECTURE.md, "Account roles per platform"), as
pure functions over LedgerAccount so the add-on can filter its cached chart with zero calls."""

from __future__ import annotations

from connectors.base import LedgerAccount

FEES_TYPES = frozenset({"EXPENSE", "OVERHEADS"})


class XeroAccountRules:
    def is_deposit(self, account: LedgerAccount, currency: str) -> bool:
        """An active BANK account in `currency`, or an active account with payments enabled
        (a clearing account). Only BANK accounts carry a currency at Xero; the transformer
        gives the others the organisation's base currency, so a clearing account is offered
        for the base currency only (reference §2.2, §2.6)."""
        return (account.active and account.currency == currency
                and (account.account_type == "BANK" or account.payments_enabled))

    def is_receivable(self, account: LedgerAccount, currency: str) -> bool:
        """The active DEBTORS system account, whatever the currency: Xero keeps one AR account
        for every currency and posts invoices to it itself (reference §2.3)."""
        return account.active and account.system_account == "DEBTORS"

    def is_settlement(self, account: LedgerAccount, currency: str) -> bool:
        """An active BANK account in `currency`: Stripe pays each currency to its own bank."""
        return account.active and account.account_type == "BANK" and account.currency == currency

    def is_fees(self, account: LedgerAccount, currency: str) -> bool:
        """An active EXPENSE or OVERHEADS account, whatever `currency`: Xero's non-bank accounts
        are in the base currency and take foreign amounts converted (reference §2.2)."""
        return account.active and account.account_type in FEES_TYPES


RULES = XeroAccountRules()
