"""The webhook contract, not Stripe's header: a gateway that signs inside the body (each item
its own HMAC, as Adyen does) and sends several events per request plugs in with one registry
entry, registered only for these tests. The add-on stores each event once, records the payment
through movements() with the gateway's own label and exponent, and disconnects the gateway on
its typed "deauthorized" event — with no change to the add-on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import sandbox.quickbooks_data
from addon.extensions import db
from addon.gateways import registry
from addon.ledger import connector_for
from addon.models import (
    Gateway,
    GatewayCurrency,
    GatewayEvent,
    GatewayStatus,
    Posting,
    WorkStatus,
)
from gateways.base import (
    METADATA_AMOUNTS,
    METADATA_COMPANY,
    METADATA_GATEWAY,
    METADATA_INVOICES,
    EventKind,
    MoneyMovement,
    ReceivedEvent,
    WebhookRejected,
)
from tests.app.payment_flow import company_with_stripe

SECRET = "in-body-hmac-key"
ACCOUNT = "merchant_42"
FIRST_INVOICE = "130"  # 1001: 250.00 USD
KINDS = {"AUTHORISATION": EventKind.PAYMENT, "DISCONNECT": EventKind.DEAUTHORIZED}


def item_signature(item: Mapping, secret: str) -> str:
    """HMAC-SHA256 over the item's fields (not the request), base64: the body signs itself."""
    signed = ":".join(str(item[key]) for key in ("id", "code", "account", "currency", "value"))
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class InBodyGateway:
    """A gateway unlike Stripe: no signature header, a batch of items per request, each item
    signed in the body; its own event codes, minor units and dashboard."""

    kind = "inbody"
    display_name = "In-body Pay"
    session_lifetime = 900
    page_origins = ("https://pay.inbody.example",)
    checkout_event_types = frozenset()

    def receive(self, body: bytes, headers: Mapping[str, str],
                secret: str | None) -> list[ReceivedEvent]:
        try:
            items = json.loads(body)["items"]
        except (ValueError, KeyError, TypeError):
            raise WebhookRejected("the body is not a batch of items") from None
        for item in items:
            if not secret or not hmac.compare_digest(str(item.get("hmac", "")),
                                                     item_signature(item, secret)):
                raise WebhookRejected("an item's signature does not match")
        return [self.event(item) for item in items]

    def event(self, payload: Mapping) -> ReceivedEvent:
        return ReceivedEvent(id=payload["id"], type=payload["code"], account_id=payload["account"],
                             livemode=False, payload=dict(payload),
                             kind=KINDS.get(payload["code"], EventKind.OTHER))

    def movements(self, event: dict) -> list[MoneyMovement]:
        if event["code"] != "AUTHORISATION":
            return []
        return [MoneyMovement(kind="payment", source_id=event["psp"], charge_id=None,
                              account_id=event["account"], livemode=False,
                              currency=event["currency"], amount_minor=event["value"],
                              metadata=event["metadata"],
                              occurred_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))]

    def checkout_update(self, payload: Mapping):
        return None

    def exponent(self, currency: str) -> int:
        return 2

    def payment_label(self, *, source_id: str, charge_id: str | None, account_id: str) -> str:
        return f"In-body Pay {source_id} for {account_id}"

    def dashboard_url(self, *, account_id: str, source_id: str, livemode: bool) -> str | None:
        return f"https://dashboard.inbody.example/{account_id}/{source_id}"


def build(config, locate) -> InBodyGateway:
    return InBodyGateway()


@pytest.fixture
def inbody(client, monkeypatch):
    """The sandbox QuickBooks company with an active In-body Pay gateway for USD, registered
    for this test only."""
    monkeypatch.setitem(registry.KINDS, "inbody", registry.GatewayKind(
        key="inbody", display_name="In-body Pay", summary="Test gateway.", factory=build,
        secret=lambda config: SECRET, exponent=lambda currency: 2,
        page_origins=InBodyGateway.page_origins))
    company = company_with_stripe(client)
    gateway = Gateway(company_id=company.id, kind="inbody", description="In-body",
                      status=GatewayStatus.ACTIVE, account_id=ACCOUNT, livemode=False,
                      currencies=[GatewayCurrency(currency="USD", deposit_account_id="4",
                                                  receivable_account_id="84")])
    db.session.add(gateway)
    db.session.commit()
    return gateway


def signed(item: dict, secret: str = SECRET) -> dict:
    return {**item, "hmac": item_signature(item, secret)}


