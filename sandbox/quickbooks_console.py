"""The Intuit stand-in's console (/quickbooks/) and controls (/quickbooks/sandbox/...).

Each control is a POST that a person reaches through the console's buttons (form post, answered
with a redirect back and a status message) and a test reaches with JSON (answered with JSON).
None of these paths exists at Intuit: they stand for things done in QuickBooks' own UI (saving
an invoice, receiving a payment) or for time passing (tokens expiring, a user disconnecting the
app). The console lists every invoice with its balance due, so a payment Remit records shows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from sandbox import quickbooks_controls as controls
from sandbox import quickbooks_data as data
from sandbox import quickbooks_oauth as oauth
from sandbox import quickbooks_payments as payments
from sandbox.outages import seconds_given
from sandbox.quickbooks_entities import dumps, unit

bp = Blueprint("console", __name__)


@bp.get("/")
def console() -> str:
    companies = [_summary(realm) for realm in data.COMPANIES]
    return render_template("sandbox/quickbooks/console.html", companies=companies)


@bp.post("/sandbox/invoices")
def create_invoice() -> Response:
    """{"realm": ..., "currency": "EUR", "amount": "100.00"?, "customer": <Id>?,
    "date": "2026-01-20"?} -> {"Invoice": ...} as saved."""
    given = _given()
    try:
        amount = Decimal(str(given.get("amount", "100.00")))
        day = date.fromisoformat(str(given["date"])) if given.get("date") else None
        invoice = data.create_invoice(str(given.get("realm")), str(given.get("currency")), amount,
                                      customer_id=given.get("customer") or None, txn_date=day)
    except (LookupError, ValueError, InvalidOperation) as refused:
        return _done(f"No invoice created: {refused}", status=400)
    message = (f"Invoice {invoice['DocNumber']} created in {invoice['CurrencyRef']['value']} "
               f"on {invoice['ARAccountRef']['name']}.")
    return _done(message, {"Invoice": invoice}, status=201)


@bp.post("/sandbox/payments")
def record_payment() -> Response:
    """{"realm": ..., "invoice": <Id>} -> {"Payment": ...}: the invoice's whole balance
    received, as a bookkeeper would record it in QuickBooks (to Undeposited Funds)."""
    given = _given()
    try:
        payment = receive_payment(str(given.get("realm")), str(given.get("invoice")))
    except LookupError as refused:
        return _done(f"No payment recorded: {refused}", status=400)
    except payments.Fault as refused:
        return _done(f"No payment recorded: {refused.detail}", status=400)
    message = (f"Payment {payment['Id']} of {payment['TotalAmt']} "
               f"{payment['CurrencyRef']['value']} received.")
    return _done(message, {"Payment": payment}, status=201)


def receive_payment(realm: str, invoice_id: str) -> dict:
    """Pay an invoice's whole balance through the same checks as the API; the Payment saved.
    Raises LookupError for an unknown company or invoice, payments.Fault when QuickBooks would
    refuse it (nothing left to pay)."""
    if realm not in data.COMPANIES:
        raise LookupError(f"no sandbox company {realm}")
    found = data.find(realm, "Invoice", invoice_id)
    if found is None:
        raise LookupError(f"no invoice {invoice_id} in company {realm}")
    currency = found["CurrencyRef"]["value"]
    body = {"CustomerRef": {"value": found["CustomerRef"]["value"]},
            "TotalAmt": found["Balance"], "CurrencyRef": {"value": currency},
            "Line": [{"Amount": found["Balance"],
                      "LinkedTxn": [{"TxnId": found["Id"], "TxnType": "Invoice"}]}]}
    if currency != data.home_currency(realm):
        body["ExchangeRate"] = data.exchange_rate(realm, currency)
    return payments.create(realm, body)


@bp.post("/sandbox/companies")
def add_company() -> Response:
    """{"like": <seed realm>} -> {"realm": ...}: another company made from a seed one, for
    drills that need many companies."""
    try:
        realm = data.add_company(str(_given().get("like")))
    except LookupError as refused:
        return _done(f"No company added: {refused}", status=400)
    return _done(f"Company {realm} added.", {"realm": realm}, status=201)


@bp.get("/sandbox/companies/<company>/payments")  # not <realm>: that is the API gate's sign
def company_payments(company: str) -> Response:
    """{"Payments": [{"Id", "TotalAmt", "Invoices": [<Id>...]}]}: every Payment the company
    holds and the invoices it pays, for counting what a run recorded."""
    if company not in data.COMPANIES:
        return Response(dumps({"error": f"No sandbox company {company}."}), status=404,
                        mimetype="application/json")
    found = [{"Id": payment["Id"], "TotalAmt": payment["TotalAmt"],
              "Invoices": [linked["TxnId"] for line in payment.get("Line", [])
                           for linked in line.get("LinkedTxn", [])
                           if linked.get("TxnType") == "Invoice"]}
             for payment in data.COMPANIES[company]["Payment"]]
    return Response(dumps({"Payments": found}), mimetype="application/json")


@bp.get("/sandbox/companies/<company>/calls")
def company_calls(company: str) -> Response:
    """{"Calls": [...]}: the epoch times of the company's Accounting API requests."""
    return Response(dumps({"Calls": controls.call_times(company)}), mimetype="application/json")


@bp.post("/sandbox/outage")
def outage() -> Response:
    """{"answer": "429" | "503", "seconds": N}: every Accounting API answer that failure for
    N seconds (a 429 says in Retry-After how long is left); {"answer": "none"} ends it."""
    given = _given()
    if given.get("answer") == "none":
        controls.OUTAGE.stop()
        return _done("The Accounting API answers again.")
    try:
        controls.start_outage(str(given.get("answer")), seconds_given(given.get("seconds")))
    except ValueError as refused:
        return _done(f"No outage started: {refused}", status=400)
    return _done(f"Every Accounting API answer is a {given['answer']} for "
                 f"{given['seconds']} s.")


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
    controls.reset()
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
        "invoices": [_invoice_row(found) for found in company["Invoice"]],
    }


def _invoice_row(found: dict) -> dict:
    voided = found.get("PrivateNote") == "Voided"
    status = "voided" if voided else "open" if found["Balance"] > 0 else "paid"
    return {"id": found["Id"], "number": found["DocNumber"],
            "customer": found["CustomerRef"]["name"], "currency": found["CurrencyRef"]["value"],
            "total": _shown(found["TotalAmt"], found), "balance": _shown(found["Balance"], found),
            "status": status}


def _shown(amount: Decimal, found: dict) -> str:
    """In the invoice currency's places: 250.00 USD, 5000 JPY, 150.250 KWD."""
    return str(Decimal(amount).quantize(unit(found["CurrencyRef"]["value"])))


def _given() -> dict:
    body = request.get_json(silent=True) if request.is_json else request.form
    return dict(body or {})


def _done(message: str, body: dict | None = None, status: int = 200) -> Response:
    if request.is_json:
        answer = body if body is not None else {"message": message}
        if status >= 400:
            answer = {"error": message}
        return Response(dumps(answer), status=status, mimetype="application/json")
    flash(message, "error" if status >= 400 else "done")
    return redirect(url_for(".console"), code=303)

