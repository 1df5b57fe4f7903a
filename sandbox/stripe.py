"""Stripe stand-in, mounted at /stripe: connect.stripe.com (Connect OAuth: authorize page,
token, deauthorize) at /stripe/connect, api.stripe.com (accounts, country specs, Checkout
Sessions) at /stripe/api, checkout.stripe.com (the hosted payment page) at /stripe/checkout —
each at its sandbox/hosts.py prefix plus the real path — and a console at /stripe/.

The platform registration it accepts is below (the add-on uses it in sandbox mode). Connect
webhook events go to `<REMIT_ADDON_URL>/webhooks/stripe`, REMIT_ADDON_URL being a config key of
the sandbox app (default http://127.0.0.1:5000), signed with SANDBOX_STRIPE_WEBHOOK_SECRET.

Controls, for people (the console) and for tests (the functions below): force the next API
answer to fail (`force_next("429" | "503")`), connect an account without the browser
(`connect`, `issue_code`), see who is connected (`connected_accounts`), end a connection
(`revoke`), end it and tell the platform as Stripe does when an owner disconnects it in the
dashboard (`disconnect`), pay a Checkout Session without the browser (`pay`), see the events
sent (`events_sent`, `last_events`) and send one again (`resend`), pay out an account's
available balance (`pay_out`) and settle a payout (`settle_payout`), choose where a charge's
balance transaction shows (`set_balance_scenario`) and how events are delivered
(`set_delivery`, `release_delayed`), and `reset()`.

After the payment (sandbox/stripe_fx.py, stripe_refunds.py, stripe_disputes.py): which
currencies an account settles in besides its default one (`settle_in`) and the stand-in's
exchange rates (`set_rate`), a dashboard refund (`refund`), a dispute opened on a payment
(`open_dispute`) and closed won or lost (`close_dispute`); each sends its events as `pay` does,
through the delivery scenario. Remit itself refunds through POST /v1/refunds.
"""

from __future__ import annotations

import requests
from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from sandbox import (
    stripe_api,
    stripe_balance,
    stripe_checkout,
    stripe_connect,
    stripe_disputes,
    stripe_events,
    stripe_fx,
    stripe_idempotency,
    stripe_payments,
    stripe_refunds,
    stripe_seed,
    stripe_state,
)

SANDBOX_STRIPE_CLIENT_ID = stripe_seed.PLATFORM_CLIENT_ID
SANDBOX_STRIPE_SECRET_KEY = stripe_seed.PLATFORM_SECRET_KEY
SANDBOX_STRIPE_WEBHOOK_SECRET = stripe_seed.WEBHOOK_SECRET
# What the development stack hands the add-on for this stand-in (sandbox/devstack.py).
DEV_SETTINGS = {"STRIPE_CLIENT_ID": SANDBOX_STRIPE_CLIENT_ID,
                "STRIPE_SECRET_KEY": SANDBOX_STRIPE_SECRET_KEY,
                "STRIPE_WEBHOOK_SECRET": SANDBOX_STRIPE_WEBHOOK_SECRET}
DEFAULT_ADDON_URL = "http://127.0.0.1:5000"
WEBHOOK_PATH = stripe_checkout.WEBHOOK_PATH
US_ACCOUNT, FR_ACCOUNT = "acct_1RemitSandboxUS01", "acct_1RemitSandboxFR01"

bp = Blueprint("stripe", __name__)
bp.register_blueprint(stripe_connect.bp, url_prefix="/connect")
bp.register_blueprint(stripe_api.bp, url_prefix="/api")
bp.register_blueprint(stripe_checkout.bp, url_prefix="/checkout")

force_next = stripe_api.force_next
issue_code = stripe_state.issue_code
deauthorized_event = stripe_events.deauthorized_event
send_event = stripe_events.send_event
webhook_url = stripe_checkout.webhook_url
Delivery = stripe_events.Delivery
CardRefused = stripe_payments.CardRefused
NotPayable = stripe_payments.NotPayable
SUCCEEDING_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"


@bp.record_once
def _addon_url_default(setup_state) -> None:
    setup_state.app.config.setdefault("REMIT_ADDON_URL", DEFAULT_ADDON_URL)


