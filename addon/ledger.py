"""Connectors for stored companies: the one place the add-on builds a platform connector."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from flask import current_app

from addon import platforms
from addon.auth.tokens import DatabaseTokenKeeper
from addon.models import Company
from addon.posting import budget
from addon.vendors import vendor
from connectors import calls
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
    """The company's connector; every HTTP call it makes is on the company's shared call
    budget (addon/posting/budget.py)."""
    if company.connection_id is None or company.disconnected_at is not None:
        raise AuthError("This company is disconnected; reconnect it first.")
    connector = build_connector(company.platform, company.external_id,
                                DatabaseTokenKeeper(company.connection_id),
                                company.home_currency)
    return _Observed(connector, budget.CompanyCalls(company))  # type: ignore[return-value]


class _Observed:
    """A connector whose every method runs with its company's observer installed, so the one
    hook in the connectors' transports (connectors/calls.py) sees each call it makes, token
    refreshes included. Attributes that are not methods are the connector's own."""

    def __init__(self, connector: Connector, observer: calls.CallObserver) -> None:
        self._connector = connector
        self._observer = observer

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._connector, name)
        if not callable(value):
            return value

        @functools.wraps(value)
        def observed(*args: Any, **kwargs: Any) -> Any:
            with calls.observed_by(self._observer):
                return value(*args, **kwargs)

        return observed


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
