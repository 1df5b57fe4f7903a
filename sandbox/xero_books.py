"""The Xero stand-in's books: every account's balance derived from what the organisation holds
(approved invoices and credit notes, payments on them, bank transactions, manual journals,
bank transfers), in the base currency, with the realised currency gain or loss Xero books when
a foreign document is paid at another rate than its own. Read through GET
/Reports/TrialBalance (xero_reports.py), so a test can prove a clearing account nets to zero.

Amounts are Decimal; a foreign amount is converted as Xero does, amount / CurrencyRate (foreign
units per base unit), rounded to the cent, each transaction balanced by putting the rounding
on its own last line (Xero's "Rounding" detail is not simulated).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from sandbox.xero_seed import ms_date

CENT = Decimal("0.01")
GAINS_SYSTEM_ACCOUNT = "REALISEDCURRENCYGAIN"
GAINS_CODE, GAINS_NAME = "499", "Realised Currency Gains"
DEBIT_DOCUMENTS = {"ACCREC": 1, "ACCRECCREDIT": -1}  # sign of the AR side
Entry = tuple[str, Decimal]  # (AccountID, base amount: debit positive, credit negative)


def in_base(amount: Decimal, rate: Decimal | None) -> Decimal:
    """`amount` of a document whose CurrencyRate is `rate` (foreign per base), in base."""
    if not rate or rate == 1:
        return amount
    return (amount / rate).quantize(CENT, ROUND_HALF_UP)


def balances(org: dict) -> dict[str, Decimal]:
    """AccountID -> balance in the base currency (debits positive), every account listed."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    for account in org["Accounts"]:
        found[account["AccountID"]] = Decimal("0.00")
    for account_id, amount in entries(org):
        found[account_id] += amount
    return dict(found)


def entries(org: dict) -> Iterator[Entry]:
    yield from _documents(org, org["Invoices"])
    yield from _documents(org, org.get("CreditNotes", []))
    yield from _payments(org)
    for transaction in org.get("BankTransactions", []):
        yield from _bank_transaction(org, transaction)
    for journal in org.get("ManualJournals", []):
        if journal["Status"] == "POSTED":
            for line in journal["JournalLines"]:
                yield by_code(org, line["AccountCode"])["AccountID"], line["LineAmount"]
    for transfer in org.get("BankTransfers", []):
        moved = in_base(transfer["Amount"], transfer.get("CurrencyRate"))
        yield transfer["FromBankAccount"]["AccountID"], -moved
        yield transfer["ToBankAccount"]["AccountID"], moved


def _documents(org: dict, documents: list[dict]) -> Iterator[Entry]:
    """An approved sales invoice: AR debited, each line's account credited (a credit note the
    other way round)."""
    receivable = system_account(org, "DEBTORS")["AccountID"]
    for document in documents:
        if document["Status"] not in ("AUTHORISED", "PAID"):
            continue
        sign, rate = DEBIT_DOCUMENTS[document["Type"]], document.get("CurrencyRate")
        lines = [(by_code(org, line["AccountCode"])["AccountID"],
                  in_base(line["LineAmount"], rate)) for line in document["LineItems"]]
        total = in_base(document["Total"], rate)
        yield receivable, sign * total
        yield from _balanced([(account, -sign * amount) for account, amount in lines],
                             -sign * total)


def _payments(org: dict) -> Iterator[Entry]:
    """Each payment at its own rate against its document at the document's: the difference is
    the realised gain (credit) or loss (debit)."""
    receivable = system_account(org, "DEBTORS")["AccountID"]
    recorded = {payment["PaymentID"]: payment for payment in org["Payments"]}
    for documents in (org["Invoices"], org.get("CreditNotes", [])):
        for document in documents:
            sign = DEBIT_DOCUMENTS[document["Type"]]
            for payment in document.get("Payments") or []:
                account = recorded.get(payment["PaymentID"], {}).get("Account") or {
                    "AccountID": _first_base_bank(org)}
                moved = in_base(payment["Amount"], payment.get("CurrencyRate"))
                relieved = in_base(payment["Amount"], document.get("CurrencyRate"))
                yield account["AccountID"], sign * moved
                yield receivable, -sign * relieved
                if moved != relieved:
                    yield gains_account(org)["AccountID"], -sign * (moved - relieved)


def _bank_transaction(org: dict, transaction: dict) -> Iterator[Entry]:
    if transaction.get("Status") != "AUTHORISED":
        return
    sign = 1 if transaction["Type"].startswith("RECEIVE") else -1
    rate = transaction.get("CurrencyRate")
    total = in_base(transaction["Total"], rate)
    yield transaction["BankAccount"]["AccountID"], sign * total
    if transaction["Type"].endswith("OVERPAYMENT"):
        yield system_account(org, "DEBTORS")["AccountID"], -sign * total
        return
    lines = [(by_code(org, line["AccountCode"])["AccountID"], in_base(line["LineAmount"], rate))
             for line in transaction["LineItems"]]
    yield from _balanced([(account, -sign * amount) for account, amount in lines], -sign * total)


def _balanced(lines: list[Entry], total: Decimal) -> Iterator[Entry]:
    """The lines, the last one carrying the rounding so that they sum to `total`."""
    rounding = total - sum((amount for _, amount in lines), Decimal(0))
    for index, (account, amount) in enumerate(lines):
        yield account, amount + (rounding if index == len(lines) - 1 else 0)


def by_code(org: dict, code: str) -> dict:
    return next(account for account in org["Accounts"] if account.get("Code") == code)


def system_account(org: dict, kind: str) -> dict:
    return next(account for account in org["Accounts"] if account.get("SystemAccount") == kind)


def gains_account(org: dict) -> dict:
    """The realised currency gains system account, added the first time a foreign document
    is paid (Xero creates its currency accounts once multicurrency is used)."""
    found = [account for account in org["Accounts"]
             if account.get("SystemAccount") == GAINS_SYSTEM_ACCOUNT]
    if found:
        return found[0]
    account = {
        "AccountID": str(uuid.uuid5(uuid.UUID(org["Organisation"]["OrganisationID"]),
                                    GAINS_SYSTEM_ACCOUNT)),
        "Code": GAINS_CODE, "Name": GAINS_NAME, "Status": "ACTIVE", "Type": "EXPENSE",
        "TaxType": "NONE", "Class": "EXPENSE", "SystemAccount": GAINS_SYSTEM_ACCOUNT,
        "EnablePaymentsToAccount": False, "ShowInExpenseClaims": False,
        "ReportingCode": "EXP", "ReportingCodeName": "Expense", "HasAttachments": False,
        "UpdatedDateUTC": ms_date("2026-01-20T11:02:13"), "AddToWatchlist": False}
    org["Accounts"].append(account)
    return account


def _first_base_bank(org: dict) -> str:
    """Where a payment recorded before the API saw it (seeded as paid) went."""
    base = org["Organisation"]["BaseCurrency"]
    return next(account["AccountID"] for account in org["Accounts"]
                if account["Type"] == "BANK" and account.get("CurrencyCode") == base)
