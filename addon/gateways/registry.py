"""The payment gateways Remit can connect: one entry each, built from settings.

A second gateway is one package under gateways/ implementing gateways.base.GatewayProvider
(with its own factory from settings), and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

import gateways.stripe
from addon.vendors import located
from gateways.base import GatewayNotConfigured, GatewayProvider, Setting
from gateways.stripe.settings import SETTINGS as STRIPE_SETTINGS

__all__ = ["KINDS", "GatewayKind", "GatewayNotConfigured", "exponent", "kind", "provider"]


@dataclass(frozen=True)
class GatewayKind:
    key: str
    display_name: str
    summary: object  # a lazy translated string
    factory: Callable[..., GatewayProvider]  # (settings, locate) -> provider
    secret: Callable[..., str | None]  # (settings) -> webhook signing secret
    # Decimal places of the gateway's minor unit per currency: pure, known without
    # credentials, so stored amounts are read back the way the gateway wrote them.
    exponent: Callable[[str], int]
    # Origins of the gateway's pages a form of Remit may lead to (CSP form-action).
    page_origins: tuple[str, ...]
    settings: tuple[Setting, ...] = ()  # what the plugin reads (addon/settings.py lists them)

    def build(self) -> GatewayProvider:
        """The provider on this deployment's settings (stand-ins in sandbox mode);
        GatewayNotConfigured without its credentials."""
        return self.factory(current_app.config, located)

    def webhook_secret(self) -> str | None:
        return self.secret(current_app.config)


KINDS: dict[str, GatewayKind] = {
    "stripe": GatewayKind(
        key="stripe",
        display_name="Stripe",
        summary=_l("Cards, wallets and bank debits, paid into your Stripe account."),
        factory=gateways.stripe.from_settings,
        secret=gateways.stripe.webhook_secret,
        exponent=gateways.stripe.exponent,
        page_origins=gateways.stripe.StripeGateway.page_origins,
        settings=STRIPE_SETTINGS,
    ),
}


def kind(key: str) -> GatewayKind | None:
    return KINDS.get(key)


def provider(key: str) -> GatewayProvider:
    return KINDS[key].build()


def exponent(key: str, currency: str) -> int:
    """The decimal places gateway `key` writes `currency` amounts with."""
    return KINDS[key].exponent(currency)
