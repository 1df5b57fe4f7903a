"""The ledger side of the simulated month (tests/app/month.py), per platform: how the company
and its Stripe gateway are set up, how invoices are made, and what the ledger stand-in holds
afterwards (invoice balances, the clearing account's balance, the transactions Remit wrote),
read from the stand-in's own state, never through Remit.

QuickBooks: the US company (USD home) with the US Stripe account, which settles in USD: EUR,
JPY and KWD payments are converted by Stripe. Xero: the UK organisation (GBP base) with a GB
Stripe account made on the way, which settles in GBP: USD, EUR and JPY are converted.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from addon.accounts import cached_accounts, refresh_ledger
from addon.extensions import db
from addon.models import Company, Gateway
from tests.app.month import Bill

STRIPE_ID = re.compile(r"\b(?:ch|pi|txn|re|dp|po)_[A-Za-z0-9]+")


@dataclass(frozen=True)
class LedgerTxn:
    """One transaction Remit wrote, as the ledger stand-in holds it: its type and id, its
    amount in its own currency, what it moved on the clearing account (home currency, signed,
    as the stand-in's own accounting says), the Stripe ids it names, and for a payout the
    lines it took from clearing (signed)."""

    type: str
    id: str
    currency: str
    amount: Decimal
    clearing: Decimal
    stripe_ids: frozenset[str]
    lines: tuple[Decimal, ...] = ()


def named_ids(entity: dict) -> frozenset[str]:
    return frozenset(STRIPE_ID.findall(json.dumps(entity, default=str)))


def _amount(draw: random.Random, currency: str, low: int, high: int) -> Decimal:
    """A random invoice total: whole yen, KWD in tens of fils (Stripe's last digit 0), else
    cents."""
    if currency == "JPY":
        return Decimal(draw.randint(low * 100, high * 100))
    if currency == "KWD":
        return Decimal(draw.randint(low * 100, high * 100)).scaleb(-2).quantize(Decimal("0.001"))
    return Decimal(draw.randint(low * 100, high * 100)) / 100


def _save_gateway(client, company: Company, form: dict) -> Gateway:
    gateway = db.session.query(Gateway).filter_by(company_id=company.id).one()
    answer = client.post(f"/settings/gateways/{gateway.id}",
                         data={"description": "Stripe.com", "action": "save", **form})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    db.session.expire_all()
    return gateway


class QuickBooksBooks:
    """The US QuickBooks company; clearing: "Stripe Clearing" (Other Current Asset, USD)."""

    name = "quickbooks"
    home = settlement = "USD"
    currencies = ("USD", "EUR", "JPY", "KWD")
    weights = (40, 25, 20, 15)
    clearing_id, receivable_id, bank_id, fees_id = "95", "84", "35", "8"
    payment_types = ("Payment",)

    def writes_per(self, kind: str, invoices: int) -> int:
        """Ledger transactions one Stripe object makes: one each (a Payment lists every
        invoice it pays)."""
        return 1

    def set_up(self, client) -> Company:
        import sandbox.quickbooks_data as data
        from tests.app.oauth_flow import connect
        from tests.app.stripe_flow import connect_stripe

        connect(client, "quickbooks")
        connect_stripe(client)
        company = db.session.query(Company).one()
        self.realm = company.external_id
        for currency in self.currencies[1:]:  # its first invoice makes its A/R account
            data.create_invoice(self.realm, currency, Decimal("1.00"))
        assert refresh_ledger(company.id)
        by_name = {a.name: a.id for a in cached_accounts(company)}
        form = {"currency": list(self.currencies),
                **{f"{role}-USD": value for role, value in (
                    ("deposit", self.clearing_id), ("receivable", self.receivable_id),
                    ("settlement", self.bank_id), ("fees", self.fees_id))}}
        for currency in self.currencies[1:]:
            form[f"receivable-{currency}"] = by_name[f"Accounts Receivable (A/R) - {currency}"]
        _save_gateway(client, company, form)
        self.before = self._ids()
        self.opening_clearing = self.clearing_balance()
        return company

    def pick_currency(self, draw: random.Random) -> str:
        return draw.choices(self.currencies, self.weights)[0]

    def invoice_amount(self, draw: random.Random, currency: str) -> Decimal:
        return _amount(draw, currency, 5 if currency == "KWD" else 20,
                       300 if currency == "KWD" else 900)

    def new_invoices(self, company: Company, wanted: list[tuple[str, Decimal]]) -> list[Bill]:
        """The bookkeeper's invoices, made in the stand-in as QuickBooks would save them."""
        import sandbox.quickbooks_data as data

        made = [data.create_invoice(self.realm, currency, total) for currency, total in wanted]
        return [Bill(found["Id"], currency, Decimal(str(found["TotalAmt"])))
                for found, (currency, _) in zip(made, wanted, strict=True)]

    def invoice_balance(self, invoice_id: str) -> Decimal:
        import sandbox.quickbooks_data as data

        return Decimal(str(data.find(self.realm, "Invoice", invoice_id)["Balance"]))

    def clearing_balance(self) -> Decimal:
        import sandbox.quickbooks_data as data

        return data.account_balance(self.realm, self.clearing_id)

    def _entities(self) -> dict[str, list[dict]]:
        import sandbox.quickbooks_data as data

        company = data.COMPANIES[self.realm]
        return {kind: company.get(kind, []) for kind in (
            "Payment", "JournalEntry", "RefundReceipt", "Deposit", "Transfer")}

    def _ids(self) -> set[tuple[str, str]]:
        return {(kind, row["Id"]) for kind, rows in self._entities().items() for row in rows}

    def remit_transactions(self) -> list[LedgerTxn]:
        """Every transaction written since the set-up (the month's only writer is Remit)."""
        return [self._read(kind, row) for kind, rows in self._entities().items()
                for row in rows if (kind, row["Id"]) not in self.before]

    def _read(self, kind: str, row: dict) -> LedgerTxn:
        import sandbox.quickbooks_data as data
        from sandbox import quickbooks_ledger

        company = data.COMPANIES[self.realm]
        currency = (row.get("CurrencyRef") or {}).get("value", self.home)
        moved = quickbooks_ledger.movements(company, kind, row)
        clearing = sum((amount for account_id, amount in moved
                        if account_id == self.clearing_id), Decimal(0))
        amount = Decimal(str(row.get("TotalAmt", row.get("Amount", 0))))
        lines: tuple[Decimal, ...] = ()
        if kind == "Deposit":
            lines = tuple(Decimal(str(line["Amount"])) for line in row["Line"]
                          if line["DepositLineDetail"]["AccountRef"]["value"]
                          == self.clearing_id)
        return LedgerTxn(kind, row["Id"], currency, amount, clearing, named_ids(row), lines)
