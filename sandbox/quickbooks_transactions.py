"""JournalEntry, Deposit, Transfer and RefundReceipt create as QuickBooks Online does it: its
checks (quickbooks_transaction_checks), the entity as Intuit answers it, and the accounts
moving through the stored transaction (quickbooks_ledger). `requestid` replays are the route's
(quickbooks.py), through the same per-realm store as payments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sandbox import quickbooks_data as data
from sandbox import quickbooks_payment_checks as checks
from sandbox import quickbooks_transaction_checks as rules
from sandbox.quickbooks_entities import CENT, currency_ref, intuit_now, intuit_timestamp, meta
from sandbox.quickbooks_payment_checks import Fault, business

__all__ = ["ENTITIES", "Fault", "create"]

FIRST_IDS = {"JournalEntry": 300, "Deposit": 400, "Transfer": 500, "RefundReceipt": 600}


def create(realm: str, entity: str, body: object) -> dict:
    """Validate a create body for `entity` and save it; the saved entity. Raises Fault."""
    request = rules.parsed(body, entity)
    saved = ENTITIES[entity](realm, request)
    data.COMPANIES[realm][entity].append(saved)
    data.refresh_balances(realm)
    return saved


def _dated(realm: str, request: dict) -> date:
    rules.texts(request)
    day = checks.txn_date(request) or intuit_now().date()
    checks.books_open(realm, day)
    return day


def _head(realm: str, entity: str, request: dict, money: tuple[str, Decimal | None],
          day: date) -> dict:
    """The fields every transaction answers with, in Intuit's order."""
    code, rate = money
    found: dict = {"domain": "QBO", "sparse": False,
                   "Id": data.next_id(data.COMPANIES[realm][entity], FIRST_IDS[entity]),
                   "SyncToken": "0", "MetaData": meta(intuit_timestamp())}
    if request.get("DocNumber"):
        found["DocNumber"] = request["DocNumber"]
    found["TxnDate"] = day.isoformat()
    found["CurrencyRef"] = currency_ref(code)
    if rate is not None:
        found["ExchangeRate"] = rate
    if request.get("PrivateNote"):
        found["PrivateNote"] = request["PrivateNote"]
    return found


def _ref(found: dict) -> dict:
    return {"value": found["Id"], "name": found.get("FullyQualifiedName") or found["Name"]}


def _home_total(found: dict, total: Decimal, rate: Decimal | None, code: str,
                realm: str) -> None:
    if rate is not None and code != data.home_currency(realm):
        found["HomeTotalAmt"] = (total * rate).quantize(CENT)


def journal_entry(realm: str, request: dict) -> dict:
    """Lines of Debit or Credit, positive amounts, which must balance (reference §2.6)."""
    code, rate = rules.currency(realm, request)
    lines, totals = [], {"Debit": Decimal(0), "Credit": Decimal(0)}
    for position, line in enumerate(rules.lines(request, "JournalEntryLineDetail"), 1):
        detail = line["JournalEntryLineDetail"]
        posting = detail.get("PostingType")
        if posting not in totals:
            raise checks.invalid("PostingType")
        amount = rules.money(line["Amount"], "Amount", code)
        if amount < 0:
            raise business("A journal line's amount cannot be negative.")  # [verify]
        found = rules.account(realm, detail, "AccountRef", code)
        rules.named_line(found, detail)
        totals[posting] += amount
        kept: dict = {"Id": str(position - 1)}
        if line.get("Description"):
            kept["Description"] = line["Description"]
        kept.update({"Amount": amount, "DetailType": "JournalEntryLineDetail",
                     "JournalEntryLineDetail": {"PostingType": posting,
                                                "AccountRef": _ref(found)}})
        lines.append(kept)
    if totals["Debit"] != totals["Credit"]:
        raise business("You can't save this transaction: the debits and credits must be "
                       "equal.")  # [verify] Intuit's wording of an unbalanced journal
    day = _dated(realm, request)
    saved = {"Adjustment": False, **_head(realm, "JournalEntry", request, (code, rate), day)}
    saved["Line"] = lines
    saved["TotalAmt"] = totals["Debit"]
    _home_total(saved, totals["Debit"], rate, code, realm)
    return saved


