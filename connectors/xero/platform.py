"""Xero as the add-on sees it: the descriptor the registry (addon/platforms.py) finds, with the
settings this plugin reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.platform import Endpoints, LedgerPlatform, ScopeUse, Setting
from connectors.xero import const, oauth
from connectors.xero.connector import XeroConnector
from connectors.xero.identity import XeroConnections
from connectors.xero.rules import RULES

SETTINGS = (
    Setting("XERO_CLIENT_ID", str, None, "Xero app client id (real mode).", required=True),
    Setting("XERO_CLIENT_SECRET", str, None, "Xero app client secret.", secret=True,
            required=True),
)

# Remit has always cut the gateway reference to QuickBooks' 21 characters on every ledger, so
# a payment reads the same wherever it is recorded; Xero's Reference would take more.
REFERENCE_LIMIT = 21


# Asked for since payouts were recorded (const.SCOPES): organisations connected before hold
# accounting.settings.read and none of these. Payments, refunds and payouts need none of them.
SCOPE_USES = {
    "accounting.manualjournals": ScopeUse("manual journals", "journals", ("record_journal",),
                                          also=("accounting.transactions",)),
    "accounting.settings": ScopeUse("settings", "create_accounts", ("create_account",)),
    "accounting.reports.trialbalance.read": ScopeUse(
        "the trial balance", "balances", ("account_balance",), also=("accounting.reports.read",)),
}


def _endpoints(config: Mapping[str, Any]) -> Endpoints:
    return Endpoints(token=const.TOKEN_URL, revoke=const.REVOKE_URL,
                     discovery=const.DISCOVERY_URL, api=const.API_BASE)


def _connector(tenant_id, tokens, client, api_base, timeout, home_currency):
    return XeroConnector(tenant_id, tokens, client, api_base, timeout,
                         base_currency=home_currency)


# Xero's pages, by the object Remit writes. The manual journal and bank transaction shapes are
# those Xero's own MCP server builds (src/consts/deeplinks.ts); [verify] the payment, transfer
# and sales credit-note pages, kept here so each is one line to change. Without a shortcode
# Xero opens them in the organisation last used, which is the one Remit runs in.
OBJECT_URLS = {
    "Payment": "https://go.xero.com/Bank/ViewTransaction.aspx?paymentID={id}",  # [verify]
    "ManualJournal": "https://go.xero.com/Journal/View.aspx?invoiceID={id}",
    "BankTransaction": "https://go.xero.com/Bank/ViewTransaction.aspx?bankTransactionID={id}",
    "BankTransfer": "https://go.xero.com/Bank/ViewTransfer.aspx?bankTransferID={id}",  # [verify]
    "CreditNote":  # [verify]
        "https://go.xero.com/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}",
}
# The kinds that always write one type; a fee, dispute step or payout is a manual journal, a
# bank transaction or a bank transfer depending on the accounts (connectors/xero/postings.py).
OBJECT_TYPES = {"payment": "Payment", "refund": "CreditNote"}

PLATFORM = LedgerPlatform(
    key="xero",
    display_name="Xero",
    settings=SETTINGS,
    scope=const.SCOPES,
    scope_uses=SCOPE_USES,
    endpoints=_endpoints,
    token_set=oauth.token_set,
    revoke=oauth.revoke,
    connector=_connector,
    rules=RULES,
    calls_per_minute=60,  # per organisation
    payment_url=OBJECT_URLS["Payment"],
    reference_limit=REFERENCE_LIMIT,
    object_urls=OBJECT_URLS,
    object_types=OBJECT_TYPES,
    use_pkce=True,
    connections=XeroConnections,  # one consent may cover several organisations
    receivable_is_fixed=True,  # one DEBTORS account for every currency
    # A payments-enabled CURRENT account clears payments and fees apart from the bank feed; it
    # is in the base currency, like every Xero account but a BANK one.
    clearing_advised_for=frozenset({"BANK"}),
    clearing_in_home_currency_only=True,
    page_origins=("https://login.xero.com",),
    frame_origins=("https://*.xero.com",),
)
