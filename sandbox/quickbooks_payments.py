"""Payment create as QuickBooks Online does it: checks in Intuit's terms, effects on invoices,
accounts and customers, and `requestid` replays of whatever was first answered, faults included
(reference quickbooks.md §2.4, §2.5, §2.9).

Fault codes and wording follow Intuit's where known; those marked [verify] are the best
available second-hand wording and must be checked against a real sandbox company.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sandbox import quickbooks_data as data
from sandbox import quickbooks_payment_checks as checks
from sandbox.quickbooks_entities import CENT, currency_ref, intuit_now, intuit_timestamp, meta
from sandbox.quickbooks_payment_checks import Fault
from sandbox.replays import Replays

__all__ = ["REQUEST_IDS", "Fault", "check_request_id", "close_books", "create", "reset"]

REQUEST_ID_LIMIT = 50  # characters (reference §2.9)
# [verify] how long Intuit keeps answering a requestid with its first answer (open question 10).
REQUEST_ID_WINDOW = timedelta(hours=24)
# Intuit replays "the original response" of a requestid (reference §2.9): faults included, so a
# refused request stays refused under its requestid and only a new one tries again.
REQUEST_IDS = Replays(window=REQUEST_ID_WINDOW, clock=intuit_now)


def reset() -> None:
    REQUEST_IDS.reset()


def check_request_id(request_id: str) -> None:
    if len(request_id) > REQUEST_ID_LIMIT:
        raise Fault("2010", "Request has invalid or unsupported property",
                    f"Property Name:requestid is longer than {REQUEST_ID_LIMIT} characters "
                    "specified is unsupported or invalid")


def close_books(realm: str, through: date | None) -> None:
    """As a bookkeeper setting (or, with None, clearing) the company's closing date in
    Settings, Advanced, "Close the books": transactions dated on or before it are refused."""
    prefs = data.COMPANIES[realm]["Preferences"]["AccountingInfoPrefs"]
    if through is None:
        prefs.pop("BookCloseDate", None)
    else:
        prefs["BookCloseDate"] = through.isoformat()


def create(realm: str, body: object) -> dict:
    """Validate a Payment create body and save it; the saved Payment entity. Raises Fault."""
    request = checks.parsed(body)
    owner = checks.customer(realm, request)
    currency, rate = checks.currency(realm, request, owner)
    deposit = checks.deposit_account(realm, request, currency)
    receivable = checks.receivable_account(realm, request, currency)
    applied = checks.applications(realm, request, owner, currency)
    total = checks.total(request, applied)
    checks.texts(request)
    paid_on = checks.txn_date(request) or intuit_now().date()
    checks.books_open(realm, paid_on)
    payment = _entity(realm, request, owner, (currency, rate), (deposit, receivable),
                      applied, total, paid_on)
    _apply(realm, payment, applied, receivable)
    data.COMPANIES[realm]["Payment"].append(payment)
    data.refresh_balances(realm)
    return payment


def _entity(realm: str, request: dict, owner: dict, money: tuple[str, Decimal | None],
            accounts: tuple[dict, dict], applied: list[tuple[dict, Decimal]], total: Decimal,
            paid_on: date) -> dict:
    """The Payment as Intuit answers it (key order of its answers)."""
    (currency, rate), (deposit, receivable) = money, accounts
    created = intuit_timestamp()
    payment: dict = {
        "CustomerRef": {"value": owner["Id"], "name": owner["DisplayName"]},
        "DepositToAccountRef": {"value": deposit["Id"]},
        "ARAccountRef": {"value": receivable["Id"]},
        "TotalAmt": total, "UnappliedAmt": total - sum(amount for _, amount in applied),
        "ProcessPayment": False, "domain": "QBO", "sparse": False,
        "Id": data.next_id(data.COMPANIES[realm]["Payment"], 200), "SyncToken": "0",
        "MetaData": meta(created), "TxnDate": paid_on.isoformat(),
        "CurrencyRef": currency_ref(currency),
    }
    if rate is not None:
        payment["ExchangeRate"] = rate
    for text in ("PaymentRefNum", "PrivateNote"):
        if request.get(text):
            payment[text] = request[text]
    payment["Line"] = [{"Amount": amount, "LinkedTxn": [
        {"TxnId": found["Id"], "TxnType": "Invoice"}]} for found, amount in applied]
    return payment


def _apply(realm: str, payment: dict, applied: list[tuple[dict, Decimal]],
           receivable: dict) -> None:
    """What saving the payment does to its invoices and customer: each invoice's balance drops
    (and links the payment), the customer's follows; an unapplied remainder is customer credit.
    The accounts move through the stored payment itself (quickbooks_ledger): the money lands
    in the deposit account (a home-currency one at the payment's rate), the receivable drops,
    and a foreign invoice paid at another rate books the realised exchange gain or loss."""
    company, updated = data.COMPANIES[realm], intuit_timestamp()
    for found, amount in applied:
        found["Balance"] -= amount
        if "HomeBalance" in found:
            found["HomeBalance"] = (found["Balance"] * found["ExchangeRate"]).quantize(CENT)
        found["LinkedTxn"].append({"TxnId": payment["Id"], "TxnType": "Payment"})
        found["SyncToken"] = str(int(found["SyncToken"]) + 1)
        found["MetaData"]["LastUpdatedTime"] = updated
        data.adjust_balances(company, found, -amount)
    if payment["UnappliedAmt"]:
        credit = {"CustomerRef": payment["CustomerRef"],
                  "ARAccountRef": {"value": receivable["Id"]}}
        data.adjust_balances(company, credit, -payment["UnappliedAmt"])
