"""Connectors for stored companies: the one place the add-on builds a platform connector."""

from __future__ import annotations

from flask import current_app

from addon.auth.tokens import DatabaseTokenKeeper
from addon.models import Company, Platform
from addon.vendors import vendor
from connectors import quickbooks, xero
from connectors.base import AccountRules, AuthError, Connector, TokenKeeper

RULES: dict[Platform, AccountRules] = {
    Platform.QUICKBOOKS: quickbooks.RULES,
    Platform.XERO: xero.RULES,
}


def connector_for(company: Company) -> Connector:
    if company.connection_id is None or company.disconnected_at is not None:
        raise AuthError("This company is disconnected; reconnect it first.")
    return build_connector(company.platform, company.external_id,
                           DatabaseTokenKeeper(company.connection_id), company.home_currency)


def build_connector(platform: Platform, external_id: str, tokens: TokenKeeper,
                    home_currency: str | None = None) -> Connector:
    details = vendor(platform)
    timeout = current_app.config["HTTP_TIMEOUT"]
    if platform is Platform.QUICKBOOKS:
        return quickbooks.QuickBooksConnector(
            external_id, tokens, details.client, details.api_base, timeout,
            home_currency=home_currency,
        )
    return xero.XeroConnector(external_id, tokens, details.client, details.api_base, timeout,
                              base_currency=home_currency)


def xero_connections(tokens: TokenKeeper) -> xero.XeroConnections:
    details = vendor(Platform.XERO)
    return xero.XeroConnections(tokens, details.client, details.api_base,
                                current_app.config["HTTP_TIMEOUT"])
