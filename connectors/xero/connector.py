"""Xero behind Remit's Connector contract: one connected organisation (tenant)."""

from __future__ import annotations

from typing import Any

from connectors.base import CompanyInfo, Currency, LedgerAccount, OAuthClient, TokenKeeper
from connectors.xero import transformers
from connectors.xero.client import XeroClient
from connectors.xero.const import API_BASE, DEFAULT_TIMEOUT
from connectors.xero.rules import RULES
from connectors.xero.session import TokenSession


class XeroConnector:
    """One Xero organisation reached through one grant's tokens.

    `api_base` is Xero's real API origin; sandbox mode passes the stand-in's equivalent
    (`sandbox.hosts.to_sandbox`). `timeout` (seconds) bounds connecting and reading, each, on
    every HTTP call. Tokens are refreshed ahead of expiry and once on a 401, always through
    `tokens` (a TokenKeeper). Every method raises ConnectorError subclasses.

    The Organisation is read at most once per instance (its base currency prices every
    non-bank account), so build a connector per job or request, not per process.
    """

    def __init__(self, tenant_id: str, tokens: TokenKeeper, client: OAuthClient,
                 api_base: str = API_BASE, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.tenant_id = tenant_id
        self._session = TokenSession(tokens, client, timeout)
        self._xero = XeroClient(client.client_id, api_base, timeout)
        self._organisation: Any = None

    def company_info(self) -> CompanyInfo:
        """Two reads: Organisation (name, base currency, country) and Currencies."""
        return transformers.company_info(self._organisation_model(), self._currency_models())

    def currencies(self) -> list[Currency]:
        return [transformers.currency(model) for model in self._currency_models()]

    def accounts(self) -> list[LedgerAccount]:
        """The whole chart (active and archived) in one read: /Accounts is not paged."""
        base = transformers.base_currency(self._organisation_model())
        models = self._session.run(lambda token: self._xero.accounts(token, self.tenant_id))
        return [transformers.ledger_account(model, base) for model in models]

    def deposit_accounts(self, currency: str) -> list[LedgerAccount]:
        return [account for account in self.accounts() if RULES.is_deposit(account, currency)]

    def receivable_accounts(self, currency: str) -> list[LedgerAccount]:
        return [account for account in self.accounts()
                if RULES.is_receivable(account, currency)]

    def _organisation_model(self) -> Any:
        if self._organisation is None:
            self._organisation = self._session.run(
                lambda token: self._xero.organisation(token, self.tenant_id))
        return self._organisation

    def _currency_models(self) -> list[Any]:
        return self._session.run(lambda token: self._xero.currencies(token, self.tenant_id))
