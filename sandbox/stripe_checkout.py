"""checkout.stripe.com stand-in (at /stripe/checkout): the hosted payment page of a Checkout
Session, /c/pay/{session id}, as the session's `url` names it.

The page shows the merchant (the connected account), what is paid for and the amount, and asks
for a card number (test cards in sandbox/stripe_payments.py). **Pay** with a good card makes the
PaymentIntent and Charge, completes the session, POSTs the signed Connect events
(`charge.succeeded`, `payment_intent.succeeded`, `checkout.session.completed`) to
`<REMIT_ADDON_URL>/webhooks/stripe`, then sends the customer to the session's `success_url`
(`{CHECKOUT_SESSION_ID}` replaced, as Stripe does). A refused card is explained on the page and
changes nothing. **Cancel** goes to `cancel_url`.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request

from sandbox import stripe_events as events
from sandbox import stripe_payments as payments

bp = Blueprint("checkout", __name__)
WEBHOOK_PATH = "/webhooks/stripe"
SESSION_ID_TEMPLATE = "{CHECKOUT_SESSION_ID}"


def webhook_url(addon_url: str) -> str:
    return addon_url.rstrip("/") + WEBHOOK_PATH


def pay_and_notify(session_id: str, card: str, webhook: str | None) -> payments.Paid:
    """What pressing Pay does: the payment (NotPayable, CardRefused), then its events, sent to
    `webhook` (None: signed and recorded, not sent)."""
    paid = payments.pay(session_id, card)
    events.deliver(payment_events(paid), webhook)
    return paid


def payment_events(paid: payments.Paid) -> list[dict]:
    """The Connect events of one card payment, in the order Stripe makes the objects."""
    made = [events.event("charge.succeeded", paid.account_id, paid.charge),
            events.event("payment_intent.succeeded", paid.account_id, paid.intent),
            events.event("checkout.session.completed", paid.account_id, paid.session)]
    if paid.settled is not None:  # async capture: the fee is known a little later
        made.append(events.event("charge.updated", paid.account_id, paid.settled))
    return made


def after_payment_url(session: dict) -> str | None:
    success = session.get("success_url")
    return success.replace(SESSION_ID_TEMPLATE, session["id"]) if success else None


@bp.route("/c/pay/<session_id>", methods=["GET", "POST"])
def pay_page(session_id: str) -> Response | tuple[str, int] | str:
    shown = payments.page(session_id)
    if shown is None:
        return render_template("sandbox/stripe/checkout.html", page=None), 404
    if request.method == "GET" or shown.session["status"] != "open":
        return render_template("sandbox/stripe/checkout.html", page=shown)
    if request.form.get("decision") == "cancel":
        cancel = shown.session.get("cancel_url")
        return redirect(cancel, code=303) if cancel else _shown(shown)
    card = request.form.get("cardnumber", "")
    try:
        paid = pay_and_notify(session_id, card,
                              webhook_url(current_app.config["REMIT_ADDON_URL"]))
    except payments.CardRefused as refused:
        return _shown(shown, problem=refused.message, card=card), 400
    except payments.NotPayable:  # paid or expired meanwhile (another tab)
        return _shown(payments.page(session_id) or shown)
    target = after_payment_url(paid.session)
    if target is None:  # no success_url: Stripe's own confirmation
        return _shown(payments.page(session_id) or shown)
    return redirect(target, code=303)


def _shown(shown: payments.Page, problem: str | None = None, card: str = "") -> str:
    return render_template("sandbox/stripe/checkout.html", page=shown, problem=problem,
                           card=card)
