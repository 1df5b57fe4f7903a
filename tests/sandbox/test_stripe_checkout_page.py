"""The Stripe stand-in's hosted Checkout page and what paying does: the PaymentIntent and Charge,
the session completed, three signed Connect events POSTed to the add-on (verified here with
stripe-python's own check and the fixture shapes), the delivery log, and the test helpers."""

from __future__ import annotations

import pytest
import stripe

import sandbox
import sandbox.stripe as stripe_sandbox
from sandbox import stripe_events, stripe_payments
from tests.gateways.stripe import shapes
from tests.gateways.stripe.loopback import Canned, Loopback, unused_port_url
from tests.sandbox.test_stripe_checkout_sandbox import FORM, SESSIONS, US, headers

SECRET = stripe_sandbox.SANDBOX_STRIPE_WEBHOOK_SECRET
GOOD, DECLINED = stripe_sandbox.SUCCEEDING_CARD, stripe_sandbox.DECLINED_CARD
TYPES = ["charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"]


@pytest.fixture(autouse=True)
def us_account_connected(fresh_sandbox):
    stripe_sandbox.connect(US)


def app_for(addon_url: str = "http://127.0.0.1:9"):
    return sandbox.create_app({"REMIT_ADDON_URL": addon_url}).test_client()


def open_session(client, form: dict | None = None) -> tuple[str, str]:
    """A new session's id and its page's path."""
    session = client.post(SESSIONS, data=form or FORM, headers=headers(key=None)).json
    return session["id"], session["url"].removeprefix("http://localhost")


def verified(delivery) -> dict:
    """The delivered event, as the add-on's stripe-python check will see it."""
    return stripe.Webhook.construct_event(delivery.payload,
                                          delivery.headers["Stripe-Signature"],
                                          SECRET, tolerance=300).to_dict()


def test_the_page_shows_merchant_purpose_amount_and_a_card_field():
    client = app_for()
    _, page = open_session(client)

    html = client.get(page).get_data(as_text=True)

    assert '<html lang="en">' in html and "<h1>Pay Remit Sandbox Shop</h1>" in html
    assert "Invoice 1001" in html and "120.50 USD" in html
    assert '<label for="cardnumber">Card number</label>' in html
    assert 'autocomplete="cc-number"' in html
    assert ">Pay</button>" in html and ">Cancel</button>" in html


def test_zero_decimal_amounts_are_shown_whole():
    client = app_for()
    _, page = open_session(client, {**FORM, "line_items[0][price_data][currency]": "jpy",
                                    "line_items[0][price_data][unit_amount]": "5000"})
    assert "5,000 JPY" in client.get(page).get_data(as_text=True)


def test_an_unknown_session_is_a_404_page():
    answer = app_for().get("/stripe/checkout/c/pay/cs_test_nobody")
    assert answer.status_code == 404 and "Checkout not found" in answer.get_data(as_text=True)


@pytest.mark.parametrize(("card", "message"), [
    (DECLINED, "Your card was declined."),
    ("4000 0000 0000 0069", "Your card number is invalid."),
    ("", "Your card number is invalid."),
])
def test_a_refused_card_is_explained_and_changes_nothing(card, message):
    client = app_for()
    session_id, page = open_session(client)

    answer = client.post(page, data={"cardnumber": card, "decision": "pay"})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'<p class="problem" role="alert" id="card-problem">{message}</p>' in html
    assert 'aria-invalid="true"' in html
    assert stripe_payments.session(session_id, US)["status"] == "open"
    assert stripe_sandbox.events_sent() == []


def test_paying_completes_the_session_tells_the_addon_and_goes_back():
    with Loopback(Canned(200, "")) as addon:
        client = app_for(addon.url)
        session_id, page = open_session(client)
        answer = client.post(page, data={"cardnumber": GOOD, "decision": "pay"})

    assert answer.status_code == 303
    assert answer.location == f"https://remit.example/thanks?s={session_id}"
    assert [seen.path for seen in addon.seen] == ["/webhooks/stripe"] * 3
    sent = stripe_sandbox.last_events()
    assert [d.status for d in sent] == [200, 200, 200] and all(d.delivered for d in sent)
    assert [verified(d)["type"] for d in sent] == TYPES
    assert [seen.body for seen in addon.seen] == [d.payload for d in sent]


def test_the_events_are_connect_events_shaped_as_stripes():
    client = app_for()
    session_id, page = open_session(client)
    client.post(page, data={"cardnumber": GOOD, "decision": "pay"})

    charge, intent, session = (verified(d) for d in stripe_sandbox.last_events())

    for event in (charge, intent, session):
        assert shapes.problems(event) == [], event
        assert (event["account"], event["livemode"], event["api_version"]) == (
            US, False, stripe_sandbox.stripe_seed.API_VERSION)
        assert event["id"].startswith("evt_")
    intent_object, charge_object = intent["data"]["object"], charge["data"]["object"]
    session_object = session["data"]["object"]
    assert (session_object["id"], session_object["status"],
            session_object["payment_status"]) == (session_id, "complete", "paid")
    assert session_object["payment_intent"] == intent_object["id"] == charge_object[
        "payment_intent"]
    assert intent_object["latest_charge"] == charge_object["id"]
    assert (intent_object["status"], intent_object["amount_received"]) == ("succeeded", 12050)
    assert (charge_object["status"], charge_object["paid"], charge_object["captured"],
            charge_object["amount_captured"]) == ("succeeded", True, True, 12050)
    metadata = {"remit_invoices": "1001", "remit_amounts": "120.50"}
    assert session_object["metadata"] == intent_object["metadata"] == charge_object[
        "metadata"] == metadata
    assert stripe_payments.session(session_id, US) == session_object


