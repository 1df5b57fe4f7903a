"""The customer's pay-now page: invoice number, customer, amount due; Pay opens Stripe Checkout
on the company's connected account (a direct charge) with Remit's metadata, so the payment
comes back by webhook and is posted to that invoice."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from addon import money
from addon.extensions import db
from addon.gateways.registry import kind
from addon.ledger import connector_for
from addon.models import Company, ConnectionStatus, Gateway, GatewayCurrency, GatewayStatus
from connectors.base import ConnectorError, Invoice
from gateways.base import (
    METADATA_AMOUNTS,
    METADATA_COMPANY,
    METADATA_CUSTOMER,
    METADATA_GATEWAY,
    METADATA_INVOICES,
    CheckoutRequest,
    GatewayError,
)

bp = Blueprint("pay", __name__)


def pay_link(company_id: int, invoice_id: str) -> str:
    """The customer's link: on the host this request came to, or REMIT_BASE_URL elsewhere."""
    token = _signer().dumps({"c": company_id, "i": invoice_id})
    if has_request_context():
        return url_for("pay.invoice_page", token=token, _external=True)
    return f"{current_app.config['BASE_URL'].rstrip('/')}/pay/{token}"


@bp.route("/pay/<token>", methods=["GET", "POST"])
def invoice_page(token: str):
    try:
        data = _signer().loads(token)
        company = db.session.get(Company, int(data["c"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return _problem("tampered", 404)
    if company is None or company.status is not ConnectionStatus.ACTIVE:
        return _problem("unavailable", 404)
    try:
        invoice = connector_for(company).invoice(str(data["i"]))
    except ConnectorError:
        return _problem("unavailable", 502)
    if invoice.status != "open" or invoice.balance <= 0:
        return _problem("paid", 200, invoice=invoice)
    gateway = _gateway_for(company, invoice.currency)
    if gateway is None:
        return _problem("no_gateway", 200, invoice=invoice)
    if request.method == "GET":
        return render_template("pay/invoice.html", invoice=invoice, company=company,
                               amount=str(invoice.balance), error=None)
    return _checkout(token, company, gateway, invoice)


def _checkout(token: str, company: Company, gateway: Gateway, invoice: Invoice):
    raw = request.form.get("amount", "").strip().replace(",", ".")
    error = _amount_error(raw, invoice)
    if error:
        return render_template("pay/invoice.html", invoice=invoice, company=company,
                               amount=raw, error=error), 400
    amount = Decimal(raw)
    try:
        session = kind(gateway.kind).build().create_checkout(CheckoutRequest(
            account_id=gateway.account_id, currency=invoice.currency,
            amount_minor=money.to_minor(amount, invoice.currency),
            description=_("Invoice %(number)s", number=invoice.number or invoice.id),
            customer_email=None,
            metadata={METADATA_COMPANY: str(company.id), METADATA_GATEWAY: str(gateway.id),
                      METADATA_INVOICES: invoice.id, METADATA_AMOUNTS: str(amount),
                      METADATA_CUSTOMER: invoice.customer_id},
            success_url=url_for("pay.thanks", token=token, _external=True),
            cancel_url=url_for("pay.invoice_page", token=token, _external=True),
            idempotency_key=f"remit-checkout-{uuid.uuid4()}",
        ))
    except GatewayError:
        return _problem("unavailable", 502, invoice=invoice)
    return redirect(session.url, code=303)


def _amount_error(raw: str, invoice: Invoice) -> str | None:
    try:
        amount = Decimal(raw)
        money.to_minor(amount, invoice.currency)
    except (InvalidOperation, money.MoneyError):
        return _("Enter an amount in %(currency)s, for example %(example)s.",
                 currency=invoice.currency, example=invoice.balance)
    if amount <= 0:
        return _("The amount must be more than zero.")
    if amount > invoice.balance:
        return _("The amount cannot be more than the %(due)s %(currency)s still due.",
                 due=invoice.balance, currency=invoice.currency)
    return None


@bp.get("/pay/<token>/thanks")
def thanks(token: str):
    return render_template("pay/thanks.html")


def _gateway_for(company: Company, currency: str) -> Gateway | None:
    return db.session.scalar(
        select(Gateway).join(GatewayCurrency)
        .where(Gateway.company_id == company.id, Gateway.status == GatewayStatus.ACTIVE,
               GatewayCurrency.currency == currency)
    )


def _problem(reason: str, status: int, invoice: Invoice | None = None):
    return render_template("pay/problem.html", reason=reason, invoice=invoice), status


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="remit-pay-link")
