"""The pay-link picker's invoice search through Xero's documented GET /Invoices and GET
/Contacts filters (InvoiceNumbers, searchTerm, Statuses, ContactIDs, where, order, page and
pageSize), sales invoices (ACCREC) only, in at most four calls. Xero's `searchTerm` looks in
InvoiceNumber and Reference for invoices and in the name fields for contacts, case-insensitive,
so what a user types is passed as a parameter, never spliced into a `where` clause."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.base import Invoice
from connectors.xero import transformers

SALES = 'Type=="ACCREC"'
OPEN = ["AUTHORISED"]
NEWEST_FIRST = "Date DESC"
MAX_CONTACTS = 20  # name matches looked at: beyond that the bookkeeper types more


def find(invoices: Callable[..., list[Any]], contacts: Callable[..., list[Any]], base: str,
         text: str, limit: int) -> list[Invoice]:
    """See Connector.find_invoices. `invoices(**filters)` and `contacts(**filters)` make one
    GET each (the connector's token handling); `base` is the organisation's base currency."""
    text = text.strip()
    first_page = {"page": 1, "page_size": limit}
    if not text:
        return _read(invoices(where=SALES, statuses=OPEN, order=NEWEST_FIRST, **first_page),
                     base)
    found = _read(invoices(where=SALES, invoice_numbers=[text], **first_page), base)
    found += _read(invoices(where=SALES, statuses=OPEN, search_term=text, order=NEWEST_FIRST,
                            **first_page), base)
    ids = [str(contact.contact_id) for contact in contacts(
        search_term=text, page=1, page_size=MAX_CONTACTS)][:MAX_CONTACTS]
    if ids:
        found += _read(invoices(where=SALES, statuses=OPEN, contact_i_ds=ids,
                                order=NEWEST_FIRST, **first_page), base)
    seen: set[str] = set()
    unique = [invoice for invoice in found
              if invoice.id not in seen and not seen.add(invoice.id)]
    return unique[:limit]


def _read(models: list[Any], base: str) -> list[Invoice]:
    return [transformers.invoice(model, base) for model in models]
