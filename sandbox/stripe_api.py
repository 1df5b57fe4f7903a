"""api.stripe.com stand-in (at /stripe/api): the calls Remit makes for a connected account,
with the platform key — GET /v1/accounts/{id}, GET /v1/country_specs/{country}, and, acting as
the account (`Stripe-Account`), POST /v1/checkout/sessions (idempotent, sandbox
stripe_idempotency.py), POST /v1/checkout/sessions/{id}/expire and
GET /v1/checkout/sessions/{id}, GET /v1/balance_transactions/{id}, GET /v1/balance_transactions
(`payout`, `type`, `currency` filters; `limit`, `starting_after` paging; `expand[]`) and
GET /v1/payouts/{id}; the reads after the payment (sandbox/stripe_reads.py) and refunds
(sandbox/stripe_refund_api.py) are nested here — in the shapes of Stripe's fixtures
(../shared/specs/stripe/fixtures3.json).

Every request passes Stripe's gate: a forced failure first (sandbox control), then the platform
key (401), then `Stripe-Account`, when sent, must name a connected account (403).
"""

from __future__ import annotations

import threading
from collections import deque

from flask import Blueprint, Response, request, url_for

from sandbox import stripe_balance as balance
from sandbox import stripe_payments as payments
from sandbox import stripe_reads as reads
from sandbox import stripe_refund_api as refund_api
from sandbox import stripe_seed as seed
from sandbox import stripe_sessions as sessions
from sandbox import stripe_state as state
from sandbox.stripe_idempotency import idempotent
from sandbox.stripe_wire import answer, api_error, masked, nested_form, platform_refusal

bp = Blueprint("api", __name__)
bp.register_blueprint(reads.bp)  # behind this blueprint's gate, as every api.stripe.com call
bp.register_blueprint(refund_api.bp)
_lock = threading.Lock()
_forced: deque[str] = deque()


def reset() -> None:
    with _lock:
        _forced.clear()


def force_next(failure: str) -> None:
    """Make the next api.stripe.com answer a failure: see FAILURES."""
    if failure not in FAILURES:
        raise ValueError(f"unknown sandbox failure {failure!r}; choose from {sorted(FAILURES)}")
    with _lock:
        _forced.append(failure)


@bp.before_request
def _gate() -> Response | None:
    with _lock:
        forced = _forced.popleft() if _forced else None
    if forced:
        return FAILURES[forced]()
    refused = platform_refusal()
    if refused:
        return refused
    acting_as = request.headers.get("Stripe-Account")
    if acting_as and state.connection(acting_as) is None:
        return _no_access(acting_as)
    return None


@bp.get("/v1/accounts/<account_id>")
def account(account_id: str) -> Response:
    """Only accounts connected to the platform; a disconnected one is refused as at Stripe."""
    found = state.account(account_id)
    if found is None:
        return api_error(404, "invalid_request_error", f"No such account: '{account_id}'",
                         code="resource_missing", param="account")
    if state.connection(account_id) is None:
        return _no_access(account_id)
    return answer(found)


@bp.get("/v1/country_specs/<country>")
def country_spec(country: str) -> Response:
    spec = seed.country_spec(country)
    if spec is None:
        return api_error(404, "invalid_request_error", f"No such country_spec: '{country}'",
                         code="resource_missing", param="country")
    return answer(spec)


@bp.post("/v1/checkout/sessions")
def create_checkout_session() -> Response:
    return idempotent(_create_checkout_session)


def _create_checkout_session() -> Response:
    account_id = request.headers.get("Stripe-Account")
    if not account_id:
        return api_error(400, "invalid_request_error", "The Stripe sandbox opens Checkout "
                         "Sessions only on connected accounts: send the Stripe-Account header.")
    try:
        asked = sessions.read(nested_form(request.form.items(multi=True)),
                              now=int(payments.clock()))
    except ValueError as malformed:
        return api_error(400, "invalid_request_error", str(malformed))
    except sessions.ParamError as refused:
        return api_error(400, "invalid_request_error", refused.message, code=refused.code,
                         param=refused.param)
    return answer(payments.create_session(account_id, asked, _page_url))


@bp.get("/v1/checkout/sessions/<session_id>")
def checkout_session(session_id: str) -> Response:
    found = payments.session(session_id, request.headers.get("Stripe-Account") or "")
    if found is None:
        return api_error(404, "invalid_request_error",
                         f"No such checkout.session: '{session_id}'", code="resource_missing",
                         param="session")
    return answer(found)


