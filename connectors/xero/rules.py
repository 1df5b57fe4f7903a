"""Which Xero accounts may play which role (ARCHITECTURE.md, "Account roles per platform"), as
pure functions over LedgerAccount so the add-on can filter its cached chart with zero calls."""

from __future__ import annotations

from connectors.base import LedgerAccount


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


RULES = XeroAccountRules()
