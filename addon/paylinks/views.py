"""Pay links: the bookkeeper searches the ledger's invoices by the number or customer they know
(never an internal id), sees number, customer, due date, open balance and currency, and makes
the customer's pay-now link for an open invoice in one click.

A GET page throughout (`q` the search, `invoice` the one to make a link for), so it works
without JavaScript and makes no change anywhere: a link is a signed token, nothing is stored.
Every link is made for an invoice just read from the ledger, so an unknown, paid, voided or
draft invoice is refused when the link is made, not when the customer opens it."""

from __future__ import annotations

import math

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale

from addon import money
from addon.current import current_company, login_required
from addon.gateways import pay_links
from addon.ledger import connector_for
from addon.models import Company
from addon.pay.links import pay_link
from connectors.base import AuthError, ConnectorError, Invoice, RateLimited, Rejected

bp = Blueprint("paylinks", __name__)
RESULTS = 20  # invoices shown per search: beyond that the bookkeeper types more
LONGEST_SEARCH = 100  # characters: no invoice number or customer name is longer


@bp.get("/pay-links")
@login_required
def picker():
    company = current_company() or abort(404)
    text = " ".join(request.args.get("q", "").split())
    chosen = request.args.get("invoice", "").strip()
    page = {"company": company, "q": text, "results": None, "problem": None, "made": None,
            "refused": None, "exact": None, "seconds": None}
    if len(text) > LONGEST_SEARCH:
        page["problem"] = "too_long"
        return render_template("paylinks/picker.html", **page, **_helpers()), 400
    try:
        connector = connector_for(company)
        if chosen:
            page.update(_make(company, connector, chosen))
        if (not chosen or page["refused"]) and not hasattr(connector, "find_invoices"):
            page["problem"] = "no_search"  # a ledger plugin that cannot search its invoices
        elif not chosen or page["refused"]:
            page["results"] = connector.find_invoices(text, RESULTS)
            page["exact"] = _exact(page["results"], text)
    except AuthError:
        page["problem"] = "reconnect"
    except RateLimited as wait:  # the ledger asked every process to wait (budget.py): say how long
        page["problem"], page["seconds"] = "busy", max(1, math.ceil(wait.retry_after or 60))
        return (render_template("paylinks/picker.html", **page, **_helpers()), 503,
                {"Retry-After": str(page["seconds"])})
    except ConnectorError:
        page["problem"] = "unavailable"
    status = 400 if page["refused"] else 200
    return render_template("paylinks/picker.html", **page, **_helpers()), status


def _make(company: Company, connector, invoice_id: str) -> dict:
    """The link for `invoice_id` read fresh from the ledger, or why there is none."""
    try:
        invoice = connector.invoice(invoice_id)
    except Rejected:  # the ledger has no such invoice (a grant problem is an AuthError)
        return {"refused": ("unknown", None)}
    reason = refusal(invoice)
    if reason is not None:
        return {"refused": (reason, invoice)}
    return {"made": (invoice, pay_link(company.id, invoice.id),
                     _collects(company, invoice.currency))}


def refusal(invoice: Invoice) -> str | None:
    """Why `invoice` gets no link ("void", "draft", "paid"), or None for an open one."""
    if invoice.status in ("void", "draft"):
        return invoice.status
    if invoice.status != "open" or invoice.balance <= 0:
        return "paid"
    return None


def _exact(results: list[Invoice], text: str) -> Invoice | None:
    """The invoice numbered exactly what was typed (the way people ask for one)."""
    wanted = text.casefold()
    return next((i for i in results if wanted and (i.number or "").casefold() == wanted), None)


def _collects(company: Company, currency: str) -> bool:
    """Whether an active gateway takes payments in `currency`: without one the customer's
    page says the invoice cannot be paid online yet."""
    return pay_links.gateway_for(company.id, currency) is not None


def _helpers() -> dict:
    locale = str(get_locale() or "en")
    return {"amount": lambda invoice: money.format_amount(invoice.balance, invoice.currency,
                                                          locale),
            "refusal": refusal}