@bp.post("/v1/checkout/sessions/<session_id>/expire")
def expire_checkout_session(session_id: str) -> Response:
    return idempotent(lambda: _expire_checkout_session(session_id))


def _expire_checkout_session(session_id: str) -> Response:
    """Only an open session can be expired; its hosted page then refuses payment."""
    try:
        return answer(payments.expire(session_id, request.headers.get("Stripe-Account") or ""))
    except payments.NotPayable as closed:
        return api_error(400, "invalid_request_error", 'Only Checkout Sessions with a status in '
                         f'["open"] can be expired. This Checkout Session has a status of '
                         f'`{closed}`.')
    except LookupError:
        return api_error(404, "invalid_request_error",
                         f"No such checkout.session: '{session_id}'", code="resource_missing",
                         param="session")


@bp.get("/v1/balance_transactions/<transaction_id>")
def balance_transaction(transaction_id: str) -> Response:
    found = balance.transaction(request.headers.get("Stripe-Account") or "", transaction_id)
    if found is None:
        return _no_such("balance_transaction", transaction_id, "id")
    return reads.answer_expanded(request.headers.get("Stripe-Account") or "", found)


@bp.get("/v1/balance_transactions")
def balance_transactions() -> Response:
    """A page of the account's transactions, newest first, as Stripe lists them (default 10,
    1 to 100); `payout=po_…` only once that payout's reconciliation is complete."""
    account_id = request.headers.get("Stripe-Account") or ""
    asked = request.args
    try:
        limit = int(asked.get("limit", "10"))
    except ValueError:
        return api_error(400, "invalid_request_error", "Invalid integer: "
                         f"{asked.get('limit')}", code="parameter_invalid_integer",
                         param="limit")
    if not 1 <= limit <= 100:
        return api_error(400, "invalid_request_error", "This value must be between 1 and 100 "
                         f"(it currently is {limit}).", code="parameter_invalid_integer",
                         param="limit")
    payout_id = asked.get("payout")
    if payout_id is not None:
        found = balance.payout(account_id, payout_id)
        if found is None:
            return _no_such("payout", payout_id, "payout")
        if not found["automatic"] or found["reconciliation_status"] != "completed":
            return api_error(400, "invalid_request_error", "Balance transaction history can "
                             "only be filtered on automatic transfers whose reconciliation is "
                             "complete.", param="payout")
    rows = [row for row in balance.transactions(account_id, payout=payout_id)
            if asked.get("type") in (None, row["type"])
            and asked.get("currency") in (None, row["currency"])]
    after = asked.get("starting_after")
    if after is not None:
        ids = [row["id"] for row in rows]
        if after not in ids:
            return _no_such("balance_transaction", after, "starting_after")
        rows = rows[ids.index(after) + 1:]
    return reads.answer_expanded(account_id, {
        "object": "list", "data": rows[:limit], "has_more": len(rows) > limit,
        "url": "/v1/balance_transactions"})


@bp.get("/v1/payouts/<payout_id>")
def payout(payout_id: str) -> Response:
    found = balance.payout(request.headers.get("Stripe-Account") or "", payout_id)
    if found is None:
        return _no_such("payout", payout_id, "id")
    return answer(found)


_no_such = reads.no_such


def _page_url(session_id: str) -> str:
    """The hosted page, on this stand-in's own root (https://checkout.stripe.com/c/pay/…)."""
    return url_for("stripe.checkout.pay_page", session_id=session_id, _external=True)


@bp.route("/v1/<path:anything>", methods=["GET", "POST", "DELETE"])
def unrecognized(anything: str) -> Response:
    return api_error(404, "invalid_request_error",
                     f"Unrecognized request URL ({request.method}: /v1/{anything}). Please see "
                     "https://stripe.com/docs or we can help at https://support.stripe.com/.")


def _no_access(account_id: str) -> Response:
    """Stripe's answer when the platform key has no access to the account (never connected,
    deauthorized, or a code reused)."""
    return api_error(
        403, "invalid_request_error",
        f"The provided key '{masked(seed.PLATFORM_SECRET_KEY)}' does not have access to account "
        f"'{account_id}' (or that account does not exist). Application access may have been "
        "revoked.", code="account_invalid")


def _throttled() -> Response:
    return api_error(429, "invalid_request_error",
                     "Request rate limit exceeded. Learn more about rate limits here "
                     "https://stripe.com/docs/rate-limits.", code="rate_limit")


def _unavailable() -> Response:
    return api_error(503, "api_error", "Stripe is temporarily unavailable. Please try again "
                                       "later.")


FAILURES = {"429": _throttled, "503": _unavailable}
