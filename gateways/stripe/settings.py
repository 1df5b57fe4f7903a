"""The settings the Stripe plugin reads; addon/settings.py builds its table, the production
check and README's list from them (through addon/gateways/registry.py)."""

from __future__ import annotations

from gateways.base import Setting

SETTINGS = (
    Setting("STRIPE_CLIENT_ID", str, None, "Stripe Connect platform client id (`ca_…`).",
            required=True),
    Setting("STRIPE_SECRET_KEY", str, None, "Stripe platform secret key.", secret=True,
            required=True),
    Setting("STRIPE_WEBHOOK_SECRET", str, None, "Signing secret of the Connect webhook "
            "endpoint (`whsec_…`).", secret=True, required=True),
)