def test_a_paid_session_cannot_be_paid_again():
    client = app_for()
    session_id, page = open_session(client)
    client.post(page, data={"cardnumber": GOOD, "decision": "pay"})

    again = client.post(page, data={"cardnumber": GOOD, "decision": "pay"})

    assert again.status_code == 200 and "This payment is complete" in again.text
    assert len(stripe_sandbox.events_sent()) == 3
    with pytest.raises(stripe_sandbox.NotPayable):
        stripe_sandbox.pay(session_id, GOOD)


def test_cancel_goes_back_and_leaves_the_session_open():
    client = app_for()
    session_id, page = open_session(client)

    answer = client.post(page, data={"decision": "cancel"})

    assert (answer.status_code, answer.location) == (303, "https://remit.example/pay")
    assert stripe_payments.session(session_id, US)["status"] == "open"


def test_an_expired_session_cannot_be_paid(monkeypatch):
    client = app_for()
    session_id, page = open_session(client)
    created = stripe_payments.session(session_id, US)["created"]
    monkeypatch.setattr(stripe_payments, "clock", lambda: created + 24 * 3600)

    assert "This payment page has expired" in client.get(page).text
    with pytest.raises(stripe_sandbox.NotPayable):
        stripe_sandbox.pay(session_id, GOOD)
    assert stripe_payments.session(session_id, US)["status"] == "expired"


@pytest.mark.parametrize(("addon", "outcome"), [
    (Canned(500, "boom"), (500, None)),
    (Canned(200, "", delay=1.0), (None, "no answer within 0.2 s")),
])
def test_failed_deliveries_are_recorded_and_never_block(monkeypatch, addon, outcome):
    monkeypatch.setattr(stripe_events, "DELIVERY_TIMEOUT", 0.2)
    with Loopback(addon) as server:
        client = app_for(server.url)
        _, page = open_session(client)
        answer = client.post(page, data={"cardnumber": GOOD, "decision": "pay"})

    assert answer.status_code == 303  # the customer goes back all the same
    assert [(d.status, d.error) for d in stripe_sandbox.last_events()] == [outcome] * 3


def test_an_unreachable_addon_is_recorded():
    client = app_for(unused_port_url())
    _, page = open_session(client)
    client.post(page, data={"cardnumber": GOOD, "decision": "pay"})
    sent = stripe_sandbox.last_events()
    assert [d.error for d in sent] == ["could not connect (ConnectionError)"] * 3
    assert not any(d.delivered for d in sent)


def test_pay_helper_without_an_addon_keeps_the_signed_events_for_the_test():
    client = app_for()
    session_id, _ = open_session(client)

    back = stripe_sandbox.pay(session_id, "4242-4242-4242-4242")

    assert back == f"https://remit.example/thanks?s={session_id}"
    held = stripe_sandbox.last_events()
    assert [(d.url, d.status, d.error) for d in held] == [(None, None, None)] * 3
    assert [verified(d)["type"] for d in held] == TYPES
    with pytest.raises(stripe_sandbox.CardRefused, match="declined"):
        stripe_sandbox.pay(open_session(client)[0], DECLINED)
    assert len(stripe_sandbox.events_sent()) == 3


def test_pay_helper_delivers_to_an_addon_and_resend_sends_the_same_event():
    client = app_for()
    session_id, _ = open_session(client)
    with Loopback(Canned(200, "")) as addon:
        stripe_sandbox.pay(session_id, GOOD, addon_url=addon.url)
        first = stripe_sandbox.last_events()[2]
        again = stripe_sandbox.resend(first.event["id"], addon.url)

    assert [seen.path for seen in addon.seen] == ["/webhooks/stripe"] * 4
    assert again.status == 200 and verified(again) == verified(first)
    assert stripe_sandbox.last_events() == [again]
    with pytest.raises(LookupError):
        stripe_sandbox.resend("evt_nobody", addon.url)


def test_console_lists_sessions_and_deliveries_and_sends_again():
    client = app_for(unused_port_url())
    session_id, page = open_session(client)
    client.post(page, data={"cardnumber": GOOD, "decision": "pay"})
    event_id = stripe_sandbox.last_events()[0].event["id"]

    console = client.get("/stripe/").get_data(as_text=True)
    assert session_id[:24] in console and "complete, paid" in console
    assert event_id in console and "Not delivered: could not connect" in console
    answer = client.post(f"/stripe/controls/resend/{event_id}", follow_redirects=True)
    assert f"{event_id} was sent again to" in answer.get_data(as_text=True)
    assert len(stripe_sandbox.events_sent()) == 4
    unknown = client.post("/stripe/controls/resend/evt_nobody", follow_redirects=True)
    assert "nothing to send again" in unknown.get_data(as_text=True)


def test_reset_forgets_sessions_events_and_keys():
    client = app_for()
    session_id, page = open_session(client)
    stripe_sandbox.pay(session_id, GOOD)

    sandbox.reset()

    assert stripe_payments.sessions() == [] and stripe_sandbox.events_sent() == []
    assert client.get(page).status_code == 404
