"""Two companies collecting through one Stripe account: each payment reaches the company and
gateway it was made for, payments Remit did not start are kept as unmatched (never posted),
and removing one company's gateway leaves the account connected for the other."""

import copy
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

import sandbox.quickbooks
import sandbox.stripe
import sandbox.xero
from addon.accounts import cached_accounts
from addon.extensions import db
from addon.jobs import sweep_pending_events
from addon.ledger import connector_for
from addon.models import Company, Gateway, GatewayEvent, GatewayStatus, Posting, WorkStatus, utcnow
from sandbox.stripe_events import signed
from tests.app.oauth_flow import connect
from tests.app.payment_flow import checkout, count_xero_calls, link_path
from tests.app.stripe_flow import CREATE, connect_stripe

US, GB = sandbox.quickbooks.US_REALM, sandbox.quickbooks.SINGLE_CURRENCY_REALM
INVOICE = "130"  # the first invoice in both sandbox companies: the ids collide on purpose


def _company(realm: str) -> Company:
    return db.session.scalar(select(Company).where(Company.external_id == realm))


def _gateway(company: Company) -> Gateway:
    return db.session.scalar(select(Gateway).where(Gateway.company_id == company.id,
                                                   Gateway.status != GatewayStatus.ARCHIVED))


def _set_up(client, gateway: Gateway, currency: str) -> None:
    """Undeposited Funds (4) and A/R (84): the same ids in both sandbox companies."""
    answer = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "action": "save", "currency": currency,
        f"deposit-{currency}": "4", f"receivable-{currency}": "84"})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def _add_company(client, realm: str, currency: str, **stripe) -> Company:
    """Connect a QuickBooks company (it becomes the current one) and a Stripe account to it."""
    connect(client, "quickbooks", choices={"realm": realm})
    company = _company(realm)
    with client.session_transaction() as session:
        session["company_id"] = company.id
    assert connect_stripe(client, **stripe).status_code == 302
    sandbox.stripe.settle_in(_gateway(company).account_id, currency)  # never converted here
    _set_up(client, _gateway(company), currency)
    return company


@pytest.fixture
def shared(client):
    """A USD company and a GBP company, both collecting through the same Stripe account."""
    us = _add_company(client, US, "USD")
    gb = _add_company(client, GB, "GBP")
    assert _gateway(us).account_id == _gateway(gb).account_id
    return us, gb


@pytest.fixture
def ledger_calls(monkeypatch):
    """Every QuickBooks API call, as (realm, method, entity), counted at the transport."""
    from connectors.quickbooks.transport import CallPolicyMixin

    calls = []
    original = CallPolicyMixin.request

    def counted(self, method, url, *args, **kwargs):
        if "/v3/company/" in url:
            realm, entity = url.split("/v3/company/")[1].split("?")[0].split("/")[:2]
            calls.append((realm, method, entity))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(CallPolicyMixin, "request", counted)
    return calls


def paid(session_id: str) -> list:
    """The customer pays; Stripe's signed events, not delivered yet."""
    sandbox.stripe.pay(session_id, sandbox.stripe.SUCCEEDING_CARD)
    return sandbox.stripe.last_events()


def deliver(client, deliveries) -> None:
    for delivery in deliveries:
        answer = client.post("/webhooks/stripe", data=delivery.payload, headers=delivery.headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)


def send(client, event: dict) -> None:
    body, headers = signed(event)
    assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200


def balance(company: Company) -> str:
    db.session.expire_all()
    return str(connector_for(company).invoice(INVOICE).balance)


def postings(company: Company) -> list[Posting]:
    return list(db.session.scalars(select(Posting).where(Posting.company_id == company.id,
                                                      Posting.kind == "payment")))


def other_payment(deliveries, suffix: str, **changes) -> list[dict]:
    """The events of a payment like the delivered one but made elsewhere: new ids, and the
    changes applied to each event (`metadata` replaces the paid object's metadata)."""
    made = []
    for delivery in deliveries:
        event = copy.deepcopy(json.loads(delivery.payload))
        event["id"] = f"{event['id']}{suffix}"
        obj = event["data"]["object"]
        for key in ("id", "payment_intent", "latest_charge"):
            if isinstance(obj.get(key), str):
                obj[key] = f"{obj[key]}{suffix}"
        if "metadata" in changes:
            obj["metadata"] = changes["metadata"]
        event.update({k: v for k, v in changes.items() if k != "metadata"})
        made.append(event)
    return made


