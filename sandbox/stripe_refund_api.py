"""POST /v1/refunds in the api.stripe.com stand-in (behind stripe_api's gate), acting as the
connected account: `payment_intent` or `charge`, optional `amount`, `reason`, `metadata`,
`expand[]` (e.g. `balance_transaction`);
idempotent as every stand-in POST (a repeated key replays the first answer, and sends no
event). The refund's events are delivered once the answer is sent, as the delivery scenario
says, to `<REMIT_ADDON_URL>/webhooks/stripe`.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from sandbox import stripe_events as events
from sandbox import stripe_reads as reads
from sandbox import stripe_refunds as refunds
from sandbox.stripe_checkout import webhook_url
from sandbox.stripe_idempotency import idempotent
from sandbox.stripe_wire import api_error, nested_form

bp = Blueprint("refunds", __name__)


@bp.post("/v1/refunds")
def create_refund() -> Response:
    return idempotent(_create_refund)


def _create_refund() -> Response:
    account_id = request.headers.get("Stripe-Account")
    if not account_id:
        return api_error(400, "invalid_request_error", "The Stripe sandbox refunds only "
                         "connected accounts' charges: send the Stripe-Account header.")
    try:
        asked = nested_form(request.form.items(multi=True))
    except ValueError as malformed:
        return api_error(400, "invalid_request_error", str(malformed))
    unknown = set(asked) - {"payment_intent", "charge", "amount", "reason", "metadata",
                            "expand"}
    if unknown:
        name = sorted(unknown)[0]
        return api_error(400, "invalid_request_error", f"Received unknown parameter: {name}",
                         code="parameter_unknown", param=name)
    asked_expand = _expansions(asked.get("expand"))
    try:
        reads.check_expandable("refund", asked_expand)
    except reads.NotExpandable as refused:
        return api_error(400, "invalid_request_error",
                         f"This property cannot be expanded ({refused}).", param="expand")
    try:
        made, sent = refunds.create(
            account_id, payment_intent=asked.get("payment_intent"), charge=asked.get("charge"),
            amount=asked.get("amount"), reason=asked.get("reason"),
            metadata=asked.get("metadata") if isinstance(asked.get("metadata"), dict) else {})
    except refunds.RefundRefused as refused:
        return api_error(refused.status, "invalid_request_error", refused.message,
                         code=refused.code, param=refused.param)
    made_answer = reads.answer_expanded(account_id, made, asked_expand)
    # As Stripe, the events follow the answer: the caller is not kept waiting for its own
    # webhook endpoint (which may be the same single-threaded server).
    webhook = webhook_url(current_app.config["REMIT_ADDON_URL"])
    made_answer.call_on_close(lambda: events.deliver(sent, webhook))
    return made_answer


def _expansions(asked: object) -> list[str]:
    """The form's `expand[0]=…` (stripe-python), `expand[]=…` or `expand=…` as a list."""
    if isinstance(asked, dict):
        return [str(value) for value in asked.values()]
    if isinstance(asked, list):
        return [str(value) for value in asked]
    return [str(asked)] if asked else []
