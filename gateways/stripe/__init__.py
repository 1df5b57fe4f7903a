"""Stripe: Connect OAuth for Standard accounts, the API calls made for a connected account
(its profile, Checkout Sessions as direct charges), Connect webhook verification, and the money
movements its events record.

`client.py` is the only module importing the `stripe` SDK; `oauth.py` holds the Authlib side
(authorize URL, the one code exchange); `checkout.py` and `events.py` are pure (parameters,
answers, events); `provider.py` puts them behind gateways.base's GatewayProvider as
`StripeGateway`.
"""

from gateways.stripe.provider import StripeGateway

__all__ = ["StripeGateway"]
