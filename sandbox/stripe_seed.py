"""The Stripe stand-in's seed: the platform registration, the existing accounts a user can sign
in with, and the country specs, each built in the exact shape of Stripe's objects
(../shared/specs/stripe/fixtures3.json `account`, `country_spec`).
"""

from __future__ import annotations

import copy

# The platform registration the stand-in accepts; the add-on uses it in sandbox mode. Published
# on purpose: these guard nothing. The key is test-mode shaped so Remit's livemode logic sees a
# test key; codes and tokens the stand-in issues never look like real Stripe secrets.
PLATFORM_CLIENT_ID = "ca_RemitSandboxPlatform0000000000001"
PLATFORM_SECRET_KEY = "sk_test_RemitSandboxPlatformKeyNotSecret"
WEBHOOK_SECRET = "whsec_RemitSandboxSigningSecretNotSecret"
PLATFORM_NAME = "Remit (sandbox)"
# The version the platform's Connect webhook endpoint is pinned to: stripe-python 16.1.0's.
API_VERSION = "2026-10-28.endive"
SEEDED_AT = 1767225600  # 2026-01-01T00:00:00Z, so seeded objects never change between runs

COUNTRIES = {"CA": "Canada", "DE": "Germany", "FR": "France", "GB": "United Kingdom",
             "US": "United States"}
SEPA = ["AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PT"]
# Settlement (bank account) currencies per country: what a new account may choose.
BANK_CURRENCIES = {
    "US": {"usd": ["US"]},
    "CA": {"cad": ["CA"], "usd": ["CA", "US"]},
    "GB": {"eur": SEPA, "gbp": ["GB"], "usd": ["GB", "US"]},
    "FR": {"eur": SEPA, "gbp": ["GB"], "usd": ["US"]},
    "DE": {"eur": SEPA, "gbp": ["GB"], "usd": ["US"]},
}
DEFAULT_CURRENCY = {"US": "usd", "CA": "cad", "GB": "gbp", "FR": "eur", "DE": "eur"}
# Presentment currencies: the same list for every country here, as at Stripe (abridged).
PAYMENT_CURRENCIES = [
    "aed", "aud", "brl", "cad", "chf", "cny", "czk", "dkk", "eur", "gbp", "hkd", "huf", "inr",
    "jpy", "krw", "kwd", "mxn", "nok", "nzd", "pln", "ron", "sek", "sgd", "thb", "usd", "zar"]
# Stripe's zero-decimal currencies among those above (amounts in whole units); the others have
# two decimals (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL_CURRENCIES = ("jpy", "krw")
# Three-decimal currencies: amounts in thousandths whose last digit must be 0.
THREE_DECIMAL_CURRENCIES = ("kwd",)
# Minimum charge in minor units (https://docs.stripe.com/currencies#minimum-and-maximum-charge-
# amounts); currencies not listed have "0.50 USD or equivalent": here at a fixed rate.
MINIMUM_CHARGE = {"usd": 50, "aed": 200, "aud": 50, "brl": 50, "cad": 50, "chf": 50,
                  "czk": 1500, "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500,
                  "inr": 50, "jpy": 50, "mxn": 1000, "nok": 300, "nzd": 50, "pln": 200,
                  "ron": 200, "sek": 300, "sgd": 50, "thb": 1000, "kwd": 160, "cny": 400,
                  "krw": 700, "zar": 1000}
MAXIMUM_CHARGE = 99_999_999  # eight digits


def exponent(currency: str) -> int:
    if currency in ZERO_DECIMAL_CURRENCIES:
        return 0
    return 3 if currency in THREE_DECIMAL_CURRENCIES else 2
TRANSFER_COUNTRIES = ["AT", "AU", "BE", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE",
                      "IT", "JP", "LU", "NL", "NO", "NZ", "PT", "SE", "SG", "US"]

