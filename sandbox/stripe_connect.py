"""connect.stripe.com stand-in (at /stripe/connect): Connect OAuth for Standard accounts —
the authorize page (sign in with an existing account, or create one), token and deauthorize —
following https://docs.stripe.com/connect/oauth-reference (reference §1.3-§1.6).

Authorize errors other than a denial never redirect: they answer JSON (reference §1.4). The
stand-in registers no redirect URI for the platform, so any http(s) `redirect_uri` is accepted
(Stripe requires an exact match with a registered one) and one is required.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect, render_template, request

from sandbox import stripe_seed as seed
from sandbox import stripe_state as state
from sandbox.oauth import OAuthError
from sandbox.stripe_wire import answer, oauth_error, platform_refusal

bp = Blueprint("connect", __name__)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
DENIED = "The user denied your request"


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Response | tuple[str, int] | str:
    refusal = _authorize_refusal(request.args)
    if refusal:
        return refusal
    decision = request.form.get("decision") if request.method == "POST" else None
    if decision is None:
        return _page()
    if decision == "connect":
        chosen = request.form.get("account", "")
        if state.account(chosen) is None:
            return _page(sign_in_problem="Choose the account to connect."), 400
        return _back(code=state.issue_code(chosen), scope=request.args["scope"])
    if decision == "create":
        return _create_and_connect()
    return _back(error="access_denied", error_description=DENIED)


@bp.post("/oauth/token")
def token() -> Response:
    refused = platform_refusal()
    if refused:
        return refused
    grant_type = request.form.get("grant_type", "")
    try:
        if grant_type == "authorization_code":
            made = state.exchange_code(_required("code"))
        elif grant_type == "refresh_token":
            made = state.refresh(_required("refresh_token"), request.form.get("scope"))
        else:
            raise OAuthError("unsupported_grant_type",
                             f"Unsupported grant type: {grant_type or '(none)'}")
    except OAuthError as error:
        return oauth_error(error.code, error.description, error.status)
    return answer({  # reference §1.5/§6, in the order Stripe documents the fields
        "access_token": made.access_token, "scope": made.scope, "livemode": False,
        "token_type": "bearer", "refresh_token": made.refresh_token,
        "stripe_user_id": made.account_id, "stripe_publishable_key": made.publishable_key})


@bp.post("/oauth/deauthorize")
def deauthorize() -> Response:
    refused = platform_refusal()
    if refused:
        return refused
    try:
        client_id, account_id = _required("client_id"), _required("stripe_user_id")
    except OAuthError as error:
        return oauth_error(error.code, error.description, error.status)
    if client_id != seed.PLATFORM_CLIENT_ID:
        return oauth_error("invalid_client", f"No such application: '{client_id}'", 401)
    if not state.disconnect(account_id):
        return oauth_error("invalid_client", f"This application is not connected to stripe "
                                             f"account {account_id}, or that account does not "
                                             f"exist.", 401)
    return answer({"stripe_user_id": account_id})


def _authorize_refusal(params) -> Response | None:
    """The JSON answer for an authorize request Stripe would not show a page for."""
    found = None
    if params.get("client_id") != seed.PLATFORM_CLIENT_ID:
        found = ("invalid_client", "No application matches the supplied client identifier")
    elif not params.get("response_type"):
        found = ("invalid_request", "No response_type provided")
    elif params["response_type"] != "code":
        found = ("unsupported_response_type",
                 f"Unsupported response_type: {params['response_type']}")
    elif params.get("scope") != "read_write":
        found = ("invalid_scope", f"Invalid scope: {params.get('scope') or 'read_only'}. "
                 "New platforms ask for read_write (read_only is for Connect Extensions).")
    elif not params.get("redirect_uri", "").startswith(("http://", "https://")):
        found = ("invalid_redirect_uri", "Invalid redirect URI: give the http(s) URL Stripe "
                 "should send the user back to.")
    if found is None:
        return None
    body = {"error": found[0], "error_description": found[1]}
    if params.get("state"):
        body["state"] = params["state"]
    return answer(body, 400)


def _create_and_connect() -> Response | tuple[str, int]:
    form = {name: request.form.get(name, "").strip() for name in
            ("business_name", "email", "country", "currency")}
    problems = _create_problems(form)
    if problems:
        return _page(new_account=form, problems=problems), 400
    account_id = state.create_account(form["business_name"], form["email"], form["country"],
                                      form["currency"].lower())
    return _back(code=state.issue_code(account_id), scope=request.args["scope"])


def _create_problems(form: dict[str, str]) -> dict[str, str]:
    """What Stripe's sign-up form would refuse, per field."""
    problems = {}
    if not form["business_name"]:
        problems["business_name"] = "Enter the business name."
    elif len(form["business_name"]) > 100:
        problems["business_name"] = "Use at most 100 characters for the business name."
    if not EMAIL.fullmatch(form["email"]):
        problems["email"] = "Enter an email address like name@example.com."
    if form["country"] not in seed.COUNTRIES:
        problems["country"] = "Choose the country the business is based in."
    else:
        allowed = seed.BANK_CURRENCIES[form["country"]]
        if form["currency"].lower() not in allowed:
            problems["currency"] = (f"Accounts in {seed.COUNTRIES[form['country']]} are paid "
                                    f"out in {', '.join(c.upper() for c in allowed)}.")
    return problems


def _page(new_account: dict | None = None, problems: dict | None = None,
          sign_in_problem: str | None = None) -> str:
    args = request.args
    landing = args.get("stripe_landing") or "register"  # Stripe's default for read_write
    prefill = new_account or {
        "business_name": args.get("stripe_user[business_name]", ""),
        "email": args.get("stripe_user[email]", ""),
        "country": args.get("stripe_user[country]", "").upper(),
        "currency": args.get("stripe_user[currency]", "").lower()}
    if not prefill["currency"]:  # Stripe suggests the country's usual payout currency
        prefill["currency"] = seed.DEFAULT_CURRENCY.get(prefill["country"], "")
    return render_template(
        "sandbox/stripe/authorize.html", landing=landing, accounts=state.accounts(),
        countries=seed.COUNTRIES, currencies=sorted({c for by_country in
                                                     seed.BANK_CURRENCIES.values()
                                                     for c in by_country}),
        new_account=prefill, problems=problems or {}, sign_in_problem=sign_in_problem,
        platform=seed.PLATFORM_NAME, action=request.script_root + request.full_path)


def _back(**params: str) -> Response:
    """Redirect to the platform's redirect_uri with `params` plus the state it sent; spaces as
    %20, as Stripe writes them."""
    if request.args.get("state"):
        params["state"] = request.args["state"]
    target = request.args["redirect_uri"]
    separator = "&" if "?" in target else "?"
    return redirect(target + separator + urlencode(params, quote_via=quote), code=302)


def _required(name: str) -> str:
    value = request.form.get(name, "")
    if not value:
        raise OAuthError("invalid_request", f"No {name} provided")
    return value