def batch(gateway: Gateway, secret: str = SECRET) -> bytes:
    """A payment of 100.00 USD for invoice 130, then the account disconnecting: one request."""
    payment = {"id": "notif-1", "code": "AUTHORISATION", "account": ACCOUNT, "currency": "USD",
               "value": 10000, "psp": "psp-881",
               "metadata": {METADATA_COMPANY: str(gateway.company_id),
                            METADATA_GATEWAY: str(gateway.id),
                            METADATA_INVOICES: FIRST_INVOICE, METADATA_AMOUNTS: "100.00"}}
    disconnect = {"id": "notif-2", "code": "DISCONNECT", "account": ACCOUNT, "currency": "",
                  "value": 0}
    return json.dumps({"items": [signed(payment, secret), signed(disconnect, secret)]}).encode()


def events() -> list[GatewayEvent]:
    return list(db.session.scalars(select(GatewayEvent).where(GatewayEvent.source == "inbody")
                                   .order_by(GatewayEvent.event_id)))


def test_a_batch_signed_in_its_body_is_stored_once_per_event_and_each_is_applied(client,
                                                                                 inbody):
    answer = client.post("/webhooks/inbody", data=batch(inbody),
                         headers={"Content-Type": "application/json"})

    assert answer.status_code == 200 and answer.get_json() == {"received": True,
                                                               "duplicate": False}
    assert [(e.event_id, e.event_type, e.status) for e in events()] == [
        ("notif-1", "AUTHORISATION", WorkStatus.DONE),
        ("notif-2", "DISCONNECT", WorkStatus.DONE)]
    (posting,) = db.session.scalars(select(Posting).where(Posting.gateway_id == inbody.id))
    assert (posting.status, posting.source_id, str(posting.amount)) == (
        WorkStatus.DONE, "psp-881", "100.00")
    company = inbody.company
    written = sandbox.quickbooks_data.find(company.external_id, "Payment",
                                           posting.ledger_object_id)
    assert written["PrivateNote"] == "In-body Pay psp-881 for merchant_42 (recorded by Remit)"
    assert str(connector_for(company).invoice(FIRST_INVOICE).balance) == "150.00"
    db.session.refresh(inbody)
    assert inbody.status is GatewayStatus.DISCONNECTED
    assert [(a.change, a.new_value) for a in inbody.audit] == [("deauthorized", "notif-2")]


def test_the_same_batch_again_is_a_duplicate_that_changes_nothing(client, inbody):
    body = batch(inbody)
    client.post("/webhooks/inbody", data=body)

    again = client.post("/webhooks/inbody", data=body)

    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert len(events()) == 2
    assert db.session.scalars(select(Posting).where(Posting.gateway_id == inbody.id)).all()
    assert str(connector_for(inbody.company).invoice(FIRST_INVOICE).balance) == "150.00"


def test_a_batch_with_one_item_signed_with_another_key_is_refused_whole(client, inbody):
    items = json.loads(batch(inbody))["items"]
    items[1] = signed({k: v for k, v in items[1].items() if k != "hmac"}, "another-key")

    answer = client.post("/webhooks/inbody", data=json.dumps({"items": items}))

    assert answer.status_code == 400 and answer.get_json() == {"error": "refused"}
    assert events() == []
    assert str(connector_for(inbody.company).invoice(FIRST_INVOICE).balance) == "250.00"
    db.session.refresh(inbody)
    assert inbody.status is GatewayStatus.ACTIVE


def test_the_activity_page_links_the_payment_to_the_gateways_dashboard(make_app, inbody,
                                                                       client):
    client.post("/webhooks/inbody", data=batch(inbody))
    real = make_app(VENDOR_HOSTS={})  # real mode: the gateway's own dashboard, not the sandbox
    with real.test_client() as browser:
        with browser.session_transaction() as copied, client.session_transaction() as signed_in:
            copied.update(signed_in)
        page = browser.get("/activity").get_data(as_text=True)

    assert 'href="https://dashboard.inbody.example/merchant_42/psp-881"' in page
    assert "psp-881<span class=\"visually-hidden\"> (opens In-body Pay in a new window)" in page


def test_the_content_policy_lets_forms_reach_every_registered_gateways_pages(make_app, inbody):
    app = make_app(VENDOR_HOSTS={})

    policy = app.test_client().get("/").headers["Content-Security-Policy"]

    form_action = next(part for part in policy.split("; ") if part.startswith("form-action"))
    assert "https://pay.inbody.example" in form_action
    assert "https://connect.stripe.com" in form_action
    assert "https://checkout.stripe.com" in form_action
