"""Stripe's fixed facts: hosts, paths, the pinned API version and Connect OAuth parameters.

Sources: https://docs.stripe.com/connect/oauth-reference (authorize, token, deauthorize),
https://docs.stripe.com/api/versioning and https://docs.stripe.com/webhooks/versioning (the
pinned version), https://docs.stripe.com/webhooks/signature (tolerance); reference
../shared/reference/stripe.md §1, §2.7, §4.2.
"""

from __future__ import annotations

CONNECT_BASE = "https://connect.stripe.com"
API_BASE = "https://api.stripe.com"
CHECKOUT_BASE = "https://checkout.stripe.com"  # where Checkout Sessions' pages live
DASHBOARD_BASE = "https://dashboard.stripe.com"
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

SIGNATURE_HEADER = "Stripe-Signature"
WEBHOOK_TOLERANCE = 300  # seconds; Stripe's default (stripe.Webhook.DEFAULT_TOLERANCE)

# A Checkout Session's `expires_at` must lie 30 minutes to 24 hours after its creation
# (https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-expires_at;
# https://docs.stripe.com/payments/checkout/managing-limited-inventory). Remit asks for the
# shortest life, plus a minute so clock drift and transit never make Stripe refuse it.
SESSION_MIN_LIFETIME = 30 * 60
SESSION_MAX_LIFETIME = 24 * 3600
SESSION_LIFETIME = SESSION_MIN_LIFETIME + 60

# Minimum charge per presentment currency, in minor units
# (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). A currency not listed
# has Stripe's "0.50 USD or equivalent", converted at the day's rate: no fixed figure exists,
# so Remit leaves it to Stripe and shows Stripe's amount_too_small refusal instead.
MINIMUM_CHARGE_MINOR = {
    "USD": 50, "AED": 200, "AUD": 50, "BGN": 100,  # [verify] BGN
    "BRL": 50, "CAD": 50, "CHF": 50, "CZK": 1500, "DKK": 250, "EUR": 50, "GBP": 30,
    "HKD": 400, "HUF": 17500,  # [verify] HUF
    "INR": 50,  # [verify] INR
    "JPY": 50, "MXN": 1000, "MYR": 200,  # [verify] MYR
    "NOK": 300, "NZD": 50, "PLN": 200, "RON": 200,  # [verify] RON
    "SEK": 300, "SGD": 50, "THB": 1000,  # [verify] THB
}
# "The amount value supports up to eight digits" (99,999,999 minor units) for most currencies;
# [verify] the documented exceptions allow more digits (IDR twelve).
MAXIMUM_CHARGE_MINOR = 99_999_999
MAXIMUM_CHARGE_EXCEPTIONS = {"IDR": 999_999_999_999}  # [verify]
# Three-decimal currencies: Stripe takes amounts in thousandths but their last digit must be 0
# (https://docs.stripe.com/currencies#three-decimal), else `invalid_charge_amount`.
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
THREE_DECIMAL_STEP = 10
