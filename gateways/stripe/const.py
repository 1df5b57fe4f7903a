"""Stripe's fixed facts: hosts, paths, the pinned API version and Connect OAuth parameters.

Sources: https://docs.stripe.com/connect/oauth-reference (authorize, token, deauthorize),
https://docs.stripe.com/api/versioning and https://docs.stripe.com/webhooks/versioning (the
pinned version), https://docs.stripe.com/webhooks/signature (tolerance); reference
../shared/reference/stripe.md §1, §2.7, §4.2.
"""

from __future__ import annotations

CONNECT_BASE = "https://connect.stripe.com"
API_BASE = "https://api.stripe.com"
AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"  # noqa: S105 (a path, not a secret)
DEAUTHORIZE_PATH = "/oauth/deauthorize"
AUTHORIZE_URL = CONNECT_BASE + AUTHORIZE_PATH
TOKEN_URL = CONNECT_BASE + TOKEN_PATH
DEAUTHORIZE_URL = CONNECT_BASE + DEAUTHORIZE_PATH

# What stripe-python 16.1.0 pins (stripe/_api_version.py) and sends as Stripe-Version on every
# request, /oauth/token included. The Connect webhook endpoint must be created with the same
# version so event payloads match what the SDK models (reference §2.7).
API_VERSION = "2026-10-28.endive"

# New platforms must ask for read_write; read_only is for (retired) Extensions (reference §1.1).
SCOPE = "read_write"
LANDINGS = ("login", "register")

# stripe_user[...] keys Stripe accepts to prefill a NEW account (reference §1.3). Values Stripe
# cannot use are silently dropped by Stripe; empty ones are dropped here.
PREFILL_KEYS = (
    "email", "url", "country", "phone_number", "business_name", "business_type",
    "first_name", "last_name", "dob_day", "dob_month", "dob_year", "street_address", "city",
    "state", "zip", "physical_product", "product_description", "currency",
)

WEBHOOK_TOLERANCE = 300  # seconds; Stripe's default (stripe.Webhook.DEFAULT_TOLERANCE)
