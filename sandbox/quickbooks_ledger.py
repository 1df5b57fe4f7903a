"""Account balances as QuickBooks derives them: from every stored transaction, never kept by
hand, so a test can prove that a clearing account nets to zero after its payout.

Each transaction moves accounts (`movements`): debits positive, in the account's own currency. A
foreign transaction on a home-currency account moves it by amount x ExchangeRate rounded to the
cent, line by line, as QuickBooks converts. A foreign invoice paid at another rate books the
realised exchange gain or loss to the company's Exchange Gain or Loss account (reference §2.4).
CurrentBalance is then the account's opening balance (the seed's figure less what the seeded
transactions already moved) plus its movements, with the sign of its classification: assets and
expenses debit-positive; liabilities, equity and revenue credit-positive.

Functions over one company's dict (quickbooks_data keeps the companies and calls these). A
stored transaction never changes once saved, so its movements may be remembered (`memo`, keyed
by the transaction object itself) and a month of writes stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from sandbox.quickbooks_entities import CENT

# Every entity that moves money, in the order they are read.
TRANSACTIONS = ("Invoice", "Payment", "Deposit", "Transfer", "JournalEntry", "RefundReceipt")
CREDIT_NORMAL = frozenset({"Liability", "Equity", "Revenue"})
EXCHANGE_SUBTYPE = "ExchangeGainOrLoss"
Movement = tuple[str, Decimal]  # (account Id, debit-positive amount in the account's currency)
# id(transaction) -> (the transaction, its movements); the object is kept so an id is not reused.
Memo = dict[int, tuple[dict, list[Movement]]]


def home_currency(company: dict) -> str:
    return company["Preferences"]["CurrencyPrefs"]["HomeCurrency"]["value"]


def exchange_account(company: dict) -> dict | None:
    return next((a for a in company["Account"] if a.get("AccountSubType") == EXCHANGE_SUBTYPE),
                None)


def movements(company: dict, entity: str, txn: dict) -> list[Movement]:
    """What one stored transaction did to the accounts it names."""
    return list(_MOVERS[entity](_Txn(_Books(company), txn)))


def debits(company: dict, memo: Memo | None = None) -> dict[str, Decimal]:
    """Every account's debit-positive movement over every stored transaction."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    books, memo = _Books(company), {} if memo is None else memo
    for entity in TRANSACTIONS:
        for txn in company.get(entity, []):
            kept = memo.get(id(txn))
            if kept is None or kept[0] is not txn:
                kept = memo[id(txn)] = (txn, list(_MOVERS[entity](_Txn(books, txn))))
            for account_id, amount in kept[1]:
                found[account_id] += amount
    return found


def openings(company: dict) -> dict[str, tuple[Decimal, Decimal]]:
    """(CurrentBalance, CurrentBalanceWithSubAccounts) each account shows before any stored
    transaction: taken when the seed is complete, so the seed's figures stay as written."""
    moved = debits(company)
    return {account["Id"]: (account["CurrentBalance"] - _signed(account, moved[account["Id"]]),
                            account["CurrentBalanceWithSubAccounts"]
                            - _signed(account, _with_subaccounts(company, account, moved)))
            for account in company["Account"]}


def refresh(company: dict, opening: dict[str, tuple[Decimal, Decimal]],
            memo: Memo | None = None) -> None:
    """Write every account's CurrentBalance (and WithSubAccounts) from its transactions."""
    moved = debits(company, memo)
    for account in company["Account"]:
        own, with_subaccounts = opening.get(account["Id"], (Decimal(0), Decimal(0)))
        account["CurrentBalance"] = own + _signed(account, moved[account["Id"]])
        account["CurrentBalanceWithSubAccounts"] = with_subaccounts + _signed(
            account, _with_subaccounts(company, account, moved))


def _signed(account: dict, debit: Decimal) -> Decimal:
    return -debit if account["Classification"] in CREDIT_NORMAL else debit


def _with_subaccounts(company: dict, account: dict, moved: dict[str, Decimal]) -> Decimal:
    children = [a for a in company["Account"]
                if a.get("ParentRef", {}).get("value") == account["Id"]]
    return moved[account["Id"]] + sum(
        (_with_subaccounts(company, child, moved) for child in children), Decimal(0))


