"""The Reconciliation page of one gateway and currency: each payout with what it contains, the
ledger transaction it became and whether the clearing account agrees; its CSV export."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import get_locale

from addon.current import company_for_user, login_required
from addon.extensions import db
from addon.gateways.registry import GatewayNotConfigured, exponent, kind
from addon.models import Company, Gateway
from addon.money import format_amount
from addon.reconcile import data, words
from addon.reconcile.export import csv_text

bp = Blueprint("reconcile", __name__)
DEFAULT_DAYS = 31


@bp.get("/reconciliation/<int:gateway_id>")
@login_required
def page(gateway_id: int):
    gateway, company, currency, since, since_error = _chosen(gateway_id)
    money = _money(gateway, currency)
    gateway_name = data.gateway_name(gateway)
    rows = data.rows(gateway, currency, since) if currency else []
    balances = data.balances(company, gateway, currency) if currency else None
    return render_template(
        "reconcile/page.html", company=company, gateway=gateway, gateway_name=gateway_name,
        currency=currency, currencies=data.currencies(gateway), since=since,
        since_error=since_error, form_errors=since_error, rows=rows, balances=balances,
        money=money,
        figure=_figure(gateway, currency),
        status_words=lambda row: words.status(row, money),
        finding_words=lambda item: words.finding(item, money, gateway_name),
        payout_url=lambda row: _payout_url(gateway, row.payout_id),
        ledger_url=lambda object_id: _ledger_url(company, object_id))


@bp.get("/reconciliation/<int:gateway_id>/reconciliation.csv")
@login_required
def export(gateway_id: int):
    gateway, _company, currency, since, _error = _chosen(gateway_id)
    if not currency:
        abort(404)
    rows = data.rows(gateway, currency, since)
    text = csv_text(rows, data.gateway_name(gateway), entries=request.args.get("entries") == "1")
    name = f"reconciliation-{gateway.id}-{currency}-{since.isoformat()}.csv"
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _chosen(gateway_id: int):
    """The gateway (404 unless the user is a member of its company), the currency asked for
    (else the account's default, else the first), and `since` (else a month ago)."""
    gateway = db.session.get(Gateway, gateway_id) or abort(404)
    company = company_for_user(gateway.company_id)
    offered = data.currencies(gateway)
    asked = (request.args.get("currency") or "").upper()
    if asked and asked not in offered:
        abort(404)
    default = gateway.account_default_currency if gateway.account_default_currency in offered \
        else (offered[0] if offered else None)
    since, since_error = _since(request.args.get("since"))
    return gateway, company, asked or default, since, since_error


def _since(text: str | None) -> tuple[date, bool]:
    fallback = date.today() - timedelta(days=DEFAULT_DAYS)
    if not text:
        return fallback, False
    try:
        return date.fromisoformat(text), False
    except ValueError:
        return fallback, True


def _figure(gateway: Gateway, currency: str | None):
    """An amount in a column whose caption names the currency: digits only."""
    places = exponent(gateway.kind, currency) if currency else 2
    return lambda amount: format_amount(amount, currency, str(get_locale() or "en"), places)


def _money(gateway: Gateway, currency: str | None):
    places = exponent(gateway.kind, currency) if currency else 2

    def written(amount) -> str:
        if amount is None:
            return "—"
        return f"{format_amount(amount, currency, str(get_locale() or 'en'), places)} {currency}"

    return written


def _payout_url(gateway: Gateway, payout_id: str) -> str | None:
    """The payout's page in its gateway's dashboard (the stand-in's console in sandbox
    mode), when the gateway offers one."""
    gateway_kind = kind(gateway.kind)
    if gateway_kind is None or not gateway.account_id:
        return None
    if current_app.config["SANDBOX_MODE"]:
        return f"{current_app.config['SANDBOX_URL']}/{gateway.kind}/"
    try:
        return gateway_kind.build().dashboard_url(account_id=gateway.account_id,
                                                  source_id=payout_id,
                                                  livemode=gateway.livemode)
    except GatewayNotConfigured:
        return None


def _ledger_url(company: Company, object_id: str | None) -> str | None:
    """A payout becomes a deposit or a bank transaction, for which the ledger descriptors give
    no deep link (only `payment_url`): linked to the stand-in's console in sandbox mode, as
    Activity does, else shown as its id."""
    if not object_id:
        return None
    if current_app.config["SANDBOX_MODE"]:
        return f"{current_app.config['SANDBOX_URL']}/{company.ledger.key}/"
    return None
