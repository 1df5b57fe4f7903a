"""Connect to Stripe from the settings page: both landings, every OAuth failure (nothing
half-created), one account per company, removal, and the account owner disconnecting."""

import json
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

import sandbox.stripe
from addon.extensions import db
from addon.models import Gateway, GatewayEvent, GatewayStatus, Platform, User, WorkStatus
from tests.app.oauth_flow import connect, with_params
from tests.app.stripe_flow import CREATE, DENY, connect_stripe, stripe_callback
from tests.conftest import real_mode


@pytest.fixture
def signed_in(client):
    connect(client, "quickbooks")
    return client


def gateways():
    return list(db.session.scalars(select(Gateway).order_by(Gateway.id)))


def test_the_settings_page_offers_add_new_gateway(signed_in):
    page = signed_in.get("/settings/gateways").get_data(as_text=True)
    assert "Add new gateway" in page and "No payment gateway yet" in page
    choices = signed_in.get("/settings/gateways/new").get_data(as_text=True)
    assert "Connect to Stripe" in choices and "I already have a Stripe account" in choices


def test_creating_a_stripe_account_on_the_way(signed_in):
    answer = connect_stripe(signed_in, button=CREATE, landing="register",
                            choices={"business_name": "Nouvelle Boutique"})
    assert answer.status_code == 302
    (gateway,) = gateways()
    assert gateway.account_name == "Nouvelle Boutique"
    assert gateway.status is GatewayStatus.NEEDS_SETUP


def test_denying_at_stripe_adds_nothing(signed_in):
    answer = connect_stripe(signed_in, button=DENY)
    assert answer.status_code == 400
    assert "You cancelled the connection to Stripe" in answer.get_data(as_text=True)
    assert gateways() == []


def test_a_forged_reused_or_stale_state_is_refused(signed_in):
    callback = stripe_callback(signed_in)
    assert signed_in.get(with_params(callback, state="forged")).status_code == 400
    assert signed_in.get(callback).status_code == 400  # the pending connect was used up
    callback = stripe_callback(signed_in)
    with signed_in.session_transaction() as session:
        pending = session["gateway_connect"]
        session["gateway_connect"] = {**pending, "expires": time.time() - 1}
    answer = signed_in.get(callback)
    assert "expired or was already used" in answer.get_data(as_text=True)
    assert gateways() == []


def test_a_bad_code_is_refused(signed_in):
    answer = signed_in.get(with_params(stripe_callback(signed_in), code="ac_not_a_code"))
    assert answer.status_code == 400
    assert "did not accept the authorisation code" in answer.get_data(as_text=True)
    assert gateways() == []


def test_the_same_account_twice_for_one_company_is_refused(signed_in):
    connect_stripe(signed_in)
    answer = connect_stripe(signed_in)
    assert answer.status_code == 400
    assert "already connected to this company" in answer.get_data(as_text=True)
    assert len(gateways()) == 1


def test_removing_deauthorizes_and_keeps_history(signed_in):
    connect_stripe(signed_in)
    (gateway,) = gateways()
    assert "Remove the gateway" in signed_in.get(
        f"/settings/gateways/{gateway.id}/remove").get_data(as_text=True)
    assert signed_in.post(f"/settings/gateways/{gateway.id}/remove").status_code == 302
    db.session.expire_all()
    assert gateway.status is GatewayStatus.ARCHIVED and gateway.credentials is None
    assert gateway.account_id not in sandbox.stripe.connected_accounts()
    assert "No payment gateway yet" in signed_in.get("/settings/gateways").get_data(as_text=True)
    assert signed_in.get(f"/settings/gateways/{gateway.id}").status_code == 404


def signed_event(event: dict, secret: str = sandbox.stripe.SANDBOX_STRIPE_WEBHOOK_SECRET):
    payload = json.dumps(event)
    timestamp = int(time.time())
    import hashlib
    import hmac

    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return payload, {"Stripe-Signature": f"t={timestamp},v1={digest.hexdigest()}",
                     "Content-Type": "application/json"}


def deauthorized(account_id: str, event_id: str = "evt_deauth_1") -> dict:
    return {"id": event_id, "object": "event", "type": "account.application.deauthorized",
            "account": account_id, "livemode": False, "created": int(time.time()),
            "api_version": "2026-10-28.endive", "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": {"id": sandbox.stripe.SANDBOX_STRIPE_CLIENT_ID,
                                "object": "application", "name": "Remit"}}}


