"""The pay-link picker's invoice search in QuickBooks' query language, in at most three calls.

Intuit's WHERE has AND only (no OR), `LIKE` with `%` only, and a quote inside a value escaped
with a backslash (reference §2.8). An invoice names its customer by id (CustomerRef), so a
search by name reads the matching customers first, then their open invoices in one IN query.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from connectors.base import Invoice
from connectors.quickbooks import transformers
from connectors.quickbooks.client import QuickBooksClient

OPEN = "Balance > '0'"  # paid and voided invoices have nothing left to pay
NEWEST_FIRST = "TxnDate DESC"
MAX_CUSTOMERS = 20  # name matches looked at: beyond that the bookkeeper types more


def quoted(text: str) -> str:
    """`text` as a QuickBooks query string literal: backslashes and quotes escaped, so what a
    user typed can never end the literal early."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def like_contains(text: str) -> str:
    """A LIKE pattern for names containing `text`. Intuit's LIKE knows only `%` and has no
    escape for it, so a `%` typed by the user is dropped rather than read as a wildcard."""
    return quoted("%" + text.replace("%", "") + "%")


def find(call: Callable[[Callable[[QuickBooksClient], Any]], Any], home_currency: str,
         text: str, limit: int) -> list[Invoice]:
    """See Connector.find_invoices. `call` runs one client operation (the connector's token
    handling); `home_currency` prices invoices without a CurrencyRef."""
    text = text.strip()
    if not text:
        return _invoices(call, home_currency, OPEN, limit, NEWEST_FIRST)
    found = _invoices(call, home_currency, f"DocNumber = {quoted(text)}", limit)
    names = text.replace("%", "").strip()
    if names:
        customers = call(partial(QuickBooksClient.customers,
                                 where=f"DisplayName LIKE {like_contains(names)}",
                                 max_results=MAX_CUSTOMERS))
        ids = sorted({str(customer.Id) for customer in customers}, key=_numeric)
        if ids:
            where = "CustomerRef IN ({}) AND {}".format(", ".join(quoted(i) for i in ids), OPEN)
            found += _invoices(call, home_currency, where, limit, NEWEST_FIRST)
    unique = {invoice.id: invoice for invoice in reversed(found)}  # the first one wins
    ordered = [invoice for invoice in found if unique.pop(invoice.id, None) is not None]
    return ordered[:limit]


def _invoices(call, home_currency: str, where: str, limit: int,
              order_by: str = "") -> list[Invoice]:
    rows = call(partial(QuickBooksClient.invoices, where=where, max_results=limit,
                        order_by=order_by))
    return [transformers.invoice(row, home_currency) for row in rows]


def _numeric(value: str) -> tuple[int, str]:
    return (int(value), value) if value.isdigit() else (0, value)
