"""Xero stand-in, mounted at /xero: identity (OAuth 2.0 / OpenID Connect, consent page),
api.xero.com (connections and the Accounting API subset Remit uses: settings in xero_api.py,
invoices and payments in xero_payments.py), and a console listing what is still due.

Each real host sits at its sandbox/hosts.py prefix plus the real path:
login.xero.com → /xero/login, identity.xero.com → /xero/identity, api.xero.com → /xero/api.

Controls, for people (the console at /xero/) and for tests (the same POST endpoints, or the
functions below): force the next API answer to fail (`force_next("429" | "503" | "400")`),
set or remove an organisation's period lock date (`lock_period(tenant, date | None)`:
payments dated on or before it are refused), expire every access token, revoke every grant (the
user removed the app in Xero: refresh answers invalid_grant and the connections are gone), and
reset to the seed; make sales invoices (`create_invoice(tenant, contact, currency, amount)`)
and read every account's balance (`account_balances(tenant)`). The refresh-token rotation
grace (30 minutes, as at Xero) is `SERVER.rotation_grace` (seconds); reset() puts it back.
reset() also puts the seeded invoices back as they were (recorded payments are forgotten);
their ids are `INVOICE_IDS` (by invoice number). For drills, over HTTP: a timed throttle or
outage (/controls/outage/...), more organisations made from a seed one, invoices, and each
organisation's payments and call times.
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, Response, redirect, render_template, request, url_for

from sandbox import (
    xero_accounts_create,
    xero_api,
    xero_books,
    xero_credit_notes,
    xero_identity,
    xero_invoicing,
    xero_overpayments,
    xero_payments,
    xero_reports,
    xero_searches,
    xero_seed,
    xero_tenancy,
    xero_transactions,
)
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from sandbox.outages import seconds_given

# What the development stack hands the add-on for this stand-in (sandbox/devstack.py).
DEV_SETTINGS = {"XERO_CLIENT_ID": SANDBOX_CLIENT_ID, "XERO_CLIENT_SECRET": SANDBOX_CLIENT_SECRET}

bp = Blueprint("xero", __name__)
bp.register_blueprint(xero_identity.bp)
bp.register_blueprint(xero_api.bp)
bp.register_blueprint(xero_payments.bp)
bp.register_blueprint(xero_searches.bp)
bp.register_blueprint(xero_overpayments.bp)
bp.register_blueprint(xero_transactions.bp)
bp.register_blueprint(xero_credit_notes.bp)
bp.register_blueprint(xero_reports.bp)
bp.register_blueprint(xero_accounts_create.bp)

force_next = xero_api.force_next
lock_period = xero_payments.lock_period
SERVER = xero_tenancy.SERVER
UK_ORG, FR_ORG = xero_seed.UK_ORG, xero_seed.FR_ORG
INVOICE_IDS = xero_seed.INVOICE_IDS
create_invoice = xero_invoicing.create_invoice


def add_bank_account(tenant_id: str, name: str, currency: str, code: str) -> str:
    """As a person adding a BANK account in Xero's UI (say a bank account used as Stripe's
    clearing account): its AccountID, derived from the name so cassettes stay stable."""
    return xero_invoicing.add_bank_account(tenant_id, name, currency, code)


def account_balances(tenant_id: str) -> dict[str, Decimal]:
    """AccountID -> balance in the base currency, debits positive, from every transaction the
    organisation holds (what GET /Reports/TrialBalance reports)."""
    with xero_api.BOOKS:
        return xero_books.balances(xero_api.organisations()[tenant_id])
CALLBACK = "http://127.0.0.1/callback"  # where grant_tokens() pretends the browser returned


def reset() -> None:
    """Seed data back (invoices unpaid as seeded), no codes, tokens or connections, no forced
    failures, no Idempotency-Key remembered."""
    xero_tenancy.reset()
    xero_api.reset()
    xero_payments.reset()
    xero_overpayments.reset()
    xero_transactions.reset()


def grant_tokens(scope: str, tenants: list[str]) -> dict:
    """The consent page's Allow plus the token endpoint's code exchange, without HTTP: tokens
    for tests and recorders, whose own traffic then starts at the API."""
    code = xero_identity.consent(scope, tenants, redirect_uri=CALLBACK)
    grant, _, tokens = SERVER.exchange_code(SANDBOX_CLIENT_ID, code, CALLBACK, None)
    xero_tenancy.remember(grant, tokens)
    return {**tokens, "token_type": "Bearer", "scope": scope}


def expire_access_tokens() -> None:
    SERVER.expire_access_tokens()


def revoke_grants() -> None:
    """As when the user removes the app in Xero: every refresh token answers invalid_grant,
    every access token 401, and no connection is left."""
    SERVER.revoke_all()
    xero_tenancy.disconnect_everyone()


@bp.get("/")
def console() -> str:
    return render_template(
        "sandbox/xero/console.html", client_id=SANDBOX_CLIENT_ID,
        failures=sorted(xero_api.FAILURES), organisations=xero_seed.ORG_NAMES,
        connections=xero_tenancy.all_connections(), invoices=_invoices_by_organisation(),
        done=request.args.get("done"))


def _invoices_by_organisation() -> dict[str, list[dict]]:
    """Organisation name -> its sales invoices, for the console's "amount due" tables."""
    return {data["Organisation"]["Name"]: data["Invoices"]
            for data in xero_api.organisations().values()}


