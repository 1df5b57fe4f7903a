"""The Intuit stand-in's console (/quickbooks/) and controls (/quickbooks/sandbox/...).

Each control is a POST that a person reaches through the console's buttons (form post, answered
with a redirect back and a status message) and a test reaches with JSON (answered with JSON).
None of these paths exists at Intuit: they stand for things done in QuickBooks' own UI (saving
an invoice) or for time passing (tokens expiring, a user disconnecting the app).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from importlib import import_module

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from sandbox import quickbooks_data as data
from sandbox import quickbooks_oauth as oauth

bp = Blueprint("console", __name__)


@bp.get("/")
def console() -> str:
    companies = [_summary(realm) for realm in data.COMPANIES]
    return render_template("sandbox/quickbooks/console.html", companies=companies)


@bp.post("/sandbox/invoices")
def create_invoice() -> Response:
    """{"realm": ..., "currency": "EUR", "amount": "100.00"?} -> {"Invoice": ...} as saved."""
    given = _given()
    try:
        amount = Decimal(str(given.get("amount", "100.00")))
        invoice = data.create_invoice(str(given.get("realm")), str(given.get("currency")), amount)
    except (LookupError, ValueError, InvalidOperation) as refused:
        return _done(f"No invoice created: {refused}", status=400)
    message = (f"Invoice {invoice['DocNumber']} created in {invoice['CurrencyRef']['value']} "
               f"on {invoice['ARAccountRef']['name']}.")
    return _done(message, {"Invoice": invoice}, status=201)


@bp.post("/sandbox/tokens")
def issue_tokens() -> Response:
    """A connection to a company without the browser: Intuit's token response."""
    realm = str(_given().get("realm"))
    if realm not in data.COMPANIES:
        return _done(f"No sandbox company {realm}.", status=400)
    return _done("Tokens issued.", oauth.issue_tokens(realm), status=201)


@bp.post("/sandbox/expire-access-tokens")
def expire_access_tokens() -> Response:
    oauth.SERVER.expire_access_tokens()
    return _done("Every access token has expired; refresh tokens still work.")


@bp.post("/sandbox/revoke-grants")
def revoke_grants() -> Response:
    oauth.SERVER.revoke_all()
    return _done("Every connection was revoked, as if each user disconnected the app.")


@bp.post("/sandbox/reset")
def reset() -> Response:
    import_module("sandbox.quickbooks").reset()  # the whole stand-in, which imports this module
    return _done("Companies, connections and forced failures are back to the seed.")


def _summary(realm: str) -> dict:
    company = data.COMPANIES[realm]
    currencies = data.enabled_currencies(realm)
    return {
        "realm": realm, "name": company["CompanyInfo"]["CompanyName"],
        "home": data.home_currency(realm),
        "multicurrency": company["Preferences"]["CurrencyPrefs"]["MultiCurrencyEnabled"],
        "currencies": currencies,
        "receivables": {code: data.receivable_account(realm, code) for code in currencies},
    }


def _given() -> dict:
    body = request.get_json(silent=True) if request.is_json else request.form
    return dict(body or {})


def _done(message: str, body: dict | None = None, status: int = 200) -> Response:
    if request.is_json:
        answer = body if body is not None else {"message": message}
        if status >= 400:
            answer = {"error": message}
        return Response(data.dumps(answer), status=status, mimetype="application/json")
    flash(message, "error" if status >= 400 else "done")
    return redirect(url_for(".console"), code=303)

