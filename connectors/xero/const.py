"""Xero constants: the real endpoints (sandbox mode maps them with sandbox.hosts.to_sandbox),
the scopes Remit asks for, and token timings. Reference: ../shared/reference/xero.md."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

API_BASE = "https://api.xero.com"  # connections live here; the Accounting API below it
ACCOUNTING_PATH = "/api.xro/2.0"
AUTHORIZE_URL = "https://login.xero.com/identity/connect/authorize"
TOKEN_URL = "https://identity.xero.com/connect/token"  # noqa: S105  (a URL, not a secret)
REVOKE_URL = "https://identity.xero.com/connect/revocation"
DISCOVERY_URL = "https://identity.xero.com/.well-known/openid-configuration"

# Apps created from 2 March 2026 may only ask for granular scopes (§1.3): `accounting.transactions`
# answers invalid_scope. Settings covers Organisation, Currencies and Accounts, and creating a
# clearing or fees account from the gateway set-up form (PUT /Accounts needs the write scope).
# Manual journals (fees, disputes) and the trial balance (clearing balances) came with payouts.
SCOPES = ("openid profile email offline_access accounting.settings accounting.invoices "
          "accounting.payments accounting.banktransactions accounting.manualjournals "
          "accounting.reports.trialbalance.read accounting.contacts.read")

REFRESH_AHEAD = timedelta(seconds=120)  # refresh an access token this close to its expiry
REFRESH_TOKEN_LIFETIME = timedelta(days=60)  # rolling: each rotation starts a new 60 days
DEFAULT_TIMEOUT = 30.0  # seconds, connect and read each
CURRENCY_RATE_PLACES = Decimal("0.000001")  # Xero keeps CurrencyRate to 6 places (reference §2.4)