def test_each_company_gets_only_its_own_payments(client, shared, ledger_calls):
    us, gb = shared
    gb_only = paid(checkout(client, link_path(gb, INVOICE), "200.00"))
    deliver(client, gb_only)
    assert {realm for realm, _method, _entity in ledger_calls} == {GB}  # not one call to US
    assert [p.status for p in postings(gb)] == [WorkStatus.DONE] and postings(us) == []

    # Both customers pay at once; the events arrive interleaved.
    us_events = paid(checkout(client, link_path(us, INVOICE), "100.00"))
    gb_events = paid(checkout(client, link_path(gb, INVOICE), "30.00"))
    ledger_calls.clear()
    for pair in zip(us_events, gb_events, strict=True):
        deliver(client, pair)
    deliver(client, gb_events + us_events)  # and Stripe delivers them all again
    writes = [(realm, entity) for realm, method, entity in ledger_calls if entity == "payment"]
    assert sorted(writes) == [(US, "payment"), (GB, "payment")]
    assert {(p.amount_minor, p.currency, p.status) for p in postings(us)} == {
        (10000, "USD", WorkStatus.DONE)}
    assert {(p.amount_minor, p.currency, p.status) for p in postings(gb)} == {
        (20000, "GBP", WorkStatus.DONE), (3000, "GBP", WorkStatus.DONE)}
    assert balance(us) == "150.00" and balance(gb) == "250.00"


def test_a_payment_remit_did_not_start_is_unmatched_and_never_posted(client, shared,
                                                                     ledger_calls):
    us, gb = shared
    template = paid(checkout(client, link_path(us, INVOICE), "100.00"))
    ledger_calls.clear()
    shop_sale = other_payment(template, "shop", metadata={})  # no Remit metadata at all
    for event in shop_sale + shop_sale:  # every event of the payment, each delivered twice
        send(client, event)

    assert ledger_calls == []
    for company in shared:
        (unmatched,) = postings(company)
        assert unmatched.status is WorkStatus.UNMATCHED and unmatched.amount_minor == 10000
    events = db.session.scalars(select(GatewayEvent).where(GatewayEvent.event_id.like("%shop")))
    assert {e.status for e in events} == {WorkStatus.UNMATCHED}

    with client.session_transaction() as session:
        session["company_id"] = us.id
    page = client.get("/activity").get_data(as_text=True)
    assert "Unmatched" in page and "100.00 USD" in page and "Retry" not in page
    (unmatched,) = postings(us)
    for action in ("retry", "ignore"):
        assert client.post(f"/activity/postings/{unmatched.id}/{action}").status_code == 400

    for posting in postings(us) + postings(gb):  # long forgotten by any worker
        posting.updated_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert sweep_pending_events.call_local() == 0
    assert ledger_calls == []
    assert balance(us) == "250.00"
    assert {p.status for p in postings(us) + postings(gb)} == {WorkStatus.UNMATCHED}


def test_a_payment_naming_a_gateway_of_another_account_or_mode_is_never_posted(client,
                                                                            ledger_calls):
    us = _add_company(client, US, "USD")
    gb = _add_company(client, GB, "GBP", button=CREATE, landing="register",
                      choices={"business_name": "Hawthorn Online"})
    assert _gateway(us).account_id != _gateway(gb).account_id
    template = paid(checkout(client, link_path(us, INVOICE), "100.00"))
    ledger_calls.clear()

    # Made on the GB company's account, yet naming the US company's gateway and company.
    for event in other_payment(template, "x", account=_gateway(gb).account_id):
        send(client, event)
    # Made on the US account in live mode, naming the test-mode gateway.
    for event in other_payment(template, "live", livemode=True):
        send(client, event)
    # Naming the GB gateway while made on the US account for the US company.
    named_gb = dict(json.loads(template[0].payload)["data"]["object"]["metadata"],
                    remit_gateway=str(_gateway(gb).id))
    for event in other_payment(template, "gb", metadata=named_gb):
        send(client, event)

    assert ledger_calls == []
    assert {p.status for p in postings(us)} == {WorkStatus.UNMATCHED}  # the "gb" one
    assert {p.status for p in postings(gb)} == {WorkStatus.UNMATCHED}  # the "x" one
    assert balance(us) == "250.00"


