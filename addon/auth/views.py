"""Sign in with QuickBooks Online or Xero: connect, launch, reconnect, disconnect."""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from addon import platforms
from addon.accounts import refresh_ledger
from addon.auth import grants, outside
from addon.auth.clients import oauth_client
from addon.auth.disconnect import disconnect
from addon.auth.expiry import forget_sign_in, landing_after_sign_in
from addon.auth.signin import (
    SignInError,
    begin_choice,
    connect_one,
    finish_choice,
    pending_handoff,
    profile_from_claims,
)
from addon.current import companies_of_user, company_for_user, login_required, sign_in
from addon.jobs import post_task, refresh_ledger_task
from addon.urls import public_url
from addon.vendors import PlatformNotConfigured, vendor
from connectors.base import ConnectorError, RateLimited, VendorUnavailable
from connectors.platform import LedgerPlatform

bp = Blueprint("auth", __name__)
bp.add_app_template_global(grants.banner, "grant_banner")
bp.add_app_template_global(grants.sentence, "grant_sentence")
log = logging.getLogger(__name__)


def _platform(value: str) -> LedgerPlatform:
    try:
        return platforms.get(value)
    except platforms.UnknownPlatform:
        abort(404)


@bp.get("/reconnect/<platform>")
def reconnect(platform: str):
    """Intuit's Reconnect URL (and Remit's own Reconnect button): the same consent again."""
    return connect(platform)


@bp.get("/connect/<platform>")
def connect(platform: str):
    chosen = _platform(platform)
    if outside.framed_request():
        return outside.leave_frame_page(chosen.display_name)
    outside.remember_window()
    try:
        client = oauth_client(chosen.key)
    except PlatformNotConfigured:
        return _failure(chosen, "not_configured")
    redirect_uri = public_url("auth.callback", platform=chosen.key)
    try:
        return client.authorize_redirect(redirect_uri)
    except requests.RequestException:
        return _failure(chosen, "platform_error")


@bp.get("/launch/<platform>")
def launch(platform: str):
    """Where the marketplace opens Remit: straight to the settings when already signed in."""
    chosen = _platform(platform)
    if any(c.platform == chosen.key for c in companies_of_user()):
        return redirect(url_for("gateways.settings"))
    return redirect(url_for("auth.connect", platform=chosen.key))


@bp.get("/auth/<platform>/callback")
def callback(platform: str):
    chosen = _platform(platform)
    if request.args.get("error"):
        reason = "denied" if request.args["error"] == "access_denied" else "platform_error"
        return _failure(chosen, reason)
    try:
        client = oauth_client(chosen.key)
        token = client.authorize_access_token(headers=vendor(chosen.key).token_request_headers)
        claims = dict(token.get("userinfo") or {})
        if chosen.userinfo_needed:  # the id_token carries no email or name
            claims.update(client.userinfo(token=token))
        profile = profile_from_claims(claims)
        if chosen.lists_companies:
            return _after_consent_for_several(chosen, token, profile)
        user, company = connect_one(chosen.key, token, request.args.get(chosen.company_param),
                                    profile)
        return _signed_in(user.id, [company])
    except MismatchingStateError:
        return _failure(chosen, "state")
    except OAuthError as refused:
        log.info("OAuth refused at %s: %s", chosen.key, refused.error)
        return _failure(chosen, "invalid_grant" if refused.error == "invalid_grant"
                        else "platform_error")
    except (requests.RequestException, ConnectorError):
        return _failure(chosen, "platform_error")
    except SignInError as failed:
        return _failure(chosen, failed.reason)
    except PlatformNotConfigured:
        return _failure(chosen, "not_configured")


def _after_consent_for_several(chosen: LedgerPlatform, token: dict, profile):
    user, handoff = begin_choice(chosen.key, token, profile)
    if len(handoff.tenants) == 1:
        return _signed_in(user.id, finish_choice(handoff, {handoff.tenants[0]["tenant_id"]}))
    sign_in(user.id)
    session[_handoff_key(chosen)] = handoff.id
    return redirect(url_for("auth.choose_organisations", platform=chosen.key))


def _handoff_key(chosen: LedgerPlatform) -> str:
    return f"{chosen.key}_handoff"


@bp.route("/auth/<platform>/organisations", methods=["GET", "POST"])
@login_required
def choose_organisations(platform: str):
    chosen = _platform(platform)
    if not chosen.lists_companies:
        abort(404)
    try:
        handoff = pending_handoff(session.get(_handoff_key(chosen)), g.user.id)
    except SignInError as failed:
        return _failure(chosen, failed.reason)
    if request.method == "GET":
        return render_template("auth/organisations.html", tenants=handoff.tenants)
    chosen = set(request.form.getlist("tenant"))
    if not chosen & {t["tenant_id"] for t in handoff.tenants}:
        return render_template("auth/organisations.html", tenants=handoff.tenants,
                               form_errors=True), 400
    try:
        companies = finish_choice(handoff, chosen)
    except SignInError as failed:
        return _failure(platforms.get(handoff.platform), failed.reason)
    return _signed_in(g.user.id, companies)


def _signed_in(user_id: int, companies):
    """Read each new company's chart of accounts now, so the settings page is complete on
    arrival; if the platform is busy, the queue retries it in the background. A reconnected
    company's postings that waited for it (a scope, a dead grant) are enqueued again."""
    sign_in(user_id, companies[0].id)
    for company in companies:
        try:
            refresh_ledger(company.id)
        except (RateLimited, VendorUnavailable):
            refresh_ledger_task(company.id)
        for posting_id in grants.resume(company):
            post_task(posting_id)
    return outside.finish(landing_after_sign_in(url_for("gateways.settings")))


@bp.route("/companies/<int:company_id>/disconnect", methods=["GET", "POST"])
@login_required
def disconnect_company(company_id: int):
    """GET asks for confirmation (a page, so it works without JavaScript); POST disconnects."""
    company = company_for_user(company_id)
    name = platforms.get(company.platform).display_name
    if request.method == "GET":
        return render_template("auth/disconnect.html", company=company, platform_name=name)
    try:
        disconnect(company)
    except ConnectorError:
        flash(_("%(platform)s could not be reached, so the connection is unchanged. Please try "
                "again in a moment.", platform=name), "error")
        return redirect(url_for("gateways.settings"))
    flash(_("Remit is disconnected from %(company)s. Its history is kept; reconnect at any "
            "time.", company=company.name), "success")
    return redirect(url_for("gateways.settings"))


@bp.get("/disconnected/<platform>")
def disconnected(platform: str):
    """A platform's Disconnect URL (Intuit's): the user disconnected Remit inside it."""
    chosen = _platform(platform)
    if not chosen.disconnect_page:
        abort(404)
    return render_template("auth/disconnected.html", platform=chosen.key,
                           platform_name=chosen.display_name)


@bp.post("/signout")
def sign_out():
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    g.user = None
    return forget_sign_in(redirect(url_for("home.index")))


def _failure(platform: LedgerPlatform, reason: str):
    status = 502 if reason == "platform_error" else 400
    return render_template("auth/error.html", reason=reason, platform=platform.key,
                           platform_name=platform.display_name), status
