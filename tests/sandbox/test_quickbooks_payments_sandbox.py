"""The Intuit stand-in's invoices, single reads and Payment create, through the Flask test client:
QuickBooks' checks and faults, `requestid` replays, effects on the ledger, the console, and
every answer shaped as Intuit's (XSDs plus amounts that add up)."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest

import sandbox.quickbooks as qbo
from sandbox import quickbooks_data, quickbooks_payments
from sandbox import quickbooks_payment_checks as checks
from tests.connectors.quickbooks.shapes import load_schema, problems
from tests.sandbox.quickbooks_client import seeded_client

US_API = f"/quickbooks/api/v3/company/{qbo.US_REALM}"
GB_API = f"/quickbooks/api/v3/company/{qbo.SINGLE_CURRENCY_REALM}"
AMYS = {"CustomerRef": {"value": "1"}, "TotalAmt": "250.00", "CurrencyRef": {"value": "USD"},
        "DepositToAccountRef": {"value": "95"}, "ARAccountRef": {"value": "84"},
        "TxnDate": "2026-01-20", "PaymentRefNum": "ch_1", "PrivateNote": "Stripe pi_1",
        "Line": [{"Amount": "250.00", "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}]}


@pytest.fixture
def web():
    yield from seeded_client()


@pytest.fixture
def us():
    return {"Authorization": "Bearer " + qbo.issue_tokens(qbo.US_REALM)["access_token"]}


def pay(web, bearer, body, request_id=None, api=US_API):
    suffix = f"&requestid={request_id}" if request_id else ""
    return web.post(f"{api}/payment?minorversion=75{suffix}", json=body, headers=bearer)


def changed(**fields) -> dict:
    body = copy.deepcopy(AMYS)
    body.update(fields)
    return body


def invoice(number_id: str, realm: str = qbo.US_REALM) -> dict:
    return quickbooks_data.find(realm, "Invoice", number_id)


# -- seed and reads --------------------------------------------------------------------------
def test_the_seed_has_open_invoices_to_pay(web, us):
    answer = web.get(f"{US_API}/invoice/130?minorversion=75", headers=us).get_json()["Invoice"]

    assert (answer["DocNumber"], answer["CustomerRef"], answer["Balance"], answer["TotalAmt"],
            answer["CurrencyRef"]["value"], answer["ExchangeRate"], answer["LinkedTxn"]) == (
        "1001", {"value": "1", "name": "Amy's Bird Sanctuary"}, 250.0, 250.0, "USD", 1.0, [])
    assert (invoice("131")["DocNumber"], invoice("131")["Balance"]) == ("1002", Decimal("120.50"))
    assert invoice("132")["PrivateNote"] == "Voided"
    assert invoice("130", qbo.SINGLE_CURRENCY_REALM)["Balance"] == Decimal("480.00")
    assert "ExchangeRate" not in invoice("130", qbo.SINGLE_CURRENCY_REALM)


def test_single_reads_and_the_invoice_query(web, us):
    account = web.get(f"{US_API}/account/38?minorversion=75", headers=us).get_json()["Account"]
    missing = web.get(f"{US_API}/account/999?minorversion=75", headers=us)
    queried = web.post(f"{US_API}/query?minorversion=75", headers=us,
                       data="SELECT * FROM Invoice WHERE Id = '131'").get_json()

    assert (account["Name"], account["Active"]) == ("Old Operating Account", False)
    assert missing.status_code == 400 and missing.get_json()["Fault"]["Error"][0]["code"] == "610"
    assert [row["DocNumber"] for row in queried["QueryResponse"]["Invoice"]] == ["1002"]


def test_the_euro_invoice_control_makes_an_open_invoice_for_the_euro_customer(web):
    made = web.post("/quickbooks/sandbox/invoices", json={
        "realm": qbo.US_REALM, "currency": "EUR", "amount": "80"}).get_json()["Invoice"]

    assert (made["Id"], made["DocNumber"], made["CustomerRef"]["name"]) == (
        "133", "1004", "Boulangerie Lemaire SARL")
    assert (made["Balance"], made["ExchangeRate"], made["HomeBalance"]) == (80.0, 1.0856, 86.85)
    assert quickbooks_data.find(qbo.US_REALM, "Customer", "58")["Balance"] == Decimal("80.00")


# -- Payment create --------------------------------------------------------------------------
def test_a_payment_lowers_the_invoice_balance_and_moves_the_money(web, us):
    receivable = quickbooks_data.find(qbo.US_REALM, "Account", "84")["CurrentBalance"]

    answer = pay(web, us, changed(TotalAmt="100.00", Line=[
        {"Amount": "100.00", "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}]))

    payment = answer.get_json()["Payment"]
    assert answer.status_code == 200 and payment["Id"] == "201"
    assert (payment["TotalAmt"], payment["UnappliedAmt"], payment["PaymentRefNum"]) == (
        100.0, 0.0, "ch_1")
    assert invoice("130")["Balance"] == Decimal("150.00")
    assert invoice("130")["LinkedTxn"] == [{"TxnId": "201", "TxnType": "Payment"}]
    assert quickbooks_data.find(qbo.US_REALM, "Account", "84")["CurrentBalance"] == (
        receivable - 100)
    assert quickbooks_data.find(qbo.US_REALM, "Account", "95")["CurrentBalance"] == 100
    assert quickbooks_data.find(qbo.US_REALM, "Customer", "1")["Balance"] == Decimal("270.50")


def test_more_than_the_lines_is_kept_as_customer_credit(web, us):
    payment = pay(web, us, changed(TotalAmt="300.00")).get_json()["Payment"]

    assert (payment["TotalAmt"], payment["UnappliedAmt"]) == (300.0, 50.0)
    assert quickbooks_data.find(qbo.US_REALM, "Customer", "1")["Balance"] == Decimal("70.50")


def test_a_payment_with_no_lines_is_all_customer_credit(web, us):
    """What Remit sends for an invoice already paid: nothing applied, all unapplied."""
    payment = pay(web, us, changed(TotalAmt="250.00", Line=[])).get_json()["Payment"]

    assert (payment["TotalAmt"], payment["UnappliedAmt"], payment["Line"]) == (250.0, 250.0, [])
    assert invoice("130")["Balance"] == Decimal("250.00")  # untouched
    assert quickbooks_data.find(qbo.US_REALM, "Customer", "1")["Balance"] == Decimal("120.50")


def test_a_line_above_the_balance_is_refused_even_with_credit_beside_it(web, us):
    answer = pay(web, us, changed(TotalAmt="400.00", Line=[
        {"Amount": "300.00", "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}]))

    assert answer.status_code == 400
    assert answer.get_json()["Fault"]["Error"][0]["code"] == "6000"
    assert invoice("130")["Balance"] == Decimal("250.00")


def test_a_single_currency_company_takes_no_currency_or_rate(web):
    gb = {"Authorization": "Bearer " + qbo.issue_tokens(qbo.SINGLE_CURRENCY_REALM)[
        "access_token"]}
    body = {"CustomerRef": {"value": "1"}, "TotalAmt": 480, "Line": [
        {"Amount": 480, "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}]}

    payment = pay(web, gb, body, api=GB_API).get_json()["Payment"]

    assert payment["CurrencyRef"]["value"] == "GBP" and "ExchangeRate" not in payment
    assert payment["DepositToAccountRef"] == {"value": "4"}  # omitted: Undeposited Funds


def test_the_same_requestid_answers_the_first_payment_again(web, us):
    first = pay(web, us, AMYS, "rp-1").get_json()
    again = pay(web, us, AMYS, "rp-1").get_json()
    other = pay(web, us, changed(TotalAmt="5.00", Line=[]), "rp-2").get_json()

    assert again == first
    assert [p["Id"] for p in quickbooks_data.COMPANIES[qbo.US_REALM]["Payment"]] == [
        "201", other["Payment"]["Id"]]
    assert invoice("130")["Balance"] == 0


def test_a_requestid_is_forgotten_after_the_window(web, us, monkeypatch):
    pay(web, us, changed(TotalAmt="10.00", Line=[]), "rp-1")
    monkeypatch.setattr(quickbooks_payments.REQUEST_IDS, "window", timedelta(seconds=-1))

    second = pay(web, us, changed(TotalAmt="10.00", Line=[]), "rp-1").get_json()

    assert second["Payment"]["Id"] == "202"


def test_a_stale_object_fault_is_the_answer_its_requestid_keeps(web, us):
    """Intuit answers a repeated requestid with the original response, faults included
    (reference §2.9): only a new requestid tries again."""
    qbo.force_next("5010")
    stale = pay(web, us, AMYS, "rp-1")

    again = pay(web, us, AMYS, "rp-1")
    anew = pay(web, us, AMYS, "rp-2")

    assert stale.status_code == again.status_code == 400
    assert [a.get_json()["Fault"]["Error"][0]["code"] for a in (stale, again)] == ["5010"] * 2
    assert anew.status_code == 200 and invoice("130")["Balance"] == 0


def test_a_validation_fault_is_replayed_for_its_requestid_even_once_fixed(web, us):
    qbo.close_books(qbo.US_REALM, date(2026, 1, 31))
    refused = pay(web, us, AMYS, "rp-1")
    qbo.close_books(qbo.US_REALM, None)  # the bookkeeper reopens the period

    again = pay(web, us, AMYS, "rp-1")
    anew = pay(web, us, AMYS, "rp-2")

    assert refused.status_code == again.status_code == 400
    assert refused.get_data() == again.get_data()
    assert again.get_json()["Fault"]["Error"][0]["code"] == checks.BOOKS_CLOSED
    assert anew.status_code == 200 and invoice("130")["Balance"] == 0
    assert len(quickbooks_data.COMPANIES[qbo.US_REALM]["Payment"]) == 1


def test_gateway_failures_are_not_kept_for_the_requestid(web, us):
    """A 429 or 503 never reached the payment service: the same requestid then runs."""
    for failure in ("429", "503"):
        qbo.force_next(failure)
        assert pay(web, us, AMYS, "rp-1").status_code == int(failure)

    assert pay(web, us, AMYS, "rp-1").status_code == 200 and invoice("130")["Balance"] == 0


def test_a_closed_period_refuses_payments_dated_in_it_and_changes_nothing(web, us):
    qbo.close_books(qbo.US_REALM, date(2026, 1, 20))
    on_the_day = pay(web, us, AMYS)
    after = pay(web, us, changed(TxnDate="2026-01-21"))

    assert on_the_day.status_code == 400
    assert on_the_day.get_json()["Fault"]["Error"][0]["code"] == checks.BOOKS_CLOSED
    assert after.status_code == 200 and invoice("130")["Balance"] == 0


WRONG = [
    (changed(CustomerRef=None), "2020", "Required parameter CustomerRef is missing"),
    (changed(TotalAmt=None), "2020", "Required parameter TotalAmt is missing"),
    (changed(CurrencyRef=None), "2020", "Required parameter CurrencyRef is missing"),
    (changed(Sparse=True), "2010", 'Unrecognized field "Sparse"'),
    (changed(TotalAmt="lots"), "2010", "Property Name:TotalAmt"),
    (changed(TxnDate="20/01/2026"), "2010", "Property Name:TxnDate"),
    (changed(CustomerRef={"value": "999"}), "2500", "Names element id 999 not found"),
    (changed(CustomerRef={"value": "2"}), "6000", "Invoice 1001 belongs to another customer"),
    (changed(CurrencyRef={"value": "EUR"}, ExchangeRate="1.08"), "6000", "customer's currency"),
    (changed(ExchangeRate="1.08"), "6000", "home-currency transaction must be 1"),
    (changed(DepositToAccountRef={"value": "999"}), "2500", "Accounts element id 999"),
    (changed(DepositToAccountRef={"value": "38"}), "2500", "made inactive"),
    (changed(DepositToAccountRef={"value": "1"}), "6000", "different type of account"),
    (changed(DepositToAccountRef={"value": "92"}), "6000", "transaction's currency or the home"),
    (changed(ARAccountRef={"value": "35"}), "6000", "must be an Accounts Receivable account"),
    (changed(TotalAmt="200.00"), "6000", "more than the payment amount"),
    (changed(TotalAmt="300.00", Line=[{"Amount": "300.00", "LinkedTxn": [
        {"TxnId": "130", "TxnType": "Invoice"}]}]), "6000", "more than its balance due (250.00)"),
    (changed(Line=[{"Amount": "250.00", "LinkedTxn": [{"TxnId": "999", "TxnType": "Invoice"}]}]),
     "2500", "Invoice 999 not found"),
    (changed(Line=[{"Amount": "250.00", "LinkedTxn": [{"TxnId": "130",
                                                        "TxnType": "CreditMemo"}]}]),
     "500", "invoices only"),
    (changed(PaymentRefNum="x" * 22), "2050", "Max:21 supplied:22"),
    (changed(PrivateNote="x" * 4001), "2050", "Max:4000 supplied:4001"),
]


@pytest.mark.parametrize(("body", "code"), [(body, code) for body, code, _ in WRONG],
                         ids=[words for *_, words in WRONG])
def test_what_quickbooks_refuses_is_a_fault_and_changes_nothing(web, us, body, code):
    """Asserted by fault code: the reasons (the ids) are the stand-in's words, not Intuit's."""
    answer = pay(web, us, {key: value for key, value in body.items() if value is not None})

    error = answer.get_json()["Fault"]["Error"][0]
    assert (answer.status_code, error["code"]) == (400, code)
    assert error["Detail"]
    assert invoice("130")["Balance"] == Decimal("250.00")
    assert quickbooks_data.COMPANIES[qbo.US_REALM]["Payment"] == []


def test_a_foreign_payment_needs_its_rate_and_its_currencys_receivable_account(web, us):
    qbo.create_invoice(qbo.US_REALM, "EUR", Decimal("80.00"))
    euros = changed(CustomerRef={"value": "58"}, CurrencyRef={"value": "EUR"},
                    TotalAmt="80.00", DepositToAccountRef={"value": "92"},
                    ARAccountRef={"value": "101"}, Line=[{"Amount": "80.00", "LinkedTxn": [
                        {"TxnId": "133", "TxnType": "Invoice"}]}])

    no_rate = pay(web, us, euros).get_json()["Fault"]["Error"][0]
    wrong_ar = pay(web, us, {**euros, "ExchangeRate": "1.0856",
                             "ARAccountRef": {"value": "84"}}).get_json()["Fault"]["Error"][0]
    paid = pay(web, us, {**euros, "ExchangeRate": "1.0856"}).get_json()["Payment"]

    assert no_rate["code"] == "2020"  # required parameter missing
    assert wrong_ar["Detail"] == ("Business Validation Error: The transaction needs to be in "
                                  "the same currency as the A/R and A/P accounts you use.")
    assert (paid["ExchangeRate"], invoice("133")["Balance"], invoice("133")["HomeBalance"]) == (
        1.0856, 0, 0)


def test_updates_voids_and_long_requestids_are_refused(web, us):
    void = web.post(f"{US_API}/payment?operation=delete", json={"Id": "1"}, headers=us)
    update = pay(web, us, changed(Id="201", SyncToken="0"))
    too_long = pay(web, us, AMYS, "r" * 51)

    assert [a.get_json()["Fault"]["Error"][0]["code"] for a in (void, update, too_long)] == [
        "500", "500", "2010"]


def test_every_new_answer_is_shaped_as_intuits(web, us):
    schema = load_schema()
    answers = [pay(web, us, AMYS, "rp-1"), pay(web, us, AMYS, "rp-1"),
               *(pay(web, us, {k: v for k, v in body.items() if v is not None})
                 for body, _, _ in WRONG)]
    qbo.force_next("5010")
    answers.append(pay(web, us, AMYS))
    for path in ("invoice/130", "invoice/132", "invoice/999", "account/4", "customer/58",
                 "payment/201"):
        answers.append(web.get(f"{US_API}/{path}?minorversion=75", headers=us))
    for statement in ("SELECT * FROM Invoice", "SELECT * FROM Payment", "SELECT * FROM Customer"):
        answers.append(web.post(f"{US_API}/query", data=statement, headers=us))

    for answer in answers:
        found = problems(schema, answer.request.path, answer.status_code, answer.content_type,
                         answer.get_data(as_text=True))
        assert found == [], answer.request.path


# -- console ---------------------------------------------------------------------------------
def test_the_console_lists_invoices_and_shows_a_balance_drop(web, us):
    before = web.get("/quickbooks/").get_data(as_text=True)
    pay(web, us, AMYS)
    after = web.get("/quickbooks/").get_data(as_text=True)

    assert "Invoices and their balance due" in before
    # 1001, 1002, the two dinar ones K-1001 and K-1002, and the GBP one
    assert before.count("Receive payment</button>") == 5
    assert after.count("Receive payment</button>") == 4
    row = after[after.index('<th scope="row">1001</th>'):].split("</tr>")[0]
    assert "250.00 USD" in row and "0.00 USD" in row and "paid" in row


def test_the_console_receives_a_payment_for_an_invoice(web):
    done = web.post("/quickbooks/sandbox/payments", data={"realm": qbo.US_REALM,
                                                          "invoice": "131"},
                    follow_redirects=True).get_data(as_text=True)
    again = web.post("/quickbooks/sandbox/payments",
                     json={"realm": qbo.US_REALM, "invoice": "131"})
    unknown = web.post("/quickbooks/sandbox/payments",
                       json={"realm": qbo.US_REALM, "invoice": "999"})

    assert "Payment 201 of 120.50 USD received." in done
    assert invoice("131")["Balance"] == 0
    assert again.status_code == 400 and "more than zero" in again.get_json()["error"]
    assert unknown.status_code == 400 and "no invoice 999" in unknown.get_json()["error"]


def test_reset_puts_the_invoices_and_requestids_back(web, us):
    pay(web, us, AMYS, "rp-1")

    qbo.reset()

    assert invoice("130")["Balance"] == Decimal("250.00")
    assert quickbooks_payments.REQUEST_IDS.kept(qbo.US_REALM, "rp-1") is None
