"""The payment gateways Remit can connect: one entry each, built from settings.

A second gateway is one package under gateways/ implementing gateways.base.GatewayProvider, and
one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from addon.vendors import located
from gateways.base import GatewayProvider, Setting
from gateways.stripe.settings import SETTINGS as STRIPE_SETTINGS


class GatewayNotConfigured(RuntimeError):
    """Real mode without this gateway's platform credentials."""


@dataclass(frozen=True)
class GatewayKind:
    key: str
    display_name: str
    summary: object  # a lazy translated string
    build: Callable[[], GatewayProvider]
    webhook_secret: Callable[[], str | None]  # None refuses every event
    signature_header: str
    settings: tuple[Setting, ...] = ()  # what the plugin reads (addon/settings.py lists them)


def _stripe() -> GatewayProvider:
    from gateways.stripe import StripeGateway

    config = current_app.config
    if not (config.get("STRIPE_CLIENT_ID") and config.get("STRIPE_SECRET_KEY")):
        raise GatewayNotConfigured("Set REMIT_STRIPE_CLIENT_ID and REMIT_STRIPE_SECRET_KEY.")
    return StripeGateway(
        client_id=config["STRIPE_CLIENT_ID"],
        secret_key=config["STRIPE_SECRET_KEY"],
        connect_base=located("https://connect.stripe.com"),
        api_base=located("https://api.stripe.com"),
        timeout=config["HTTP_TIMEOUT"],
    )


def _stripe_webhook_secret() -> str | None:
    return current_app.config.get("STRIPE_WEBHOOK_SECRET") or None


KINDS: dict[str, GatewayKind] = {
    "stripe": GatewayKind(
        key="stripe",
        display_name="Stripe",
        summary=_l("Cards, wallets and bank debits, paid into your Stripe account."),
        build=_stripe,
        webhook_secret=_stripe_webhook_secret,
        signature_header="Stripe-Signature",
        settings=STRIPE_SETTINGS,
    ),
}


def kind(key: str) -> GatewayKind | None:
    return KINDS.get(key)


def provider(key: str) -> GatewayProvider:
    return KINDS[key].build()
