"""Which gateway a pay link uses when several active gateways of a company collect the same
currency: the one the user chose on the settings page (`gateway_currency.pay_links`), else the
oldest, so the answer never depends on the database's row order. Choosing is audited like every
other gateway change."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from addon.current import company_for_user, login_required
from addon.extensions import db
from addon.gateways.blueprint import bp
from addon.models import Company, Gateway, GatewayAudit, GatewayCurrency, GatewayStatus


def gateway_for(company_id: int, currency: str) -> Gateway | None:
    """The active gateway pay links in `currency` open their payment page on."""
    return db.session.scalars(
        select(Gateway).join(GatewayCurrency)
        .where(Gateway.company_id == company_id, Gateway.status == GatewayStatus.ACTIVE,
               GatewayCurrency.currency == currency)
        .order_by(GatewayCurrency.pay_links.desc(), Gateway.created_at, Gateway.id)
        .limit(1)
    ).first()


def collectors(company: Company, currency: str) -> list[Gateway]:
    """The company's active gateways collecting `currency`, oldest first."""
    return list(db.session.scalars(
        select(Gateway).join(GatewayCurrency)
        .where(Gateway.company_id == company.id, Gateway.status == GatewayStatus.ACTIVE,
               GatewayCurrency.currency == currency)
        .order_by(Gateway.created_at, Gateway.id)
    ))


def shared_currencies(company: Company) -> dict[str, list[Gateway]]:
    """Currency -> its active gateways, for the currencies more than one collects."""
    codes = sorted({row.currency for gateway in company.gateways
                    if gateway.status is GatewayStatus.ACTIVE for row in gateway.currencies})
    found = {code: collectors(company, code) for code in codes}
    return {code: gateways for code, gateways in found.items() if len(gateways) > 1}


def shared_among(gateways: list[Gateway]) -> dict[str, list[Gateway]]:
    """As shared_currencies, from gateways already loaded with their currencies (no query)."""
    found: dict[str, list[Gateway]] = {}
    for gateway in sorted(gateways, key=lambda gw: (gw.created_at, gw.id)):
        if gateway.status is GatewayStatus.ACTIVE:
            for row in gateway.currencies:
                found.setdefault(row.currency, []).append(gateway)
    return {code: found[code] for code in sorted(found) if len(found[code]) > 1}


def chosen_among(collecting: list[Gateway], currency: str) -> Gateway | None:
    """As gateway_for, among loaded gateways (oldest first): the one marked, else the oldest."""
    marked = [gw for gw in collecting
              if any(row.pay_links for row in gw.currencies if row.currency == currency)]
    return (marked or collecting or [None])[0]


def also_collecting(gateway: Gateway, codes: list[str]) -> dict[str, list[Gateway]]:
    """Per currency of `codes`, the company's other active gateways already collecting it."""
    found = {code: [other for other in collectors(gateway.company, code) if other.id != gateway.id]
             for code in codes}
    return {code: others for code, others in found.items() if others}


@bp.post("/settings/pay-links")
@login_required
def choose_for_pay_links():
    company = company_for_user(request.form.get("company_id", type=int) or 0)
    currency = request.form.get("currency", "")
    gateways = collectors(company, currency)
    chosen = next((gw for gw in gateways
                   if gw.id == request.form.get("gateway_id", type=int)), None)
    if chosen is None:
        abort(400)
    before = gateway_for(company.id, currency)
    for gateway in gateways:
        for row in gateway.currencies:
            if row.currency == currency:
                row.pay_links = gateway.id == chosen.id
    if before is not None and before.id != chosen.id:  # both histories tell the move
        db.session.add_all(GatewayAudit(gateway=gateway, user_id=g.user.id,
                                        change=f"pay_links:{currency}",
                                        old_value=_name(before), new_value=_name(chosen))
                           for gateway in (before, chosen))
    db.session.commit()
    flash(_("Pay links in %(code)s now use %(name)s.", code=currency, name=chosen.description),
          "success")
    return redirect(url_for("gateways.settings"))


def _name(gateway: Gateway) -> str:
    return f"{gateway.description} ({gateway.account_id})"
