"""Connectors for stored companies: the one place the add-on builds a platform connector."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask import current_app

from addon import platforms
from addon.auth.tokens import DatabaseTokenKeeper
from addon.models import Company
from addon.vendors import vendor
from connectors.base import AccountRules, AuthError, Connector, TokenKeeper
from connectors.platform import Connections


class _Rules(Mapping[str, AccountRules]):
    """Account-role rules by platform key, read from the registry each time."""

    def __getitem__(self, key: str) -> AccountRules:
        try:
            return platforms.get(key).rules
        except platforms.UnknownPlatform:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(platforms.registered())

    def __len__(self) -> int:
        return len(platforms.registered())


RULES: Mapping[str, AccountRules] = _Rules()


def connector_for(company: Company) -> Connector:
    if company.connection_id is None or company.disconnected_at is not None:
        raise AuthError("This company is disconnected; reconnect it first.")
    return build_connector(company.platform, company.external_id,
                           DatabaseTokenKeeper(company.connection_id), company.home_currency)


def build_connector(platform: str, external_id: str, tokens: TokenKeeper,
                    home_currency: str | None = None) -> Connector:
    details = vendor(platform)
    return details.platform.connector(external_id, tokens, details.client, details.api_base,
                                      current_app.config["HTTP_TIMEOUT"], home_currency)


def connections(platform: str, tokens: TokenKeeper) -> Connections:
    """The companies one consent covers, for a platform that lists them."""
    details = vendor(platform)
    if details.platform.connections is None:
        raise TypeError(f"{details.platform.display_name} consents cover one company each.")
    return details.platform.connections(tokens, details.client, details.api_base,
                                        current_app.config["HTTP_TIMEOUT"])