def reset() -> None:
    """Seed accounts back; no codes, tokens, connections, sessions, payments, idempotency
    keys or recorded deliveries; no forced failures."""
    stripe_state.reset()
    stripe_api.reset()
    stripe_payments.reset()
    stripe_balance.reset()
    stripe_refunds.reset()
    stripe_disputes.reset()
    stripe_fx.reset()
    stripe_idempotency.reset()
    stripe_events.reset()


def connect(account_id: str) -> dict:
    """Approve the platform for an account and exchange the code, without HTTP: what the token
    endpoint would have answered."""
    made = stripe_state.connect(account_id)
    return {"stripe_user_id": made.account_id, "scope": made.scope, "livemode": False,
            "access_token": made.access_token, "refresh_token": made.refresh_token}


def connected_accounts() -> set[str]:
    """Ids of the accounts connected to the platform now."""
    return {made.account_id for made in stripe_state.connections()}


def revoke(account_id: str) -> bool:
    """End the account's connection silently (no event): its tokens die, the API refuses the
    platform access to it. False when it was not connected."""
    return stripe_state.disconnect(account_id)


def disconnect(account_id: str, addon_url: str) -> int:
    """What an owner's "Disconnect" in Stripe's dashboard does: the connection ends and the
    platform's Connect endpoint receives `account.application.deauthorized`. The endpoint's
    HTTP status; LookupError when the account was not connected."""
    if not revoke(account_id):
        raise LookupError(f"{account_id} is not connected to the platform")
    return send_event(deauthorized_event(account_id), webhook_url(addon_url))


def pay(session_id: str, card: str, addon_url: str | None = None) -> str | None:
    """What the hosted page's Pay does, without a browser: the payment, its three Connect
    events signed and recorded (`last_events()`) — POSTed to `<addon_url>/webhooks/stripe`
    when `addon_url` is given, else only kept for the test to post itself — and the URL the
    customer is sent to (None: no success_url). CardRefused (declined or invalid card: nothing
    made, nothing sent) or NotPayable (no such open session)."""
    webhook = webhook_url(addon_url) if addon_url else None
    paid = stripe_checkout.pay_and_notify(session_id, card, webhook)
    return stripe_checkout.after_payment_url(paid.session)


set_balance_scenario = stripe_balance.set_scenario
set_delivery = stripe_events.set_delivery
DeliveryScenario = stripe_events.DeliveryScenario


def pay_out(account_id: str, addon_url: str | None = None,
            fast_forward: bool = False) -> list[dict]:
    """What Stripe's automatic payout does: a payout per currency of the account's available
    balance, each announced by `payout.created` (sent as `pay` sends). `fast_forward`: first
    make pending funds available, as if the settlement delay had passed."""
    if fast_forward:
        stripe_balance.make_available(account_id)
    made = stripe_balance.pay_out(account_id)
    stripe_events.deliver([stripe_events.event("payout.created", account_id, each)
                           for each in made], webhook_url(addon_url) if addon_url else None)
    return made


def settle_payout(payout_id: str, outcome: str = "paid", addon_url: str | None = None) -> dict:
    """The bank's answer: "paid" sends `payout.paid` then `payout.reconciliation_completed`;
    "failed" `payout.failed`, "canceled" `payout.canceled`. LookupError (no such payout),
    ValueError (not in transit, or another outcome)."""
    account_id = stripe_balance.payout_account(payout_id)
    settled = stripe_balance.settle(payout_id, outcome)
    kinds = ["payout.paid", "payout.reconciliation_completed"] if outcome == "paid" else \
        [f"payout.{outcome}"]
    stripe_events.deliver([stripe_events.event(kind, account_id, settled) for kind in kinds],
                          webhook_url(addon_url) if addon_url else None)
    return settled


settle_in = stripe_fx.settle_in
set_rate = stripe_fx.set_rate
DISPUTE_FEES = stripe_disputes.DISPUTE_FEES


