"""Intuit stand-in: OAuth / OpenID Connect and the QuickBooks Online Accounting API subset Remit
uses, each at its real path below the host's sandbox prefix (sandbox/hosts.py).

Answers in QuickBooks' own JSON shapes (element names and enum values from Finance.xsd and
IntuitBaseTypes.xsd; tests/sandbox and tests/connectors check them), so the real
python-quickbooks SDK and Authlib run unchanged against it. The Accounting API's prefix is /api,
so its base is `<sandbox>/quickbooks/api/v3`. Pieces: quickbooks_oauth (sign-in, tokens),
quickbooks_data (seed companies), quickbooks_entities (entity shapes), quickbooks_query (the
query language), quickbooks_payments (Payment create, `requestid`), quickbooks_transactions
(JournalEntry, Deposit, Transfer and RefundReceipt create), quickbooks_ledger (account balances
from the stored transactions), quickbooks_wire (answers, faults), quickbooks_controls (forced
failures, reset) and quickbooks_console (the page at /quickbooks/ and its controls).

Controls for tests: issue_tokens(realm), create_invoice(realm, currency[, amount, customer_id,
txn_date, exchange_rate]), receive_payment(realm, invoice_id), close_books(realm, date | None),
account_balance(realm, account_id), expire_access_tokens(), revoke_all(),
SERVER.rotation_grace, and `force_next("429")` (or "503", "401", "5010") to make the next API
answer that failure; a request header `X-Sandbox-Force: 429` does the same for one request.
For drills (over HTTP, quickbooks_console): a timed throttle or outage of the whole API, more
companies made from a seed one, and each company's Payments and request times.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, g, request

from sandbox import (
    quickbooks_accounts_create,
    quickbooks_console,
    quickbooks_data,
    quickbooks_oauth,
    quickbooks_payments,
    quickbooks_query,
    quickbooks_transactions,
    quickbooks_writes,
)
from sandbox import quickbooks_wire as wire
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from sandbox.quickbooks_controls import (
    SERVICE_FAILURES,
    WRITE_ENDPOINTS,
    count_call,
    expire_access_tokens,
    force_next,
    next_forced,
    outage_answer,
    reset,
    revoke_all,
)
from sandbox.quickbooks_data import SINGLE_CURRENCY_REALM, US_REALM
from sandbox.quickbooks_oauth import SERVER, issue_tokens
from sandbox.quickbooks_wire import FAILURES

__all__ = ["DEV_SETTINGS", "FAILURES", "SERVER", "SINGLE_CURRENCY_REALM", "US_REALM",
           "account_balance", "bp", "close_books", "create_invoice", "expire_access_tokens",
           "force_next", "issue_tokens", "receive_payment", "reset", "revoke_all"]

# What the development stack hands the add-on for this stand-in (sandbox/devstack.py).
DEV_SETTINGS = {"QUICKBOOKS_ENVIRONMENT": "sandbox", "QUICKBOOKS_CLIENT_ID": SANDBOX_CLIENT_ID,
                "QUICKBOOKS_CLIENT_SECRET": SANDBOX_CLIENT_SECRET}

bp = Blueprint("quickbooks", __name__)
bp.register_blueprint(quickbooks_oauth.bp)
bp.register_blueprint(quickbooks_console.bp)
bp.register_blueprint(quickbooks_accounts_create.bp)
API = "/api/v3"  # stands in for https://sandbox-quickbooks.api.intuit.com/v3
READABLE = {"account": "Account", "invoice": "Invoice", "payment": "Payment",
            "customer": "Customer", "item": "Item", "journalentry": "JournalEntry",
            "deposit": "Deposit", "transfer": "Transfer",
            "refundreceipt": "RefundReceipt"}  # GET /<entity>/<id>
# POST /<entity>: creates other than Payment's (quickbooks_transactions).
WRITABLE = {"journalentry": "JournalEntry", "deposit": "Deposit", "transfer": "Transfer",
            "refundreceipt": "RefundReceipt"}
create_invoice = quickbooks_data.create_invoice
account_balance = quickbooks_data.account_balance
receive_payment = quickbooks_console.receive_payment
close_books = quickbooks_payments.close_books


@bp.before_request
def _gate() -> Response | None:
    """For Accounting API routes (all under /company/<realm>): forced failures first, then
    Intuit's gateway checks: a live access token, granted for that company's data."""
    realm = (request.view_args or {}).get("realm")
    if realm is None:
        return None
    count_call(realm)
    trouble = outage_answer()
    if trouble is not None:
        return trouble
    forced = request.headers.get("X-Sandbox-Force") or next_forced(request.endpoint)
    if forced in SERVICE_FAILURES and request.endpoint in WRITE_ENDPOINTS:
        g.forced = forced  # answered by the payment service, so its requestid keeps it
    elif forced:
        return FAILURES[forced]() if forced in FAILURES else Response("unknown failure", 400)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    grant = SERVER.grant_for(token)
    if grant is None:
        return wire.unauthorized()
    scope = set(grant.scope.split())
    if grant.extra.get("realmId") != realm or not scope & quickbooks_oauth.ACCOUNTING_SCOPES:
        return wire.gateway_fault(403, "ApplicationAuthorizationFailed", 3100, "SERVICE", None)
    return None


@bp.get(f"{API}/company/<realm>/companyinfo/<entity_id>")
def company_info(realm: str, entity_id: str) -> Response:
    info = quickbooks_data.COMPANIES[realm]["CompanyInfo"]
    if entity_id not in (realm, info["Id"]):
        return wire.not_found()
    return wire.answer({"CompanyInfo": info})


@bp.get(f"{API}/company/<realm>/preferences")
def preferences(realm: str) -> Response:
    return wire.answer({"Preferences": quickbooks_data.COMPANIES[realm]["Preferences"]})


@bp.get(f"{API}/company/<realm>/<any({', '.join(READABLE)}):entity>/<entity_id>")
def read(realm: str, entity: str, entity_id: str) -> Response:
    """One entity by Id, inactive or not; Intuit answers an unknown Id with fault 610."""
    if entity == "account":
        quickbooks_data.refresh_balances(realm)
    found = quickbooks_data.find(realm, READABLE[entity], entity_id)
    return wire.not_found() if found is None else wire.answer({READABLE[entity]: found})


@bp.post(f"{API}/company/<realm>/payment")
def create_payment(realm: str) -> Response:
    """Create a Payment, under `requestid` replays (quickbooks_writes.once)."""
    return quickbooks_writes.once(realm, lambda: _create(
        "Payment", lambda body: quickbooks_payments.create(realm, body)))


@bp.post(f"{API}/company/<realm>/<any({', '.join(WRITABLE)}):entity>")
def create_transaction(realm: str, entity: str) -> Response:
    """Create a JournalEntry, Deposit, Transfer or RefundReceipt, with `requestid` replays
    exactly as a Payment's."""
    name = WRITABLE[entity]
    return quickbooks_writes.once(realm, lambda: _create(
        name, lambda body: quickbooks_transactions.create(realm, name, body)))