@bp.post("/controls/force/<answer>")
def force_control(answer: str) -> Response:
    if answer not in xero_api.FAILURES:
        return Response(f"unknown failure {answer}", status=404)
    force_next(answer)
    return _done(f"The next API answer will be a {answer}.")


@bp.post("/controls/expire-access-tokens")
def expire_control() -> Response:
    expire_access_tokens()
    return _done("Every access token has expired.")


@bp.post("/controls/revoke-grants")
def revoke_control() -> Response:
    revoke_grants()
    return _done("Every grant is revoked and every connection removed.")


@bp.post("/controls/organisations")
def add_organisation_control() -> Response:
    """{"like": <seed tenant id>} -> {"TenantId": ...}: another organisation made from a seed
    one, for drills that need many."""
    try:
        tenant = xero_api.add_organisation(str(_given().get("like")))
    except LookupError as refused:
        return _answer({"error": f"No organisation added: {refused}"}, 400)
    return _answer({"TenantId": tenant}, 201)


@bp.post("/controls/invoices")
def create_invoice_control() -> Response:
    """{"tenant", "currency", "amount", "contact"?} -> the new approved sales invoice as
    GET /Invoices/{id} answers it (the organisation's first contact when none is named)."""
    given = _given()
    org = xero_api.organisations().get(str(given.get("tenant")))
    if org is None:
        return _answer({"error": "No such organisation."}, 404)
    contacts = xero_invoicing._contacts(org)
    try:
        contact = str(given.get("contact") or contacts[0]["ContactID"])
        invoice = create_invoice(str(given["tenant"]), contact, str(given.get("currency")),
                                 Decimal(str(given.get("amount"))))
    except (IndexError, ValueError, ArithmeticError) as refused:
        return _answer({"error": f"No invoice created: {refused}"}, 400)
    return _answer({"Invoice": invoice}, 201)


@bp.get("/controls/payments/<tenant>")
def payments_control(tenant: str) -> Response:
    """{"Payments": [{"PaymentID", "Amount", "InvoiceID"}]}: every payment the organisation
    holds, for counting what a run recorded."""
    org = xero_api.organisations().get(tenant)
    if org is None:
        return _answer({"error": "No such organisation."}, 404)
    with xero_api.BOOKS:
        found = [{"PaymentID": payment["PaymentID"], "Amount": str(payment["Amount"]),
                  "InvoiceID": (payment.get("Invoice") or {}).get("InvoiceID")}
                 for payment in org["Payments"]]
    return _answer({"Payments": found})


@bp.get("/controls/calls/<tenant>")
def calls_control(tenant: str) -> Response:
    """{"Calls": [...], "Throttled": [...]}: the epoch times of the organisation's Accounting
    API calls and of those its minute limit answered 429, to measure a drain's rate."""
    calls, throttled = xero_api.call_times(tenant)
    return _answer({"Calls": calls, "Throttled": throttled})


@bp.post("/controls/outage/<answer>")
def outage_control(answer: str) -> Response:
    """Every api.xero.com answer a 429 (Retry-After: the seconds left) or a 503 for
    `seconds` (form or JSON); answer "none" ends it."""
    if answer == "none":
        xero_api.OUTAGE.stop()
        return _answer({"message": "The API answers again."})
    try:
        xero_api.OUTAGE.start(answer, seconds_given(_given().get("seconds")))
    except ValueError as refused:
        return _answer({"error": f"No outage started: {refused}"}, 400)
    return _answer({"message": f"Every API answer is a {answer} for a while."})


def _given() -> dict:
    body = request.get_json(silent=True) if request.is_json else request.form
    return dict(body or {})


def _answer(body: dict, status: int = 200) -> Response:
    """JSON for tests and drills; a person at the console is sent back to it."""
    if request.is_json or request.method == "GET":
        return Response(json.dumps(body, default=str), status=status,
                        mimetype="application/json")
    return _done(body.get("error") or body.get("message") or "Done.")


@bp.post("/controls/reset")
def reset_control() -> Response:
    reset()
    return _done("The Xero sandbox is back to its seed data.")


def _done(message: str) -> Response:
    """Back to the console (303, so a browser reloads it with GET) saying what happened."""
    return redirect(url_for("xero.console", done=message), code=303)