def test_deauthorization_disconnects_once_and_reconnect_keeps_the_mappings(signed_in, client):
    connect_stripe(signed_in)
    (gateway,) = gateways()
    signed_in.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "currency": "USD", "deposit-USD": "4",
        "receivable-USD": "84", "action": "save"})
    payload, headers = signed_event(deauthorized(gateway.account_id))
    for _ in range(2):  # Stripe may deliver twice
        answer = client.post("/webhooks/stripe", data=payload, headers=headers)
        assert answer.status_code == 200
    assert answer.get_json()["duplicate"] is True
    db.session.expire_all()
    assert gateway.status is GatewayStatus.DISCONNECTED
    assert [e.change for e in gateway.audit].count("deauthorized") == 1
    page = signed_in.get("/settings/gateways").get_data(as_text=True)
    assert "disconnected Remit in Stripe" in page and "Reconnect" in page
    assert connect_stripe(signed_in, gateway_id=gateway.id).status_code == 302
    db.session.expire_all()
    assert gateway.status is GatewayStatus.ACTIVE
    assert [row.currency for row in gateway.currencies] == ["USD"]


def test_webhooks_without_a_valid_signature_are_refused(client):
    payload, headers = signed_event(deauthorized("acct_x"), secret="whsec_wrong")
    assert client.post("/webhooks/stripe", data=payload, headers=headers).status_code == 400
    assert client.post("/webhooks/stripe", data=payload).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(GatewayEvent)) == 0


def test_events_for_unknown_accounts_are_acknowledged_and_ignored(client):
    payload, headers = signed_event(deauthorized("acct_unknown", "evt_other"))
    assert client.post("/webhooks/stripe", data=payload, headers=headers).status_code == 200
    event = db.session.scalar(select(GatewayEvent))
    assert event.status is WorkStatus.IGNORED


def test_another_companys_gateway_is_out_of_reach(signed_in, app):
    connect_stripe(signed_in)
    (gateway,) = gateways()
    stranger = app.test_client()
    other = User(platform=Platform.XERO, subject="stranger")
    db.session.add(other)
    db.session.commit()
    with stranger.session_transaction() as session:
        session["user_id"] = other.id
    for path in (f"/settings/gateways/{gateway.id}", f"/settings/gateways/{gateway.id}/remove"):
        assert stranger.get(path).status_code == 404
        assert stranger.post(path, data={"description": "mine now"}).status_code == 404
    db.session.expire_all()
    assert gateway.status is GatewayStatus.NEEDS_SETUP and gateway.description == ""


def directives(answer) -> dict[str, str]:
    policy = answer.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_pages_may_be_framed_by_quickbooks_and_xero_only(client, make_app):
    policy = directives(client.get("/"))
    assert policy["frame-ancestors"] == "'self' https://*.intuit.com https://*.xero.com"
    assert policy["default-src"] == "'self'"
    production = make_app(**real_mode(ENV="production"))
    answer = production.test_client().post("/language", data={"language": "fr"})
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=None" in cookie


def test_forms_may_lead_only_to_remit_and_the_vendors_pages(client, make_app, app):
    """form-action is checked on each redirect of a submission: Connect and Checkout are
    reached through Remit's forms, at the vendors' or, in sandbox mode, at the stand-ins'."""
    stand_ins = urlsplit(app.config["SANDBOX_URL"])
    assert directives(client.get("/"))["form-action"] == (
        f"'self' {stand_ins.scheme}://{stand_ins.netloc}")
    real = make_app(**real_mode()).test_client().get("/")
    assert directives(real)["form-action"] == (
        "'self' https://appcenter.intuit.com https://login.xero.com "
        "https://connect.stripe.com https://checkout.stripe.com")


def test_an_old_signature_is_refused(client):
    import hashlib
    import hmac

    payload = json.dumps(deauthorized("acct_x", "evt_old"))
    stamp = int(time.time()) - 301  # beyond Stripe's 300-second tolerance
    digest = hmac.new(sandbox.stripe.SANDBOX_STRIPE_WEBHOOK_SECRET.encode(),
                      f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    answer = client.post("/webhooks/stripe", data=payload,
                         headers={"Stripe-Signature": f"t={stamp},v1={digest}"})
    assert answer.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(GatewayEvent)) == 0


def test_without_a_configured_secret_every_event_is_refused(make_app):
    app = make_app(**real_mode(STRIPE_WEBHOOK_SECRET=None))
    assert not app.config["SANDBOX_MODE"]
    payload, headers = signed_event(deauthorized("acct_x", "evt_nosecret"))
    assert app.test_client().post("/webhooks/stripe", data=payload,
                                  headers=headers).status_code == 400
