"""api.stripe.com reads after the payment (at /stripe/api, behind stripe_api's gate), acting as
the connected account (`Stripe-Account`): GET /v1/balance, GET /v1/payment_intents/{id},
GET /v1/charges/{id}, GET /v1/refunds/{id}, GET /v1/disputes/{id}, and Stripe's `expand[]`
(reference §2.2, §2.4) for them and for the balance transactions routes of stripe_api.py:
`expand[]=latest_charge.balance_transaction`, `expand[]=source`, `expand[]=data.source`.

Another account's object is missing (resource_missing), as at Stripe. Only the fields Stripe
can expand are expanded; any other is refused as Stripe refuses it.
"""

from __future__ import annotations

import copy
import re

from flask import Blueprint, Response, request

from sandbox import stripe_balance as balance
from sandbox import stripe_disputes as disputes
from sandbox import stripe_fx as fx
from sandbox import stripe_payments as payments
from sandbox import stripe_refunds as refunds
from sandbox.stripe_wire import answer, api_error

bp = Blueprint("reads", __name__)
# What each object type lets a caller expand (Stripe's expandable fields, abridged).
EXPANDABLE = {
    "balance_transaction": {"source"},
    "charge": {"balance_transaction", "failure_balance_transaction", "payment_intent"},
    "dispute": {"charge", "payment_intent"},
    "list": {"data"},
    "payment_intent": {"latest_charge"},
    "payout": {"balance_transaction", "failure_balance_transaction"},
    "refund": {"balance_transaction", "charge", "payment_intent"},
}
MAX_DEPTH = 4  # Stripe expands at most four levels deep
EXPAND_KEY = re.compile(r"expand(\[\d*\])?")
KINDS = {"txn_": "balance_transaction", "ch_": "charge", "pi_": "payment_intent",
         "re_": "refund", "dp_": "dispute", "po_": "payout"}


# The type an expandable field leads to (None: any, as a balance transaction's source).
LEADS_TO = {"balance_transaction": "balance_transaction", "charge": "charge",
            "failure_balance_transaction": "balance_transaction", "latest_charge": "charge",
            "payment_intent": "payment_intent", "source": None}


class NotExpandable(ValueError):
    """Stripe refuses to expand this path."""


def check_expandable(kind: str, paths: list[str]) -> None:
    """NotExpandable for a path an object of `kind` cannot expand, before anything is made
    (a write must not happen and then be answered with an error)."""
    for path in paths:
        parts, at = path.split("."), kind
        if len(parts) > MAX_DEPTH:
            raise NotExpandable(path)
        for part in parts:
            if at is None:
                break
            if part not in EXPANDABLE.get(at, set()):
                raise NotExpandable(path)
            at = LEADS_TO.get(part)


def kind_of(object_id: str) -> str | None:
    return next((kind for prefix, kind in KINDS.items() if object_id.startswith(prefix)), None)


def find(account_id: str, object_id: str) -> dict | None:
    """The account's object with this id, whatever its type; None when missing or another
    account's."""
    kind = kind_of(object_id)
    finders = {"balance_transaction": balance.transaction, "payout": balance.payout,
               "refund": refunds.refund, "dispute": disputes.dispute,
               "charge": lambda account, found: payments.charge(found, account),
               "payment_intent": lambda account, found: payments.intent(found, account)}
    return finders[kind](account_id, object_id) if kind else None


def expanded(account_id: str, body: dict, paths: list[str]) -> dict:
    """`body` with each dotted path expanded; NotExpandable as Stripe refuses one."""
    body = copy.deepcopy(body)
    for path in paths:
        parts = path.split(".")
        if len(parts) > MAX_DEPTH:
            raise NotExpandable(path)
        _expand(account_id, body, parts, path)
    return body


def _expand(account_id: str, node: dict, parts: list[str], path: str) -> None:
    head, rest = parts[0], parts[1:]
    if head not in EXPANDABLE.get(node.get("object", ""), set()):
        raise NotExpandable(path)
    if node["object"] == "list":
        if not rest:
            raise NotExpandable(path)
        for item in node["data"]:
            _expand(account_id, item, rest, path)
        return
    value = node.get(head)
    if isinstance(value, str):
        value = find(account_id, value) or value
        node[head] = value
    if rest and isinstance(value, dict):
        _expand(account_id, value, rest, path)


def asked_expansions() -> list[str]:
    """The request's `expand[]` / `expand[0]` … values, as stripe-python and curl send them."""
    return [value for key, value in request.args.items(multi=True)
            if EXPAND_KEY.fullmatch(key)]


def answer_expanded(account_id: str, body: dict, paths: list[str] | None = None) -> Response:
    """The answer with what the request asks to expand (`paths`: a POST's `expand` form
    field; default the query's), or Stripe's refusal."""
    try:
        return answer(expanded(account_id, body,
                               asked_expansions() if paths is None else paths))
    except NotExpandable as refused:
        return api_error(400, "invalid_request_error",
                         f"This property cannot be expanded ({refused}).", param="expand")


def no_such(kind: str, object_id: str, param: str = "id") -> Response:
    return api_error(404, "invalid_request_error", f"No such {kind}: '{object_id}'",
                     code="resource_missing", param=param)


def _acting_as() -> str:
    return request.headers.get("Stripe-Account") or ""


def _read(kind: str, object_id: str) -> Response:
    found = find(_acting_as(), object_id) if kind_of(object_id) == kind else None
    if found is None:
        return no_such(kind, object_id)
    return answer_expanded(_acting_as(), found)


@bp.get("/v1/payment_intents/<intent_id>")
def payment_intent(intent_id: str) -> Response:
    return _read("payment_intent", intent_id)


@bp.get("/v1/charges/<charge_id>")
def charge(charge_id: str) -> Response:
    return _read("charge", charge_id)


@bp.get("/v1/refunds/<refund_id>")
def refund(refund_id: str) -> Response:
    return _read("refund", refund_id)


@bp.get("/v1/disputes/<dispute_id>")
def dispute(dispute_id: str) -> Response:
    return _read("dispute", dispute_id)


@bp.get("/v1/balance")
def balance_now() -> Response:
    """The account's Balance: available and pending per currency (card funds only), its
    default currency first and always shown, as Stripe does."""
    account_id = _acting_as()
    if not account_id:
        return api_error(400, "invalid_request_error", "The Stripe sandbox keeps balances only "
                         "for connected accounts: send the Stripe-Account header.")
    sums = balance.balance(account_id)
    default = fx.default_currency(account_id)
    currencies = sorted({default, *sums["available"], *sums["pending"]},
                        key=lambda currency: (currency != default, currency))

    def funds(status: str) -> list[dict]:
        return [{"amount": sums[status].get(currency, 0), "currency": currency,
                 "source_types": {"card": sums[status].get(currency, 0)}}
                for currency in currencies]
    return answer({"object": "balance", "available": funds("available"), "livemode": False,
                   "pending": funds("pending")})
