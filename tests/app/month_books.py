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
    references: frozenset[str] = frozenset()  # reference fields, perhaps cut to a limit


REFERENCE_FIELDS = ("Reference", "PaymentRefNum", "DocNumber")


def named_ids(entity: dict) -> frozenset[str]:
    return frozenset(STRIPE_ID.findall(json.dumps(entity, default=str)))


def references(entity: dict) -> frozenset[str]:
    """The transaction's own reference fields: a ledger may keep only the end of a Stripe id
    there (QuickBooks' PaymentRefNum takes 21 characters)."""
    return frozenset(str(entity[field]) for field in REFERENCE_FIELDS
                     if len(str(entity.get(field) or "")) >= 12)


def _amount(draw: random.Random, currency: str, low: int, high: int) -> Decimal:
    """A random invoice total: whole yen, KWD in tens of fils (Stripe's last digit 0), else
    cents."""
    if currency == "JPY":
        return Decimal(draw.randint(low * 100, high * 100))
    if currency == "KWD":
        return Decimal(draw.randint(low * 100, high * 100)).scaleb(-2).quantize(Decimal("0.001"))
    return Decimal(draw.randint(low * 100, high * 100)) / 100


def _clearing_accounts(company: Company, currencies) -> None:
    """The set-up form asks a deposit account of every currency collected, even one Stripe
    converts (its payments land in the settlement currency's clearing account): made as the
    form's one-click "create a clearing account" makes them."""
    from addon.ledger import connector_for
    from connectors.base import NewAccount

    for currency in currencies:
        connector_for(company).create_account(
            NewAccount("clearing", f"Stripe Clearing {currency}", currency))
    assert refresh_ledger(company.id)


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
            if data.receivable_account(self.realm, currency) is None:
                data.create_invoice(self.realm, currency, Decimal(1))
        _clearing_accounts(company, self.currencies[1:])
        by_name = {a.name: a.id for a in cached_accounts(company)}
        form = {"currency": list(self.currencies),
                **{f"{role}-USD": value for role, value in (
                    ("deposit", self.clearing_id), ("receivable", self.receivable_id),
                    ("settlement", self.bank_id), ("fees", self.fees_id))}}
        for currency in self.currencies[1:]:
            form[f"receivable-{currency}"] = by_name[f"Accounts Receivable (A/R) - {currency}"]
            form[f"deposit-{currency}"] = by_name[f"Stripe Clearing {currency}"]
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
        return LedgerTxn(kind, row["Id"], currency, amount, clearing, named_ids(row), lines,
                         references(row))


