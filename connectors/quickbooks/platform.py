"""QuickBooks Online as the add-on sees it: the descriptor the registry (addon/platforms.py)
finds, with the settings this plugin reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.platform import Endpoints, LedgerPlatform, Setting
from connectors.quickbooks import const, oauth
from connectors.quickbooks.connector import QuickBooksConnector
from connectors.quickbooks.rules import RULES

ENVIRONMENTS = ("sandbox", "production")
DISCOVERY_URLS = {
    "sandbox": "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration",
    "production": "https://developer.api.intuit.com/.well-known/openid_configuration",
}
API_BASES = {"sandbox": const.SANDBOX_API_BASE, "production": const.PRODUCTION_API_BASE}

SETTINGS = (
    Setting("QUICKBOOKS_CLIENT_ID", str, None, "Intuit app client id (real mode).",
            required=True),
    Setting("QUICKBOOKS_CLIENT_SECRET", str, None, "Intuit app client secret.", secret=True,
            required=True),
    Setting("QUICKBOOKS_ENVIRONMENT", str, None, "Intuit environment of the app keys: "
            "`sandbox` (development keys, sandbox companies) or `production`. Default: "
            "`production` in production, `sandbox` elsewhere."),
)


def _endpoints(config: Mapping[str, Any]) -> Endpoints:
    environment = config["QUICKBOOKS_ENVIRONMENT"]
    return Endpoints(token=const.TOKEN_URL, revoke=const.REVOKE_URL,
                     discovery=DISCOVERY_URLS[environment], api=API_BASES[environment])


def _resolve(values: dict[str, Any], production: bool) -> None:
    values["QUICKBOOKS_ENVIRONMENT"] = (values.get("QUICKBOOKS_ENVIRONMENT")
                                        or ("production" if production else "sandbox"))
    if values["QUICKBOOKS_ENVIRONMENT"] not in ENVIRONMENTS:
        raise ValueError("QUICKBOOKS_ENVIRONMENT must be `sandbox` or `production`.")


def _connector(realm_id, tokens, client, api_base, timeout, home_currency):
    return QuickBooksConnector(realm_id, tokens, client, api_base, timeout,
                               home_currency=home_currency)


# QuickBooks Online's own pages, by the entity Remit writes ("txnId" is the entity's Id).
# Payment, JournalEntry and Deposit are the shapes QBO's address bar shows; [verify] the
# Transfer and RefundReceipt pages, kept here so each is one line to change.
OBJECT_URLS = {
    "Payment": "https://app.qbo.intuit.com/app/recvpayment?txnId={id}",
    "JournalEntry": "https://app.qbo.intuit.com/app/journal?txnId={id}",
    "Deposit": "https://app.qbo.intuit.com/app/deposit?txnId={id}",
    "Transfer": "https://app.qbo.intuit.com/app/transfer?txnId={id}",  # [verify]
    "RefundReceipt": "https://app.qbo.intuit.com/app/refundreceipt?txnId={id}",  # [verify]
}
# Every kind writes one entity type (connectors/quickbooks/connector.py).
OBJECT_TYPES = {"payment": "Payment", "fee": "JournalEntry", "dispute": "JournalEntry",
                "payout": "Deposit", "payout_reversal": "Transfer", "refund": "RefundReceipt"}

PLATFORM = LedgerPlatform(
    key="quickbooks",
    display_name="QuickBooks",
    settings=SETTINGS,
    scope="com.intuit.quickbooks.accounting openid profile email",
    endpoints=_endpoints,
    token_set=oauth.token_set,
    revoke=oauth.revoke,
    connector=_connector,
    rules=RULES,
    calls_per_minute=500,  # per realm
    payment_url=OBJECT_URLS["Payment"],
    reference_limit=const.PAYMENT_REF_LIMIT,
    object_urls=OBJECT_URLS,
    object_types=OBJECT_TYPES,
    use_pkce=False,  # Intuit does not document PKCE support
    # Intuit reports the refresh token's 5-year hard expiry only when asked.
    token_request_headers={oauth.HARD_EXPIRY_HEADER: "true"},
    userinfo_needed=True,  # Intuit's id_token carries no email or name
    company_param="realmId",
    clearing_advised_for=frozenset({"Bank"}),  # Undeposited Funds lets a payout match a deposit
    disconnect_page=True,  # Intuit's Disconnect URL
    resolve_settings=_resolve,
    page_origins=("https://appcenter.intuit.com",),
    frame_origins=("https://*.intuit.com",),
)
