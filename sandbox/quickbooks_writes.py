"""What every QuickBooks stand-in create shares (Payment, JournalEntry, Deposit, Transfer,
RefundReceipt, Account): the `requestid` rules (reference quickbooks.md §2.9: a repeated one gets
the first answer again, a fault included, and runs nothing) and the answer to a create, the
entity or its fault."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from sandbox import quickbooks_payments
from sandbox import quickbooks_wire as wire
from sandbox.quickbooks_payment_checks import Fault


def once(realm: str, run: Callable[[], Response]) -> Response:
    """`run()` for a new `requestid`; the first answer again for a repeated one. Intuit's
    `operation` query (updates, deletes) is not simulated; the store is one per realm, as
    Intuit's requestid is unique per company."""
    if request.args.get("operation"):
        return wire.fault(400, "500", "Unsupported Operation",
                          f"Operation {request.args['operation']} is not supported by Remit's "
                          "sandbox")
    request_id = request.args.get("requestid")
    try:
        quickbooks_payments.check_request_id(request_id or "")
    except Fault as refused:
        return wire.fault(400, refused.code, refused.message, refused.detail)
    return quickbooks_payments.REQUEST_IDS.once(realm, request_id, run, replay=_replayed)


def created(entity: str, create: Callable[[], dict]) -> Response:
    """`{entity: create(), "time": …}`, or the Fault `create` raised as Intuit answers it."""
    try:
        saved = create()
    except Fault as refused:
        return wire.fault(400, refused.code, refused.message, refused.detail,
                          element=refused.element)
    return wire.json_response({entity: saved, "time": wire.now()})


def _replayed(kept) -> Response:
    answer = kept.response()
    answer.headers["intuit_tid"] = wire.intuit_tid()
    return answer