def refund(payment_intent_id: str, amount_minor: int | None = None,
           addon_url: str | None = None) -> dict:
    """What a refund in Stripe's dashboard does (no Remit call): the refund object, its events
    (`refund.created`, `charge.refunded`, `refund.updated`) sent as `pay` sends them.
    `amount_minor` None: what remains refundable. LookupError (no such PaymentIntent),
    ValueError (refused as POST /v1/refunds would: its Stripe error code in the message)."""
    account_id = stripe_payments.owner(payment_intent_id)
    if account_id is None:
        raise LookupError(f"No such payment_intent: {payment_intent_id}")
    try:
        made, sent = stripe_refunds.create(account_id, payment_intent=payment_intent_id,
                                           amount=amount_minor)
    except stripe_refunds.RefundRefused as refused:
        raise ValueError(f"{refused.code}: {refused.message}") from None
    stripe_events.deliver(sent, webhook_url(addon_url) if addon_url else None)
    return made


def open_dispute(payment_intent_id: str, addon_url: str | None = None) -> dict:
    """The cardholder disputes the payment's whole charge: `charge.dispute.created`, then the
    funds and the dispute fee withdrawn (`charge.dispute.funds_withdrawn`). The dispute (its
    `balance_transactions` expanded). LookupError, ValueError (already disputed)."""
    _, made, sent = stripe_disputes.open_dispute(payment_intent_id)
    stripe_events.deliver(sent, webhook_url(addon_url) if addon_url else None)
    return made


def close_dispute(dispute_id: str, won: bool, addon_url: str | None = None) -> dict:
    """The bank decides. Won: `charge.dispute.funds_reinstated` (the amount at the rate of now
    and the dispute fee back) then `charge.dispute.closed`; lost: `charge.dispute.closed`.
    LookupError, ValueError (already closed)."""
    _, made, sent = stripe_disputes.close_dispute(dispute_id, won)
    stripe_events.deliver(sent, webhook_url(addon_url) if addon_url else None)
    return made


def release_delayed(addon_url: str | None = None) -> list[Delivery]:
    """Send the events the delivery scenario held back."""
    return stripe_events.release_delayed(webhook_url(addon_url) if addon_url else None)


def events_sent() -> list[Delivery]:
    """Every event delivery (or held event) since the last reset, oldest first."""
    return stripe_events.deliveries()


def last_events() -> list[Delivery]:
    """The deliveries of the latest payment (or resend)."""
    return stripe_events.last_batch()


def resend(event_id: str, addon_url: str) -> Delivery:
    """Deliver an event again, freshly signed, as Stripe's "Resend" does (same event id).
    LookupError when no such event was sent."""
    found = stripe_events.delivered_event(event_id)
    if found is None:
        raise LookupError(f"No event {event_id} was sent")
    return stripe_events.deliver_now([found], webhook_url(addon_url))[0]


@bp.get("/")
def console() -> str:
    connected = {made.account_id: made for made in stripe_state.connections()}
    return render_template(
        "sandbox/stripe/console.html", accounts=stripe_state.accounts(), connected=connected,
        client_id=SANDBOX_STRIPE_CLIENT_ID, secret_key=SANDBOX_STRIPE_SECRET_KEY,
        webhook_secret=SANDBOX_STRIPE_WEBHOOK_SECRET, failures=sorted(stripe_api.FAILURES),
        webhook=webhook_url(current_app.config["REMIT_ADDON_URL"]),
        sessions=stripe_payments.sessions(), payouts=stripe_balance.payouts(),
        disputes=stripe_disputes.disputes(),
        deliveries=list(reversed(events_sent())),
        done=request.args.get("done"))


@bp.post("/controls/resend/<event_id>")
def resend_control(event_id: str) -> Response:
    try:
        sent = resend(event_id, current_app.config["REMIT_ADDON_URL"])
    except LookupError:
        return _done(f"No event {event_id} was sent: nothing to send again.")
    outcome = f"HTTP {sent.status}" if sent.status is not None else sent.error
    return _done(f"{event_id} was sent again to {sent.url}: {outcome}.")


@bp.post("/controls/disconnect/<account_id>")
def disconnect_control(account_id: str) -> Response:
    addon_url = current_app.config["REMIT_ADDON_URL"]
    try:
        status = disconnect(account_id, addon_url)
    except LookupError:
        return _done(f"{account_id} was not connected: nothing to disconnect.")
    except requests.RequestException as failed:
        return _done(f"{account_id} is disconnected, but the event could not be delivered to "
                     f"{webhook_url(addon_url)} ({type(failed).__name__}).")
    return _done(f"{account_id} is disconnected; account.application.deauthorized was "
                 f"delivered to {webhook_url(addon_url)}, which answered HTTP {status}.")


