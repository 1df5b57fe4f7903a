"""Stripe: Connect OAuth for Standard accounts, the API calls made for a connected account, and
Connect webhook verification.

`client.py` is the only module importing the `stripe` SDK; `oauth.py` holds the Authlib side
(authorize URL, the one code exchange); `provider.py` puts both behind gateways.base's
GatewayProvider as `StripeGateway`.
"""

from gateways.stripe.provider import StripeGateway

__all__ = ["StripeGateway"]
