"""The stand-ins' controls the drills (benchmarks/drills.py) use over HTTP: a timed throttle or
outage, more companies and organisations, invoices and payment counts, the Stripe delivery log
and its redelivery of failed events."""

from __future__ import annotations

from sandbox import quickbooks as qbo
from sandbox import stripe_events, xero_api, xero_seed
from sandbox import xero as xero
from sandbox.outages import Outage
from tests.sandbox.test_xero_sandbox import ACCOUNTING, bearer

QBO_API = "/quickbooks/api/v3/company"
SCOPE = "openid profile email offline_access accounting.settings.read"


def test_a_timed_outage_answers_every_request_then_ends():
    now = [100.0]
    outage = Outage(clock=lambda: now[0])
    outage.start("429", 30)
    now[0] += 29.2
    assert outage.current() == ("429", 1)
    now[0] += 1
    assert outage.current() is None


def test_quickbooks_throttles_for_the_seconds_asked_with_intuits_fault(client):
    token = qbo.issue_tokens(qbo.US_REALM)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/quickbooks/sandbox/outage",
                       json={"answer": "429", "seconds": 90}).status_code == 200

    throttled = client.get(f"{QBO_API}/{qbo.US_REALM}/preferences", headers=auth)
    client.post("/quickbooks/sandbox/outage", json={"answer": "none"})

    assert throttled.status_code == 429
    assert throttled.json["Fault"]["Error"][0]["code"] == "3001"
    assert 89 <= int(throttled.headers["Retry-After"]) <= 90
    assert client.get(f"{QBO_API}/{qbo.US_REALM}/preferences", headers=auth).status_code == 200


def test_quickbooks_outage_controls_refuse_what_no_drill_means(client):
    for body in ({"answer": "500", "seconds": 5}, {"answer": "503", "seconds": 0},
                 {"answer": "503", "seconds": 7200}, {"answer": "503"}):
        assert client.post("/quickbooks/sandbox/outage", json=body).status_code == 400


def test_a_quickbooks_company_added_like_a_seed_one_takes_and_counts_payments(client):
    realm = client.post("/quickbooks/sandbox/companies", json={"like": qbo.US_REALM}).json[
        "realm"]
    made = client.post("/quickbooks/sandbox/invoices",
                       json={"realm": realm, "currency": "USD", "amount": "10.00"}).json
    client.post("/quickbooks/sandbox/payments",
                json={"realm": realm, "invoice": made["Invoice"]["Id"]})
    token = qbo.issue_tokens(realm)["access_token"]

    counted = client.get(f"/quickbooks/sandbox/companies/{realm}/payments").json["Payments"]
    info = client.get(f"{QBO_API}/{realm}/companyinfo/1",
                      headers={"Authorization": f"Bearer {token}"})

    assert realm not in (qbo.US_REALM, qbo.SINGLE_CURRENCY_REALM)
    assert [payment["Invoices"] for payment in counted] == [[made["Invoice"]["Id"]]]
    assert info.status_code == 200 and realm[-4:] in info.json["CompanyInfo"]["CompanyName"]
    assert client.get(f"/quickbooks/sandbox/companies/{realm}/calls").json["Calls"]
    assert client.post("/quickbooks/sandbox/companies", json={"like": realm}).status_code == 400
    assert client.get("/quickbooks/sandbox/companies/1/payments").status_code == 404


def test_a_xero_organisation_added_is_offered_invoiced_counted_and_reset_away(client):
    tenant = client.post("/xero/controls/organisations", json={"like": xero.UK_ORG}).json[
        "TenantId"]
    invoice = client.post("/xero/controls/invoices", json={
        "tenant": tenant, "currency": "GBP", "amount": "10.00"}).json["Invoice"]
    token = xero.grant_tokens(SCOPE, [tenant])["access_token"]
    organisation = client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, tenant))
    counted = client.get(f"/xero/controls/payments/{tenant}").json["Payments"]

    assert organisation.status_code == 200
    assert organisation.json["Organisations"][0]["OrganisationID"] == tenant
    assert invoice["Status"] == "AUTHORISED" and counted == []
    assert client.post("/xero/controls/invoices", json={
        "tenant": tenant, "currency": "AUD", "amount": "1"}).status_code == 400
    client.post("/xero/controls/reset")
    assert tenant not in xero_seed.ORG_NAMES and tenant not in xero_api.organisations()


def test_xero_outage_answers_503_then_429_with_the_seconds_left(client):
    token = xero.grant_tokens(SCOPE, [xero.UK_ORG])["access_token"]
    client.post("/xero/controls/outage/503", json={"seconds": 60})
    down = client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, xero.UK_ORG))
    client.post("/xero/controls/outage/429", json={"seconds": 20})
    throttled = client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, xero.UK_ORG))
    client.post("/xero/controls/outage/none", json={})
    back = client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, xero.UK_ORG))

    assert down.status_code == 503
    assert throttled.status_code == 429 and 19 <= int(throttled.headers["Retry-After"]) <= 20
    assert back.status_code == 200
    assert client.post("/xero/controls/outage/500", json={"seconds": 5}).status_code == 400


def test_stripe_lists_deliveries_and_sends_failed_ones_again(client):
    sent = stripe_events.event("customer.updated", "acct_1", {"id": "cus_1"})
    stripe_events.deliver([sent], "http://127.0.0.1:9/webhooks/stripe", timeout=2)

    listed = client.get("/stripe/controls/deliveries").json["Deliveries"]
    again = client.post("/stripe/controls/redeliver-failed").json["Deliveries"]

    assert [(d["event"], d["status"]) for d in listed] == [(sent["id"], None)]
    assert listed[0]["error"]
    assert [d["event"] for d in again] == [sent["id"]]
