"""Payment gateway settings: the company's ledger connection, currencies and accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from addon.accounts import accounts_by_currency, refresh_ledger
from addon.current import companies_of_user, company_for_user, current_company, login_required
from addon.extensions import db
from addon.gateways import pay_links
from addon.gateways.blueprint import bp
from addon.gateways.registry import KINDS
from addon.models import Company, ConnectionStatus, Gateway, GatewayStatus
from connectors.base import RateLimited, VendorUnavailable


@bp.get("/settings/gateways")
@login_required
def settings():
    company = current_company()
    if company is None:
        return redirect(url_for("home.index"))
    gateways = visible_gateways(company)
    return render_template(
        "gateways/settings.html", company=company, companies=companies_of_user(),
        currencies=accounts_by_currency(company, company.currencies).values(),
        ConnectionStatus=ConnectionStatus,
        gateways=gateways, kinds=list(KINDS.values()), kinds_by_key=KINDS,
        GatewayStatus=GatewayStatus, shared=pay_links.shared_among(gateways),
        pay_link_gateway=pay_links.chosen_among,
    )


@bp.get("/settings/gateways/new")
@login_required
def choose_kind():
    """The list of gateways Remit supports; the Add new gateway dialog shows the same list."""
    company = current_company()
    if company is None:
        return redirect(url_for("home.index"))
    return render_template("gateways/new.html", company=company, kinds=list(KINDS.values()))


@bp.post("/settings/company")
@login_required
def choose_company():
    company = company_for_user(request.form.get("company_id", type=int) or 0)
    session["company_id"] = company.id
    return redirect(url_for("gateways.settings"))


@bp.post("/settings/accounts/refresh")
@login_required
def refresh_accounts():
    company = company_for_user(request.form.get("company_id", type=int) or 0)
    try:
        refreshed = refresh_ledger(company.id)
    except (RateLimited, VendorUnavailable):
        flash(_("The accounting platform is busy or unreachable. Nothing changed; please try "
                "again in a minute."), "error")
        return redirect(url_for("gateways.settings"))
    if refreshed:
        flash(_("Chart of accounts refreshed."), "success")
    elif company.status is not ConnectionStatus.ACTIVE:
        flash(_("Reconnect the company to refresh its accounts."), "error")
    else:
        flash(_("The accounting platform refused to list the accounts: %(reason)s",
                reason=company.accounts_error or ""), "error")
    return redirect(url_for("gateways.settings"))


def visible_gateways(company: Company) -> list[Gateway]:
    """The company's gateways but archived ones, with their currencies, in one query: the page
    lists each gateway's currencies and must not ask once per gateway."""
    return list(db.session.scalars(
        select(Gateway).options(selectinload(Gateway.currencies))
        .where(Gateway.company_id == company.id, Gateway.status != GatewayStatus.ARCHIVED)
        .order_by(Gateway.id)
    ))