class XeroBooks:
    """The UK Xero organisation (GBP base) with a GB Stripe account made on the way (it settles
    in GBP); clearing: "Stripe Clearing" (CURRENT, payments enabled). USD, EUR and JPY are
    collected too, each with its bank as the set-up form's deposit account (a USD bank is added
    first, as the bookkeeper would in Xero: the organisation has none)."""

    name = "xero"
    home = settlement = "GBP"
    currencies = ("GBP", "USD", "EUR", "JPY")
    weights = (40, 20, 20, 20)
    payment_types = ("ACCRECPAYMENT",)
    clearing_code, bank_code, fees_code = "615", "090", "404"
    deposits = {"USD": "Dollar Account", "EUR": "Euro Account", "JPY": "Yen Account"}

    def writes_per(self, kind: str, invoices: int) -> int:
        """Xero pays each invoice with its own Payment, and a refund is a credit note plus
        the payment out of it."""
        return {"payment": invoices, "refund": 2}.get(kind, 1)

    def set_up(self, client) -> Company:
        import sandbox.xero
        from tests.app.oauth_flow import connect
        from tests.app.stripe_flow import CREATE, connect_stripe
        from tests.app.test_connect_xero import UK, choose

        self.tenant = sandbox.xero.UK_ORG
        connect(client, "xero")
        choose(client, UK)
        self._add_dollar_bank()
        assert connect_stripe(client, button=CREATE, landing="register",
                              choices={"business_name": "Remit Demo UK Shop"}).status_code == 302
        company = db.session.query(Company).one()
        assert refresh_ledger(company.id)
        by_name = {a.name: a.id for a in cached_accounts(company)}
        by_code = {a["Code"]: a["AccountID"] for a in self._org()["Accounts"] if a.get("Code")}
        form = {"currency": list(self.currencies), "deposit-GBP": by_code[self.clearing_code],
                "settlement-GBP": by_code[self.bank_code], "fees-GBP": by_code[self.fees_code],
                **{f"deposit-{code}": by_name[name] for code, name in self.deposits.items()}}
        gateway = _save_gateway(client, company, form)
        assert gateway.account_default_currency.upper() == self.settlement
        self.clearing_id = by_code[self.clearing_code]
        self.before = self._ids()
        self.opening_clearing = self.clearing_balance()
        return company

    def _add_dollar_bank(self) -> None:
        """PUT /Accounts on the stand-in's API, with a token its sandbox control grants."""
        import requests
        from flask import current_app

        import sandbox.xero

        token = sandbox.xero.grant_tokens("openid accounting.settings", [self.tenant])
        answer = requests.put(
            f"{current_app.config['SANDBOX_URL']}/xero/api/api.xro/2.0/Accounts",
            headers={"Authorization": f"Bearer {token['access_token']}",
                     "xero-tenant-id": self.tenant, "Accept": "application/json"},
            json={"Name": self.deposits["USD"], "Type": "BANK", "CurrencyCode": "USD",
                  "BankAccountNumber": "GB33BUKB20201555555555"}, timeout=10)
        assert answer.status_code == 200, answer.text

    def _org(self) -> dict:
        from sandbox import xero_api

        return xero_api.organisations()[self.tenant]

    def pick_currency(self, draw: random.Random) -> str:
        return draw.choices(self.currencies, self.weights)[0]

    def invoice_amount(self, draw: random.Random, currency: str) -> Decimal:
        return _amount(draw, currency, 20, 900)

    def new_invoices(self, company: Company, wanted: list[tuple[str, Decimal]]) -> list[Bill]:
        """The bookkeeper's approved invoices, one customer per currency."""
        from sandbox import xero_invoicing, xero_seed

        customers = {"GBP": xero_seed.CITY_LIMOUSINES, "USD": xero_seed.BAYSIDE_CLUB,
                     "EUR": xero_seed.ROTTERDAM_FIETSEN, "JPY": xero_seed.KYOTO_CYCLES}
        made = [xero_invoicing.create_invoice(self.tenant, customers[currency]["ContactID"],
                                              currency, total)
                for currency, total in wanted]
        return [Bill(found["InvoiceID"], currency, Decimal(str(found["Total"])))
                for found, (currency, _) in zip(made, wanted, strict=True)]

    def invoice_balance(self, invoice_id: str) -> Decimal:
        found = next(i for i in self._org()["Invoices"] if i["InvoiceID"] == invoice_id)
        return Decimal(str(found["AmountDue"]))

    def clearing_balance(self) -> Decimal:
        from sandbox import xero_books

        return xero_books.balances(self._org())[self.clearing_id]

    _KINDS = {"Payments": "PaymentID", "ManualJournals": "ManualJournalID",
              "BankTransactions": "BankTransactionID", "CreditNotes": "CreditNoteID",
              "BankTransfers": "BankTransferID", "Overpayments": "OverpaymentID"}

    def _ids(self) -> set[tuple[str, str]]:
        org = self._org()
        return {(kind, row[key]) for kind, key in self._KINDS.items()
                for row in org.get(kind, [])}

    def remit_transactions(self) -> list[LedgerTxn]:
        org = self._org()
        return [self._read(org, kind, row) for kind, key in self._KINDS.items()
                for row in org.get(kind, []) if (kind, row[key]) not in self.before]

    def _read(self, org: dict, kind: str, row: dict) -> LedgerTxn:
        from sandbox import xero_books

        clearing, lines, amount = Decimal(0), (), Decimal(0)
        type_ = row.get("PaymentType") or row.get("Type") or kind
        if kind == "Payments":
            amount = Decimal(str(row["Amount"]))
            if row["Account"]["AccountID"] == self.clearing_id:
                sign = -1 if row.get("PaymentType") == "ARCREDITPAYMENT" else 1
                clearing = sign * xero_books.in_base(amount, row.get("CurrencyRate"))
        elif kind == "ManualJournals":
            clearing = sum((Decimal(str(line["LineAmount"])) for line in row["JournalLines"]
                            if line["AccountCode"] == self.clearing_code), Decimal(0))
            amount = sum((Decimal(str(line["LineAmount"])) for line in row["JournalLines"]
                          if Decimal(str(line["LineAmount"])) > 0), Decimal(0))
        elif kind == "BankTransactions":
            amount = Decimal(str(row["Total"]))
            clearing = sum((moved for account_id, moved in xero_books._bank_transaction(org, row)
                            if account_id == self.clearing_id), Decimal(0))
            lines = tuple(Decimal(str(line["LineAmount"])) for line in row["LineItems"]
                          if line.get("AccountCode") == self.clearing_code)
        elif kind == "BankTransfers":
            amount = Decimal(str(row["Amount"]))
            for account_id, moved in ((row["FromBankAccount"]["AccountID"], -amount),
                                      (row["ToBankAccount"]["AccountID"], amount)):
                if account_id == self.clearing_id:
                    clearing += moved
        else:  # a credit note (a refund's first write): clearing moves with its payment
            amount = Decimal(str(row.get("Total", 0)))
        currency = row.get("CurrencyCode") or self.home
        return LedgerTxn(f"{kind}:{type_}" if kind != "Payments" else type_,
                         next(row[k] for k in self._KINDS.values() if k in row), currency,
                         amount, clearing, named_ids(row), lines, references(row))