class _Books:
    """A company's accounts, items and invoices by Id, read once per balance computation."""

    def __init__(self, company: dict) -> None:
        self.home = home_currency(company)
        self.accounts = {a["Id"]: a for a in company["Account"]}
        self.items = {i["Id"]: i for i in company.get("Item", [])}
        self.invoices = {i["Id"]: i for i in company.get("Invoice", [])}
        self.exchange = exchange_account(company)


class _Txn:
    """One transaction read with its company: currency, rate and conversion per account."""

    def __init__(self, books: _Books, txn: dict) -> None:
        self.books, self.txn = books, txn
        self.home = books.home
        self.currency = txn.get("CurrencyRef", {}).get("value") or self.home
        self.rate = Decimal(str(txn.get("ExchangeRate") or 1))

    def on(self, account_id: str, amount: Decimal) -> Movement:
        """`amount` (transaction currency) as it lands on the account, in its currency."""
        if self.books.accounts[account_id]["CurrencyRef"]["value"] == self.currency:
            return account_id, amount
        return account_id, self.at_home(amount)

    def at_home(self, amount: Decimal, rate: Decimal | None = None) -> Decimal:
        return (amount * (self.rate if rate is None else rate)).quantize(CENT)

    def ref(self, field: str, where: dict | None = None) -> str:
        return str((where or self.txn)[field]["value"])

    def income_account(self, line: dict) -> str | None:
        item_id = line["SalesItemLineDetail"]["ItemRef"]["value"]
        item = self.books.items.get(item_id)
        return None if item is None else item["IncomeAccountRef"]["value"]

    def sales_lines(self) -> Iterator[dict]:
        return (line for line in self.txn.get("Line", [])
                if line.get("DetailType") == "SalesItemLineDetail")


def _invoice(t: _Txn) -> Iterator[Movement]:
    """Receivable debited, each line's income account credited (income is in home currency)."""
    yield t.on(t.ref("ARAccountRef"), t.txn["TotalAmt"])
    for line in t.sales_lines():
        income = t.income_account(line)
        if income is not None:
            yield income, -t.at_home(line["Amount"])


def _payment(t: _Txn) -> Iterator[Movement]:
    """Deposit account debited, receivable credited; a foreign invoice paid at another rate
    than its own leaves the difference in home currency as realised gain (credit) or loss."""
    yield t.on(t.ref("DepositToAccountRef"), t.txn["TotalAmt"])
    yield t.on(t.ref("ARAccountRef"), -t.txn["TotalAmt"])
    exchange = t.books.exchange
    if t.currency == t.home or exchange is None:
        return
    for line in t.txn.get("Line", []):
        for linked in line.get("LinkedTxn", []):
            invoice = t.books.invoices.get(linked["TxnId"])
            if invoice is None or invoice.get("ExchangeRate") is None:
                continue
            booked = t.at_home(line["Amount"], Decimal(str(invoice["ExchangeRate"])))
            gain = t.at_home(line["Amount"]) - booked
            if gain:
                yield exchange["Id"], -gain


def _deposit(t: _Txn) -> Iterator[Movement]:
    yield t.on(t.ref("DepositToAccountRef"), t.txn["TotalAmt"])
    for line in t.txn["Line"]:
        account_id, amount = t.on(t.ref("AccountRef", line["DepositLineDetail"]), line["Amount"])
        yield account_id, -amount


def _transfer(t: _Txn) -> Iterator[Movement]:
    account_id, amount = t.on(t.ref("FromAccountRef"), t.txn["Amount"])
    yield account_id, -amount
    yield t.on(t.ref("ToAccountRef"), t.txn["Amount"])


def _journal(t: _Txn) -> Iterator[Movement]:
    for line in t.txn["Line"]:
        detail = line["JournalEntryLineDetail"]
        account_id, amount = t.on(t.ref("AccountRef", detail), line["Amount"])
        yield account_id, amount if detail["PostingType"] == "Debit" else -amount


def _refund(t: _Txn) -> Iterator[Movement]:
    """Money leaves the deposit account; the sale is reduced on each line's income account."""
    account_id, amount = t.on(t.ref("DepositToAccountRef"), t.txn["TotalAmt"])
    yield account_id, -amount
    for line in t.sales_lines():
        income = t.income_account(line)
        if income is not None:
            yield income, t.at_home(line["Amount"])


_MOVERS = {"Invoice": _invoice, "Payment": _payment, "Deposit": _deposit,
           "Transfer": _transfer, "JournalEntry": _journal, "RefundReceipt": _refund}
