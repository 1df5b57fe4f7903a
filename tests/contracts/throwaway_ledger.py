"""The sources of a throwaway ledger plugin, one per file the "Add a ledger" walkthrough of
docs/architecture.md names: an in-memory ledger (its "client" is a dict), a descriptor, and the
contract harness. `{key}`/`{Key}`/`{KEY}` are filled in by test_plugin_walkthrough.py."""

from __future__ import annotations

CONNECTOR_PACKAGE = {
    "__init__.py": '''
"""{Key}: an in-memory ledger, made by a test and removed after it."""
from connectors.{key}.connector import {Key}Connector

__all__ = ["{Key}Connector"]
''',
    "client.py": '''
"""The "vendor SDK": one company's books in memory, answering as a ledger's API would."""
from connectors.base import Rejected

BOOKS = {{
    "c-1": {{
        "company": {{"name": "{Key} Demo Ltd", "currency": "GBP", "country": "GB"}},
        "currencies": ["GBP", "EUR"],
        "accounts": [
            {{"id": "1", "name": "Current", "type": "bank", "currency": "GBP"}},
            {{"id": "2", "name": "Euro Current", "type": "bank", "currency": "EUR"}},
            {{"id": "3", "name": "Debtors", "type": "receivable", "currency": "GBP"}},
            {{"id": "4", "name": "Sales", "type": "income", "currency": "GBP"}},
            {{"id": "5", "name": "Bank charges", "type": "expense", "currency": "GBP"}},
        ],
        "invoices": {{"inv-1": {{"number": "1", "customer": "cu-1", "name": "Amy",
                                 "currency": "GBP", "total": "250.00", "due": "250.00"}}}},
    }},
}}


def fetch(company: str, what: str, item: str | None = None):
    books = BOOKS[company][what]
    if item is None:
        return books
    if item not in books:
        raise Rejected(f"{{what}} {{item}}: not found", detail=f"No {{what}} {{item}}.")
    return books[item]
''',
    "transformers.py": '''
"""The ledger's records as Remit's types."""
from decimal import Decimal

from connectors.base import CompanyInfo, Currency, Invoice, LedgerAccount


def company(raw: dict, currencies: list) -> CompanyInfo:
    return CompanyInfo(raw["name"], raw["currency"], len(currencies) > 1, raw["country"])


def currency(code: str) -> Currency:
    return Currency(code)


def account(raw: dict) -> LedgerAccount:
    return LedgerAccount(raw["id"], raw["name"], raw["type"], None, raw["currency"], True)


def invoice(invoice_id: str, raw: dict) -> Invoice:
    total, due = Decimal(raw["total"]), Decimal(raw["due"])
    return Invoice(invoice_id, raw["number"], raw["customer"], raw["name"], raw["currency"],
                   total, due, "open" if due else "paid")
''',
    "rules.py": '''
"""Which accounts may take a deposit, hold the receivable, receive payouts or take fees."""


class Rules:
    def is_deposit(self, account, currency):
        return account.account_type == "bank" and account.currency == currency and account.active

    def is_receivable(self, account, currency):
        return account.account_type == "receivable"

    def is_settlement(self, account, currency):
        return self.is_deposit(account, currency)

    def is_fees(self, account, currency):
        return account.account_type == "expense" and account.active


RULES = Rules()
''',
    "connector.py": '''
"""The connector over the in-memory books."""
from connectors.{key} import client, transformers
from connectors.{key}.rules import RULES


class {Key}Connector:
    def __init__(self, company_id, tokens, oauth, api_base, timeout, home_currency=None):
        self.company_id, self.tokens = company_id, tokens

    def _read(self, what, item=None):
        self.tokens.current()
        return client.fetch(self.company_id, what, item)

    def company_info(self):
        return transformers.company(self._read("company"), self._read("currencies"))

    def currencies(self):
        return [transformers.currency(code) for code in self._read("currencies")]

    def accounts(self):
        return [transformers.account(raw) for raw in self._read("accounts")]

    def deposit_accounts(self, currency):
        return [a for a in self.accounts() if RULES.is_deposit(a, currency)]

    def receivable_accounts(self, currency):
        return [a for a in self.accounts() if RULES.is_receivable(a, currency)]

    def account(self, account_id):
        return next((a for a in self.accounts() if a.id == account_id), None)

    def accounts_by_id(self, account_ids):
        return {{a.id: a for a in self.accounts() if a.id in account_ids}}

    def invoice(self, invoice_id):
        return transformers.invoice(invoice_id, self._read("invoices", invoice_id))

    def record_payment(self, posting):
        raise NotImplementedError("the throwaway ledger takes no payments")
''',
    "platform.py": '''
"""{Key} as the add-on sees it: the descriptor the registry finds through its entry point."""
from connectors.base import TokenSet
from connectors.platform import Endpoints, LedgerPlatform, Setting
from connectors.{key}.connector import {Key}Connector
from connectors.{key}.rules import RULES

PLATFORM = LedgerPlatform(
    key="{key}",
    display_name="{Key} Books",
    settings=(
        Setting("{KEY}_CLIENT_ID", str, None, "{Key} app client id.", required=True),
        Setting("{KEY}_CLIENT_SECRET", str, None, "{Key} app client secret.", secret=True,
                required=True),
    ),
    scope="accounting",
    endpoints=lambda config: Endpoints(token="https://{key}.example/token",
                                       revoke="https://{key}.example/revoke",
                                       discovery="https://{key}.example/.well-known",
                                       api="https://api.{key}.example"),
    token_set=lambda answer: TokenSet(answer["access_token"], answer["refresh_token"],
                                      answer["expires_at"]),
    revoke=lambda client, refresh_token, timeout: None,
    connector={Key}Connector,
    rules=RULES,
    calls_per_minute=120,
    payment_url="https://{key}.example/payments/{{id}}",
    reference_limit=30,
)
''',
}

HARNESS = '''
"""{Key}'s side of the contract: its in-memory company, cassettes that record no HTTP."""
from datetime import UTC, datetime, timedelta
from pathlib import Path

from connectors.base import OAuthClient, TokenSet
from connectors.{key}.platform import PLATFORM
from tests.connectors.conftest import MemoryTokenKeeper
from tests.contracts.harness import Case

CASSETTES = Path({cassettes!r})


class Harness:
    key = "{key}"
    platform = PLATFORM
    config = {{}}
    company_name = "{Key} Demo Ltd"
    open_invoice, unknown_invoice = "inv-1", "inv-404"
    role_currencies = ("GBP", "EUR")
    cases = {{behaviour: Case(CASSETTES / f"{{behaviour}}.yaml", "c-1")
              for behaviour in ("company_and_currencies", "accounts_by_role", "open_invoice",
                                "unknown_invoice")}}

    def keeper(self, mode, case, expires_in=3600):
        return MemoryTokenKeeper(TokenSet("at", "rt", datetime.now(UTC)
                                          + timedelta(seconds=expires_in)))

    def client(self, mode):
        return OAuthClient("id", "secret", "https://{key}.example/token",
                           "https://{key}.example/revoke")

    def api_base(self):
        return PLATFORM.endpoints(self.config).api

    def vcr_config(self, base):
        return base
'''

EMPTY_CASSETTE = "interactions: []\nversion: 1\n"  # the in-memory ledger makes no HTTP call
