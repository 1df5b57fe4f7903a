"""Stripe: Connect OAuth for Standard accounts, the API calls made for a connected account
(its profile, Checkout Sessions as direct charges), Connect webhook verification, and the money
movements its events record.

`client.py` is the only module importing the `stripe` SDK; `oauth.py` holds the Authlib side
(authorize URL, the one code exchange); `checkout.py`, `events.py` and `currencies.py` are pure
(parameters, answers, events, minor units); `provider.py` puts them behind gateways.base's
GatewayProvider as `StripeGateway`, which `from_settings` builds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from gateways.base import GatewayNotConfigured
from gateways.stripe.const import API_BASE, CONNECT_BASE
from gateways.stripe.currencies import exponent
from gateways.stripe.provider import StripeGateway

__all__ = ["StripeGateway", "exponent", "from_settings", "webhook_secret"]


def from_settings(config: Mapping, locate: Callable[[str], str] = str) -> StripeGateway:
    """The gateway from the add-on's settings; `locate` moves Stripe's real URLs onto
    stand-ins when the development stack asks. GatewayNotConfigured without credentials."""
    if not (config.get("STRIPE_CLIENT_ID") and config.get("STRIPE_SECRET_KEY")):
        raise GatewayNotConfigured("Set REMIT_STRIPE_CLIENT_ID and REMIT_STRIPE_SECRET_KEY.")
    return StripeGateway(client_id=config["STRIPE_CLIENT_ID"],
                         secret_key=config["STRIPE_SECRET_KEY"],
                         connect_base=locate(CONNECT_BASE), api_base=locate(API_BASE),
                         timeout=config["HTTP_TIMEOUT"])


def webhook_secret(config: Mapping) -> str | None:
    """The Connect webhook's signing secret; None refuses every event."""
    return config.get("STRIPE_WEBHOOK_SECRET") or None
