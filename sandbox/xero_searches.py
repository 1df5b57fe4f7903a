"""api.xero.com stand-in, the list reads behind a search (at /xero/api/api.xro/2.0): GET
/Invoices and GET /Contacts with the filters Xero documents for them (spec getInvoices,
getContacts), behind the same gate as xero_api.py (forced failures, bearer token, tenant, scope,
minute limit).

GET /Invoices: `where` (xero_where's subset), `order` (`Field [ASC|DESC]`; dates by their
instant), `IDs`, `InvoiceNumbers`, `ContactIDs`, `Statuses` (comma-separated), `searchTerm`
(case-insensitive, in InvoiceNumber and Reference, as the spec says), `page` and `pageSize`.
GET /Contacts: `searchTerm` (Name, FirstName, LastName, ContactNumber, EmailAddress), `IDs`,
`includeArchived`, `page`, `pageSize`. A `page` asked for adds Xero's `pagination` object.
A parameter the stand-in does not apply is refused (400) rather than ignored, and a ContactID
or InvoiceID that is not a GUID is a 400 ValidationException (the wording is the stand-in's:
[verify]).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Blueprint, Response, request

from sandbox import xero_api, xero_payments
from sandbox.xero_wire import envelope, error

bp = Blueprint("searches", __name__)
bp.before_request(xero_api.gate)
ACCOUNTING = xero_api.ACCOUNTING
INVOICE_SCOPES = xero_payments.INVOICE_SCOPES  # reading invoices takes the same grants
CONTACT_SCOPES = frozenset({"accounting.contacts", "accounting.contacts.read"})
DEFAULT_PAGE_SIZE = 100  # Xero's page: "Up to 100 invoices will be returned in a single call"
MAX_PAGE_SIZE = 1000
INVOICE_PARAMETERS = {"where", "order", "IDs", "InvoiceNumbers", "ContactIDs", "Statuses",
                      "searchTerm", "page", "pageSize", "unitdp", "summaryOnly",
                      "includeArchived", "createdByMyApp"}
CONTACT_PARAMETERS = {"where", "order", "IDs", "searchTerm", "page", "pageSize",
                      "includeArchived", "summaryOnly"}


@bp.get(f"{ACCOUNTING}/Invoices")
@xero_api.accounting(INVOICE_SCOPES)
def invoices(org: dict) -> Response:
    refused = _unknown(INVOICE_PARAMETERS)
    if refused is not None:
        return refused
    items = org["Invoices"]
    try:
        ids = _guids("IDs")
        contact_ids = _guids("ContactIDs")
    except ValueError as wrong:
        return error(400, 10, "ValidationException", str(wrong))
    numbers = {n.lower() for n in _listed("InvoiceNumbers")}
    statuses = set(_listed("Statuses"))
    term = request.args.get("searchTerm", "").strip().lower()
    tests: list[Callable[[dict], bool]] = [
        lambda item: not ids or item["InvoiceID"] in ids,
        lambda item: not numbers or (item.get("InvoiceNumber") or "").lower() in numbers,
        lambda item: not contact_ids or item["Contact"]["ContactID"] in contact_ids,
        lambda item: not statuses or item["Status"] in statuses,
        lambda item: not term or any(term in (item.get(field) or "").lower()
                                     for field in ("InvoiceNumber", "Reference")),
    ]
    return _answer("Invoices", [item for item in items if all(test(item) for test in tests)])


@bp.get(f"{ACCOUNTING}/Contacts")
@xero_api.accounting(CONTACT_SCOPES)
def contacts(org: dict) -> Response:
    refused = _unknown(CONTACT_PARAMETERS)
    if refused is not None:
        return refused
    try:
        ids = _guids("IDs")
    except ValueError as wrong:
        return error(400, 10, "ValidationException", str(wrong))
    archived = request.args.get("includeArchived", "false").lower() == "true"
    term = request.args.get("searchTerm", "").strip().lower()
    fields = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")
    found = [contact for contact in every_contact(org)
             if (archived or contact.get("ContactStatus") != "ARCHIVED")
             and (not ids or contact["ContactID"] in ids)
             and (not term or any(term in (contact.get(field) or "").lower()
                                  for field in fields))]
    return _answer("Contacts", found)


def every_contact(org: dict) -> list[dict]:
    """The organisation's contacts: those added through the API and those its invoices name,
    once each, in the order first seen."""
    seen: dict[str, dict] = {}
    for contact in [*org.get("Contacts", []), *(i["Contact"] for i in org["Invoices"])]:
        seen.setdefault(contact["ContactID"], contact)
    return list(seen.values())


def _answer(entity: str, items: list[dict]) -> Response:
    """`where`, `order`, then the page asked for, in Xero's envelope."""
    items = xero_api.where_and_order(items)
    if isinstance(items, Response):
        return items
    page = request.args.get("page", type=int)
    size = min(request.args.get("pageSize", DEFAULT_PAGE_SIZE, type=int), MAX_PAGE_SIZE)
    if page is None:
        return envelope(entity, items)
    if page < 1 or size < 1:
        return error(400, 10, "ValidationException", "page and pageSize must be positive")
    shown = items[(page - 1) * size: page * size]
    answer = envelope(entity, shown)
    return _with_pagination(answer, entity, page, size, len(items))


def _with_pagination(answer: Response, entity: str, page: int, size: int,
                     count: int) -> Response:
    text = answer.get_data(as_text=True)
    pagination = (f'"pagination":{{"page":{page},"pageSize":{size},'
                  f'"pageCount":{-(-count // size)},"itemCount":{count}}},')
    answer.set_data(text.replace(f'"{entity}":', pagination + f'"{entity}":', 1).encode())
    return answer


def _listed(name: str) -> list[str]:
    return [part.strip() for part in request.args.get(name, "").split(",") if part.strip()]


def _guids(name: str) -> set[str]:
    found = set()
    for text in _listed(name):
        try:
            found.add(str(uuid.UUID(text)))
        except ValueError:
            raise ValueError(f"'{text}' is not a valid GUID in {name}") from None
    return found


def _unknown(known: set[str]) -> Response | None:
    extra = sorted(set(request.args) - known)
    if extra:
        return error(400, 10, "ValidationException",
                     f"The sandbox does not apply {', '.join(extra)}")
    return None
