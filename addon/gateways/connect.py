"""Connect to Stripe (or another registered gateway) with its OAuth flow, from a company's
settings. The state is random, kept in the signed session with the company it was started for,
single use and short-lived; a failed callback creates nothing."""

from __future__ import annotations

import contextlib
import secrets
import time

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from addon.auth import outside
from addon.current import company_for_user, current_company, login_required
from addon.extensions import db
from addon.gateways.blueprint import bp
from addon.gateways.registry import GatewayNotConfigured, kind
from addon.models import Company, Gateway, GatewayAudit, GatewayStatus
from addon.urls import public_url
from gateways.base import AccountProfile, ConnectedAccount, ConnectRefused, GatewayError

PENDING = "gateway_connect"
STATE_LIFETIME = 600  # seconds; Stripe's own code lives 5 minutes
LANDINGS = ("login", "register")


class ConnectFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@bp.get("/settings/gateways/connect/<kind_key>")
@login_required
def start_connect(kind_key: str):
    gateway_kind = kind(kind_key) or abort(404)
    company = current_company() or abort(404)
    if outside.framed_request():
        return outside.leave_frame_page(gateway_kind.display_name)
    outside.remember_window()
    reconnecting = request.args.get("gateway", type=int)
    if reconnecting is not None:
        _gateway_of(company, reconnecting)
    try:
        provider = gateway_kind.build()
    except GatewayNotConfigured:
        return _failure(kind_key, "not_configured")
    state = secrets.token_urlsafe(24)
    session[PENDING] = {"state": state, "company_id": company.id, "kind": kind_key,
                        "gateway_id": reconnecting, "expires": time.time() + STATE_LIFETIME}
    landing = request.args.get("landing") if request.args.get("landing") in LANDINGS else "login"
    return redirect(provider.authorize_url(
        redirect_uri=public_url("gateways.connect_callback", kind_key=kind_key),
        state=state, landing=landing, prefill=_prefill(company),
    ))


@bp.get("/settings/gateways/callback/<kind_key>")
@login_required
def connect_callback(kind_key: str):
    pending = session.pop(PENDING, None)
    try:
        company = _company_for(pending, kind_key)
        if request.args.get("error"):
            raise ConnectFailed("denied" if request.args["error"] == "access_denied"
                                else "platform_error")
        gateway = _connect(company, kind_key, request.args.get("code"), pending["gateway_id"])
    except ConnectFailed as failed:
        return _failure(kind_key, failed.reason)
    if gateway.status is GatewayStatus.ACTIVE:
        flash(_("%(name)s is connected again; its currencies and accounts are unchanged.",
                name=gateway.description), "success")
        return outside.finish(url_for("gateways.settings"))
    return outside.finish(url_for("gateways.configure", gateway_id=gateway.id))


def _company_for(pending: dict | None, kind_key: str) -> Company:
    if (not pending or pending.get("state") != request.args.get("state")
            or pending.get("kind") != kind_key or pending.get("expires", 0) < time.time()):
        raise ConnectFailed("state")
    return company_for_user(pending["company_id"])


def _connect(company: Company, kind_key: str, code: str | None, gateway_id: int | None):
    if not code:
        raise ConnectFailed("platform_error")
    provider = kind(kind_key).build()
    try:
        connected = provider.exchange_code(code)
    except ConnectRefused as refused:
        raise ConnectFailed("invalid_grant" if refused.code == "invalid_grant"
                            else "platform_error") from None
    except GatewayError:
        raise ConnectFailed("platform_error") from None
    try:
        profile = provider.account_profile(connected.account_id)
        gateway = _attach(company, kind_key, connected, profile, gateway_id)
    except (GatewayError, ConnectFailed) as failed:
        db.session.rollback()
        _release(provider, kind_key, connected.account_id)
        if isinstance(failed, ConnectFailed):
            raise
        raise ConnectFailed("platform_error") from None
    db.session.commit()
    return gateway


def _release(provider, kind_key: str, account_id: str) -> None:
    """Nothing half-created: give back a connection no gateway of Remit uses (best effort)."""
    in_use = db.session.scalar(
        select(Gateway.id).where(Gateway.kind == kind_key, Gateway.account_id == account_id,
                                 Gateway.status != GatewayStatus.ARCHIVED)
    )
    if in_use is None:
        with contextlib.suppress(GatewayError):
            provider.deauthorize(account_id)


def _attach(company: Company, kind_key: str, connected: ConnectedAccount,
            profile: AccountProfile, gateway_id: int | None) -> Gateway:
    same_account = [gw for gw in company.gateways if gw.kind == kind_key
                    and gw.account_id == connected.account_id
                    and gw.status is not GatewayStatus.ARCHIVED]
    if gateway_id is not None:
        gateway = _gateway_of(company, gateway_id)
        if gateway.account_id != connected.account_id:
            raise ConnectFailed("different_account")
        change = "reconnected"
    elif same_account:
        raise ConnectFailed("already_connected")
    else:
        gateway = Gateway(company=company, kind=kind_key, status=GatewayStatus.NEEDS_SETUP,
                          description="", connected_via="oauth")
        db.session.add(gateway)
        change = "connected"
    gateway.account_id, gateway.livemode = connected.account_id, connected.livemode
    gateway.scope = connected.scope
    gateway.credentials = None  # calls use the platform key with Stripe-Account: no tokens kept
    gateway.account_name = profile.display_name
    gateway.account_country = profile.country
    gateway.account_default_currency = profile.default_currency
    gateway.account_currencies = list(profile.currencies)
    gateway.disconnected_at = None
    gateway.status = GatewayStatus.ACTIVE if gateway.currencies else GatewayStatus.NEEDS_SETUP
    db.session.add(GatewayAudit(gateway=gateway, user_id=g.user.id, change=change,
                                new_value=f"{profile.display_name} ({connected.account_id})"))
    return gateway


def _gateway_of(company: Company, gateway_id: int) -> Gateway:
    gateway = db.session.get(Gateway, gateway_id)
    if gateway is None or gateway.company_id != company.id:
        abort(404)
    return gateway


def _prefill(company: Company) -> dict[str, str]:
    """Stripe pre-fills a new account's form with these; existing accounts ignore them."""
    return {"business_name": company.name, "email": g.user.email or "",
            "country": company.country or "", "currency": company.home_currency.lower()}


def _failure(kind_key: str, reason: str):
    status = 502 if reason == "platform_error" else 400
    return render_template("gateways/connect_error.html", reason=reason,
                           gateway_name=kind(kind_key).display_name), status