def _create(entity: str, create: Callable[[str], dict]) -> Response:
    if g.get("forced"):  # a fault of the service itself (a stale object), kept like any other
        return FAILURES[g.forced]()
    return quickbooks_writes.created(entity, lambda: create(request.get_data(as_text=True)))


@bp.route(f"{API}/company/<realm>/query", methods=["GET", "POST"])
def query(realm: str) -> Response:
    """POST with the statement as an application/text body (python-quickbooks), or GET
    ?query=. No row: QueryResponse is empty, with no entity key, as at Intuit."""
    text = request.args.get("query", "") if request.method == "GET" else request.get_data(
        as_text=True)
    try:
        parsed = quickbooks_query.parse(text)
        if parsed.entity == "Account":
            quickbooks_data.refresh_balances(realm)
        entities = quickbooks_data.COMPANIES[realm].get(parsed.entity)
        if not isinstance(entities, list):
            raise quickbooks_query.QueryError(
                f"Error parsing query: the sandbox holds no {parsed.entity} list")
        rows = quickbooks_query.run(parsed, entities)
    except quickbooks_query.QueryError as refused:
        return wire.fault(400, "4001", "Invalid query", str(refused))
    page = {parsed.entity: rows, "startPosition": parsed.start_position,
            "maxResults": len(rows)} if rows else {}
    return wire.answer({"QueryResponse": page})