@bp.post("/controls/payout/<account_id>")
def payout_control(account_id: str) -> Response:
    made = pay_out(account_id, current_app.config["REMIT_ADDON_URL"], fast_forward=True)
    if not made:
        return _done(f"{account_id} has no balance to pay out.")
    return _done("Paid out (in transit): " + ", ".join(
        f"{each['id']} {each['amount']} {each['currency']}" for each in made) + ".")


@bp.post("/controls/payouts/<payout_id>/<outcome>")
def settle_control(payout_id: str, outcome: str) -> Response:
    try:
        settled = settle_payout(payout_id, outcome, current_app.config["REMIT_ADDON_URL"])
    except LookupError:
        return _done(f"No payout {payout_id}.")
    except ValueError as refused:
        return _done(f"{payout_id} cannot be settled: {refused}.")
    return _done(f"{payout_id} is {settled['status']}.")


@bp.post("/controls/refund/<intent_id>")
def refund_control(intent_id: str) -> Response:
    try:
        made = refund(intent_id, addon_url=current_app.config["REMIT_ADDON_URL"])
    except (LookupError, ValueError) as refused:
        return _done(f"{intent_id} cannot be refunded: {refused}.")
    return _done(f"Refunded {made['amount']} {made['currency']} of {intent_id}: {made['id']}.")


@bp.post("/controls/dispute/<intent_id>")
def dispute_control(intent_id: str) -> Response:
    try:
        made = open_dispute(intent_id, current_app.config["REMIT_ADDON_URL"])
    except (LookupError, ValueError) as refused:
        return _done(f"{intent_id} cannot be disputed: {refused}.")
    return _done(f"{made['id']} opened on {intent_id}; its funds are withdrawn.")


@bp.post("/controls/disputes/<dispute_id>/<outcome>")
def close_dispute_control(dispute_id: str, outcome: str) -> Response:
    if outcome not in ("won", "lost"):
        return Response(f"unknown outcome {outcome}", status=404)
    try:
        closed = close_dispute(dispute_id, outcome == "won",
                               current_app.config["REMIT_ADDON_URL"])
    except (LookupError, ValueError) as refused:
        return _done(f"{dispute_id} cannot be closed: {refused}.")
    return _done(f"{dispute_id} is {closed['status']}.")


@bp.post("/controls/force/<failure>")
def force_control(failure: str) -> Response:
    if failure not in stripe_api.FAILURES:
        return Response(f"unknown failure {failure}", status=404)
    force_next(failure)
    return _done(f"The next API answer will be a {failure}.")


@bp.get("/controls/deliveries")
def deliveries_control() -> Response:
    """Every delivery since the last reset, oldest first, as JSON: {"Deliveries": [{"event",
    "type", "status", "error", "sent_at"}]} (what the dashboard's event log shows)."""
    return jsonify({"Deliveries": [_delivery_row(sent) for sent in events_sent()]})


@bp.post("/controls/redeliver-failed")
def redeliver_failed_control() -> Response:
    """Send again, freshly signed, every event whose latest delivery was not answered 2xx, as
    Stripe's automatic retries do; the new deliveries as JSON."""
    latest: dict[str, Delivery] = {}
    for sent in events_sent():
        latest[sent.event["id"]] = sent
    failed = [sent.event for sent in latest.values() if not sent.delivered]
    made = stripe_events.deliver_now(failed, webhook_url(current_app.config["REMIT_ADDON_URL"]))
    return jsonify({"Deliveries": [_delivery_row(sent) for sent in made]})


def _delivery_row(sent: Delivery) -> dict:
    return {"event": sent.event["id"], "type": sent.event["type"], "status": sent.status,
            "error": sent.error, "sent_at": sent.sent_at}


@bp.post("/controls/reset")
def reset_control() -> Response:
    reset()
    return _done("The Stripe sandbox is back to its seed data.")


def _done(message: str) -> Response:
    """Back to the console (303, so a browser reloads it with GET) saying what happened."""
    return redirect(url_for("stripe.console", done=message), code=303)