SEED = {  # account id -> what its owner entered when creating it
    "acct_1RemitSandboxUS01": {"name": "Remit Sandbox Shop", "country": "US",
                               "email": "owner@remit-sandbox-shop.example", "currency": "usd",
                               "timezone": "America/New_York"},
    "acct_1RemitSandboxFR01": {"name": "Boutique Remit", "country": "FR",
                               "email": "contact@boutique-remit.example", "currency": "eur",
                               "timezone": "Europe/Paris"},
}
TIMEZONES = {"US": "America/New_York", "CA": "America/Toronto", "GB": "Europe/London",
             "FR": "Europe/Paris", "DE": "Europe/Berlin"}


def seeded_accounts() -> dict[str, dict]:
    return {account_id: account_object(account_id, created=SEEDED_AT, **details)
            for account_id, details in SEED.items()}


def account_object(account_id: str, *, name: str, country: str, email: str, currency: str,
                   timezone: str, created: int) -> dict:
    """A Standard account as GET /v1/accounts/{id} shows it to its platform."""
    nothing_due = {"alternatives": [], "current_deadline": None, "currently_due": [],
                   "disabled_reason": None, "errors": [], "eventually_due": [], "past_due": [],
                   "pending_verification": []}
    return {
        "id": account_id, "object": "account",
        "business_profile": {
            "annual_revenue": None, "estimated_worker_count": None, "mcc": None,
            "minority_owned_business_designation": None, "name": name,
            "product_description": None, "support_address": None, "support_email": email,
            "support_phone": None, "support_url": None, "url": None},
        "business_type": "company",
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": True, "controller": {"type": "account"}, "country": country,
        "created": created, "default_currency": currency, "details_submitted": True,
        "email": email, "future_requirements": copy.deepcopy(nothing_due), "metadata": {},
        "payouts_enabled": True, "requirements": nothing_due,
        "settings": _settings(name, timezone),
        "tos_acceptance": {"date": created, "ip": None, "user_agent": None},
        "type": "standard",
    }


def _settings(name: str, timezone: str) -> dict:
    descriptor = "".join(c for c in name.upper() if c.isalnum() or c == " ")[:22] or None
    kana_kanji = {"statement_descriptor_kana": None, "statement_descriptor_kanji": None}
    return {
        "bacs_debit_payments": {"display_name": None, "service_user_number": None},
        "branding": {"icon": None, "logo": None, "primary_color": None,
                     "secondary_color": None},
        "card_payments": {"decline_on": {"avs_failure": False, "cvc_failure": False},
                          "statement_descriptor_prefix": None,
                          "statement_descriptor_prefix_kana": None,
                          "statement_descriptor_prefix_kanji": None},
        "dashboard": {"display_name": name, "timezone": timezone},
        "invoices": {"default_account_tax_ids": None, "hosted_payment_method_save": "offer"},
        "payments": {"statement_descriptor": descriptor, **kana_kanji,
                     "statement_descriptor_prefix_kana": None,
                     "statement_descriptor_prefix_kanji": None},
        "payouts": {"debit_negative_balances": True,
                    "schedule": {"delay_days": 2, "interval": "daily"},
                    "statement_descriptor": None},
        "sepa_debit_payments": {},
    }


def country_spec(country: str) -> dict | None:
    """GET /v1/country_specs/{country}, or None for a country the stand-in does not know."""
    if country not in COUNTRIES:
        return None
    methods = ["ach", "card", "stripe"] if country == "US" else ["card", "stripe"]
    minimum = ["business_profile.mcc", "business_profile.url", "business_type",
               "external_account", "tos_acceptance.date", "tos_acceptance.ip"]
    return {
        "id": country, "object": "country_spec", "default_currency": DEFAULT_CURRENCY[country],
        "supported_bank_account_currencies": copy.deepcopy(BANK_CURRENCIES[country]),
        "supported_payment_currencies": list(PAYMENT_CURRENCIES),
        "supported_payment_methods": methods,
        "supported_transfer_countries": list(TRANSFER_COUNTRIES),
        "verification_fields": {
            "company": {"additional": [], "minimum": [*minimum, "company.name",
                                                      "company.tax_id", "representative.email"]},
            "individual": {"additional": [], "minimum": [*minimum, "individual.email",
                                                         "individual.first_name",
                                                         "individual.last_name"]},
        },
    }