def test_a_malformed_remit_payment_fails_with_its_reason_and_no_ledger_call(client, shared,
                                                                            ledger_calls):
    us, _gb = shared
    template = paid(checkout(client, link_path(us, INVOICE), "100.00"))
    ledger_calls.clear()
    metadata = dict(json.loads(template[0].payload)["data"]["object"]["metadata"],
                    remit_amounts="a hundred")
    for event in other_payment(template, "bad", metadata=metadata):
        send(client, event)
    (posting,) = postings(us)
    assert posting.status is WorkStatus.FAILED and "not a number" in posting.error
    assert ledger_calls == []


def test_removing_one_of_two_gateways_on_an_account_keeps_it_connected(client, shared):
    us, gb = shared
    account_id = _gateway(us).account_id
    with client.session_transaction() as session:
        session["company_id"] = us.id
    confirm = client.get(f"/settings/gateways/{_gateway(us).id}/remove").get_data(as_text=True)
    assert "The account stays connected" in confirm
    answer = client.post(f"/settings/gateways/{_gateway(us).id}/remove", follow_redirects=True)
    assert account_id in sandbox.stripe.connected_accounts()
    assert "stays connected" in answer.get_data(as_text=True)
    assert _gateway(us) is None and _gateway(gb).status is GatewayStatus.ACTIVE

    # The other company still gets paid through the account.
    deliver(client, paid(checkout(client, link_path(gb, INVOICE), "80.00")))
    assert [p.status for p in postings(gb)] == [WorkStatus.DONE]

    with client.session_transaction() as session:
        session["company_id"] = gb.id
    client.post(f"/settings/gateways/{_gateway(gb).id}/remove")
    assert account_id not in sandbox.stripe.connected_accounts()


def test_an_event_without_metadata_arriving_first_does_not_hide_the_payment(client, shared):
    """Stripe does not order events: should one of a Remit payment lack the metadata, the
    payment is unmatched only until an event naming its gateway arrives."""
    us, gb = shared
    events = [json.loads(d.payload) for d in paid(checkout(client, link_path(us, INVOICE),
                                                           "100.00"))]
    first = copy.deepcopy(events[0])
    first["id"] += "bare"
    first["data"]["object"]["metadata"] = {}
    send(client, first)
    assert {p.status for p in postings(us) + postings(gb)} == {WorkStatus.UNMATCHED}
    for event in events:
        send(client, event)
    assert [p.status for p in postings(us)] == [WorkStatus.DONE] and postings(gb) == []
    first["id"] += "-late"  # and one arriving after them
    send(client, first)
    assert [p.status for p in postings(us)] == [WorkStatus.DONE] and postings(gb) == []
    assert balance(us) == "150.00"


def test_a_quickbooks_company_and_a_xero_organisation_share_an_account(client, ledger_calls,
                                                                       monkeypatch):
    """Each platform's ledger hears only of its own company's payments, both paying at once."""
    from tests.app.test_connect_xero import UK, choose

    us = _add_company(client, US, "USD")
    connect(client, "xero")
    choose(client, UK)
    uk = db.session.scalar(select(Company).where(Company.name == UK))
    connect_stripe(client)
    sandbox.stripe.settle_in(_gateway(uk).account_id, "GBP")
    assert _gateway(uk).account_id == _gateway(us).account_id
    clearing = next(a.id for a in cached_accounts(uk) if a.name == "Stripe Clearing")
    client.post(f"/settings/gateways/{_gateway(uk).id}", data={
        "description": "Stripe.com", "action": "save", "currency": "GBP",
        "deposit-GBP": clearing})
    xero_calls = count_xero_calls(monkeypatch)
    xero_invoice = sandbox.xero.INVOICE_IDS["INV-0001"]
    uk_events = paid(checkout(client, link_path(uk, xero_invoice), "50.00"))
    us_events = paid(checkout(client, link_path(us, INVOICE), "100.00"))
    ledger_calls.clear()
    xero_calls.clear()  # the pay pages read their invoices
    deliver(client, uk_events)
    assert ledger_calls == [] and [method for method, _ in xero_calls] == ["GET", "GET", "PUT"]
    deliver(client, us_events + uk_events)
    # The QuickBooks payment made no Xero call.
    assert [method for method, _ in xero_calls] == ["GET", "GET", "PUT"]
    assert [p.status for p in postings(uk)] == [WorkStatus.DONE]
    assert [p.status for p in postings(us)] == [WorkStatus.DONE]
    assert balance(us) == "150.00"
    assert str(connector_for(uk).invoice(xero_invoice).balance) == "200.00"
