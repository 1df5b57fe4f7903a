"""The customer's pay-now page: invoice number, customer, amount due; Pay opens Stripe Checkout
on the company's connected account (a direct charge) with Remit's metadata, so the payment
comes back by webhook and is posted to that invoice.

The amount due shown and accepted is the ledger's balance less what Stripe has taken and the
ledger does not show yet (sessions.py); amounts are read and written in the page's locale, in
the gateway's minor unit, and checked against the gateway's limits before any gateway call."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import Blueprint, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from huey.exceptions import TaskLockedException

from addon import money
from addon.extensions import db
from addon.gateways import pay_links
from addon.gateways.registry import exponent, kind
from addon.ledger import connector_for
from addon.models import (
    Company,
    ConnectionStatus,
    Gateway,
    utcnow,
)
from addon.pay import amounts, guard, sessions
from addon.pay.links import LinkExpired, LinkInvalid, pay_link, read_token
from addon.urls import public_url
from connectors.base import ConnectorError, Invoice, RateLimited
from gateways.base import (
    CheckoutRequest,
    GatewayError,
    GatewayProvider,
    GatewayRejected,
    payment_metadata,
)

bp = Blueprint("pay", __name__)
__all__ = ["bp", "pay_link"]


@bp.route("/pay/<token>", methods=["GET", "POST"])
def invoice_page(token: str):
    try:
        link = read_token(token)
    except LinkInvalid:
        return _problem("tampered", 404)
    except LinkExpired:
        return _problem("expired", 410)
    try:
        guard.spend(link.company_id, link.invoice_id)
    except guard.TooManyRequests as busy:
        page, status = _problem("busy", 429)
        return page, status, {"Retry-After": str(int(busy.retry_after))}
    company = db.session.get(Company, link.company_id)
    if company is None or company.status is not ConnectionStatus.ACTIVE:
        return _problem("unavailable", 404)
    try:
        invoice, read_at = guard.cached_invoice(
            company.id, link.invoice_id, lambda: connector_for(company).invoice(link.invoice_id))
    except RateLimited as wait:  # the ledger asked Remit to wait (budget.py): say how long
        seconds = max(1, math.ceil(wait.retry_after or 60))
        page = render_template("pay/problem.html", reason="ledger_busy", invoice=None,
                               seconds=seconds)
        return page, 503, {"Retry-After": str(seconds)}
    except ConnectorError:
        return _problem("unavailable", 502)
    if invoice.status in ("void", "draft"):  # said as such: "already paid" would mislead
        return _problem(invoice.status, 200, invoice=invoice)
    if invoice.status != "open" or invoice.balance <= 0:
        return _problem("paid", 200, invoice=invoice)
    gateway = _gateway_for(company, invoice.currency)
    if gateway is None:
        return _problem("no_gateway", 200, invoice=invoice)
    places = exponent(gateway.kind, invoice.currency)
    if request.method == "GET":
        sessions.refresh_open(company.id, invoice.id)
    due = _due(company, invoice, read_at, places)
    if due <= 0:
        return _problem("recording", 200, invoice=invoice)
    if request.method == "GET":
        return _page(company, invoice, due, _shown(due, invoice.currency, places), places)
    return _checkout(token, company, gateway, invoice, due, read_at, places)


def _checkout(token: str, company: Company, gateway: Gateway, invoice: Invoice, due: Decimal,
              read_at: float, places: int):
    """Pay: the amount checked, the invoice's other pages closed (one may have been paid
    meanwhile: then what is due is counted again), and a new page opened, under the invoice's
    lock. `places`: the gateway's exponent for the invoice's currency."""
    raw = request.form.get("amount", "")
    provider = kind(gateway.kind).build()
    limits = provider.charge_limits(invoice.currency)
    amount, error = amounts.check(raw, invoice.currency, due, limits, _locale(), places)
    if error:
        return _page(company, invoice, due, raw, places, error), 400
    try:
        with sessions.invoice_lock(company.id, invoice.id):
            if sessions.close_open(company.id, invoice.id):  # an older page was just paid
                due = _due(company, invoice, read_at, places)
                if due <= 0:
                    return _problem("recording", 200, invoice=invoice)
                if amount > due:
                    return _page(company, invoice, due, raw, places,
                                 amounts.too_much(due, invoice.currency, _locale(),
                                                  places)), 400
            return _open_checkout(token, company, gateway, provider, invoice, amount, raw, due,
                                  places)
    except TaskLockedException:  # the same invoice's Pay pressed in another tab this instant
        return _problem("unavailable", 409, invoice=invoice)
    except GatewayError:
        db.session.rollback()
        return _problem("unavailable", 502, invoice=invoice)


def _open_checkout(token: str, company: Company, gateway: Gateway, provider: GatewayProvider,
                   invoice: Invoice, amount: Decimal, raw: str, due: Decimal, places: int):
    """A Checkout Session for `amount`, recorded, and the customer sent to it; a refusal of
    the amount by the gateway (limits it knows better than its table) is said on the page."""
    amount_minor = money.to_minor(amount, invoice.currency, places)
    expires_at = utcnow().replace(microsecond=0) + timedelta(seconds=provider.session_lifetime)
    try:
        session = provider.create_checkout(CheckoutRequest(
            account_id=gateway.account_id, currency=invoice.currency, amount_minor=amount_minor,
            description=_("Invoice %(number)s", number=invoice.number or invoice.id),
            customer_email=None,
            metadata=payment_metadata(company_id=company.id, gateway_id=gateway.id,
                                      customer_id=invoice.customer_id,
                                      invoices=[(invoice.id, amount)],
                                      customer_name=invoice.customer_name,
                                      numbers=[invoice.number]),
            success_url=public_url("pay.thanks", token=token),
            cancel_url=public_url("pay.invoice_page", token=token),
            idempotency_key=f"remit-checkout-{uuid.uuid4()}",
            expires_at=int(expires_at.timestamp()),
        ))
    except GatewayRejected as refused:
        message = amounts.limit_message(refused.code, provider.charge_limits(invoice.currency),
                                        invoice.currency, _locale(), places)
        if message is None:
            raise
        return _page(company, invoice, due, raw, places, message), 400
    sessions.record(gateway, invoice.id, session.id, amount_minor, invoice.currency, expires_at)
    return redirect(session.url, code=303)


def _due(company: Company, invoice: Invoice, read_at: float, places: int) -> Decimal:
    """The ledger's balance less what Stripe took that the ledger read does not show yet."""
    waiting = sessions.not_yet_posted(company.id, invoice.id, invoice.currency,
                                      datetime.fromtimestamp(read_at, tz=UTC), places)
    return invoice.balance - waiting


@bp.get("/pay/<token>/thanks")
def thanks(token: str):
    return render_template("pay/thanks.html")


def _gateway_for(company: Company, currency: str) -> Gateway | None:
    """The gateway chosen for pay links in `currency`, else the oldest active one."""
    return pay_links.gateway_for(company.id, currency)


def _page(company: Company, invoice: Invoice, due: Decimal, amount: str, places: int,
          error: str | None = None):
    return render_template("pay/invoice.html", invoice=invoice, company=company,
                           due=_shown(due, invoice.currency, places), amount=amount,
                           error=error, form_errors=bool(error))


def _problem(reason: str, status: int, invoice: Invoice | None = None):
    return render_template("pay/problem.html", reason=reason, invoice=invoice), status


def _shown(amount: Decimal, currency: str, places: int) -> str:
    return money.format_amount(amount, currency, _locale(), places)


def _locale() -> str:
    return str(get_locale() or "en")