def deposit(realm: str, request: dict) -> dict:
    """Into a Bank or Other Current Asset account, one DepositLineDetail line per source
    account, amounts signed (a fee line is negative); the total may not be negative."""
    code, rate = rules.currency(realm, request)
    into = rules.deposit_to(realm, request, code)
    lines, total = [], Decimal(0)
    for position, line in enumerate(rules.lines(request, "DepositLineDetail"), 1):
        if line.get("LinkedTxn"):
            raise Fault("500", "Unsupported Operation", "Remit's sandbox deposits no linked "
                        "transactions (Undeposited Funds payments).")
        detail = line["DepositLineDetail"]
        amount = rules.money(line["Amount"], "Amount", code)
        found = rules.account(realm, detail, "AccountRef", code)
        rules.named_line(found, detail)
        if found["Id"] == into["Id"]:
            raise business("A deposit line cannot come from the account deposited to.")
        total += amount
        kept: dict = {"Id": str(position), "LineNum": position}
        if line.get("Description"):
            kept["Description"] = line["Description"]
        kept.update({"Amount": amount, "LinkedTxn": [], "DetailType": "DepositLineDetail",
                     "DepositLineDetail": {"AccountRef": _ref(found)}})
        lines.append(kept)
    if total < 0:
        raise business("The deposit total cannot be negative.")  # [verify]
    day = _dated(realm, request)
    saved = {"DepositToAccountRef": _ref(into), "TotalAmt": total,
             **_head(realm, "Deposit", request, (code, rate), day)}
    _home_total(saved, total, rate, code, realm)
    saved["Line"] = lines
    return saved


def transfer(realm: str, request: dict) -> dict:
    """Money between two balance-sheet accounts (not A/R or A/P), a positive Amount."""
    code, rate = rules.currency(realm, request)
    if request.get("Amount") is None:
        raise checks.missing("Amount")
    amount = rules.money(request["Amount"], "Amount", code)
    if amount <= 0:
        raise business("The transfer amount must be more than zero.")  # [verify]
    ends = [rules.account(realm, request, field, code)
            for field in ("FromAccountRef", "ToAccountRef")]
    for found in ends:
        if found["Classification"] not in rules.BALANCE_SHEET or (
                found["AccountType"] in rules.NAMED_ONLY):
            raise business("You need to select a different type of account for this "
                           "transaction.")  # [verify]
    if ends[0]["Id"] == ends[1]["Id"]:
        raise business("The accounts you transfer from and to must be different.")  # [verify]
    day = _dated(realm, request)
    return {"FromAccountRef": _ref(ends[0]), "ToAccountRef": _ref(ends[1]), "Amount": amount,
            **_head(realm, "Transfer", request, (code, rate), day)}


def refund_receipt(realm: str, request: dict) -> dict:
    """Money back to a customer of the transaction's currency, out of a Bank or Other Current
    Asset account, on item lines (each reduces its item's income account)."""
    if request.get("CustomerRef") is None:
        raise checks.missing("CustomerRef")
    owner = checks.customer(realm, request)
    code, rate = rules.currency(realm, request, owner)
    out_of = rules.deposit_to(realm, request, code)
    lines, total = [], Decimal(0)
    for position, line in enumerate(rules.lines(request, "SalesItemLineDetail"), 1):
        detail = line["SalesItemLineDetail"]
        amount = rules.money(line["Amount"], "Amount", code)
        if amount <= 0:
            raise business("A refund line's amount must be more than zero.")  # [verify]
        sold = rules.item(realm, detail)
        total += amount
        kept: dict = {"Id": str(position), "LineNum": position}
        if line.get("Description"):
            kept["Description"] = line["Description"]
        kept.update({"Amount": amount, "DetailType": "SalesItemLineDetail",
                     "SalesItemLineDetail": {"ItemRef": _ref(sold), "UnitPrice": amount,
                                             "Qty": 1}})
        lines.append(kept)
    lines.append({"Amount": total, "DetailType": "SubTotalLineDetail",
                  "SubTotalLineDetail": {}})
    day = _dated(realm, request)
    saved = _head(realm, "RefundReceipt", request, (code, rate), day)
    saved["Line"] = lines
    saved.update({"CustomerRef": {"value": owner["Id"], "name": owner["DisplayName"]},
                  "TotalAmt": total, "Balance": Decimal(0)})
    _home_total(saved, total, rate, code, realm)
    saved["DepositToAccountRef"] = _ref(out_of)
    if request.get("PaymentRefNum"):
        saved["PaymentRefNum"] = request["PaymentRefNum"]
    saved["PrintStatus"] = "NotSet"
    return saved


ENTITIES: dict[str, Callable[[str, dict], dict]] = {
    "JournalEntry": journal_entry, "Deposit": deposit, "Transfer": transfer,
    "RefundReceipt": refund_receipt}
