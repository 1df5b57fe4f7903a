"""The Intuit stand-in's JournalEntry, Deposit, Transfer and RefundReceipt creates, account balances
derived from every transaction, realised FX on foreign payments, and its yen and dinar
invoices, through the Flask test client. Refusals are asserted by fault code: the reasons are
the stand-in's words, not Intuit's."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

import sandbox.quickbooks as qbo
from sandbox import quickbooks_data, quickbooks_payments
from tests.connectors.quickbooks.shapes import load_schema, problems
from tests.sandbox.quickbooks_client import seeded_client

US_API = f"/quickbooks/api/v3/company/{qbo.US_REALM}"
GB_API = f"/quickbooks/api/v3/company/{qbo.SINGLE_CURRENCY_REALM}"
CLEARING, CHECKING, SAVINGS, BANK_CHARGES, EXCHANGE = "95", "35", "36", "8", "94"
EURO_BANK, SERVICES, INCOME = "92", "1", "1"


def journal_line(posting: str, account: str, amount: str) -> dict:
    return {"Description": "Stripe fee", "Amount": amount, "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {"PostingType": posting, "AccountRef": {"value": account}}}


FEE = {"TxnDate": "2026-01-20", "CurrencyRef": {"value": "USD"}, "DocNumber": "txn_1",
       "PrivateNote": "Stripe fee", "Line": [journal_line("Debit", BANK_CHARGES, "3.20"),
                                             journal_line("Credit", CLEARING, "3.20")]}


def deposit_line(amount: str, account: str = CLEARING) -> dict:
    return {"Description": "ch_1", "Amount": amount, "DetailType": "DepositLineDetail",
            "DepositLineDetail": {"AccountRef": {"value": account}}}


PAYOUT = {"DepositToAccountRef": {"value": CHECKING}, "TxnDate": "2026-01-22",
          "CurrencyRef": {"value": "USD"}, "PrivateNote": "po_1",
          "Line": [deposit_line("100.00"), deposit_line("-3.20")]}
BACK = {"FromAccountRef": {"value": CHECKING}, "ToAccountRef": {"value": CLEARING},
        "Amount": "96.80", "TxnDate": "2026-01-23", "CurrencyRef": {"value": "USD"}}


def refund_body(customer: str, currency: str, amount: str, account: str = CLEARING,
                rate: str | None = None, item: str = SERVICES) -> dict:
    body = {"CustomerRef": {"value": customer}, "CurrencyRef": {"value": currency},
            "DepositToAccountRef": {"value": account}, "TxnDate": "2026-01-25",
            "PaymentRefNum": "re_1", "PrivateNote": "Stripe refund",
            "Line": [{"Description": "Refund", "Amount": amount,
                      "DetailType": "SalesItemLineDetail",
                      "SalesItemLineDetail": {"ItemRef": {"value": item}}}]}
    if rate:
        body["ExchangeRate"] = rate
    return body


def payment_body(customer: str, currency: str, invoice: str, amount: str, account: str,
                 receivable: str, rate: str | None = None) -> dict:
    body = {"CustomerRef": {"value": customer}, "TotalAmt": amount,
            "CurrencyRef": {"value": currency}, "DepositToAccountRef": {"value": account},
            "ARAccountRef": {"value": receivable}, "TxnDate": "2026-01-20",
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": invoice, "TxnType": "Invoice"}]}]}
    if rate:
        body["ExchangeRate"] = rate
    return body


@pytest.fixture
def web():
    yield from seeded_client()


@pytest.fixture
def us():
    return {"Authorization": "Bearer " + qbo.issue_tokens(qbo.US_REALM)["access_token"]}


def create(web, bearer, entity: str, body: dict, request_id: str | None = None, api=US_API):
    suffix = f"&requestid={request_id}" if request_id else ""
    return web.post(f"{api}/{entity}?minorversion=75{suffix}", json=body, headers=bearer)


def fault_code(answer) -> str:
    assert answer.status_code == 400
    error = answer.get_json()["Fault"]["Error"][0]
    assert error["Detail"]
    return error["code"]


def balance(account_id: str, realm: str = qbo.US_REALM) -> Decimal:
    return qbo.account_balance(realm, account_id)


def stored(entity: str) -> list[dict]:
    return quickbooks_data.COMPANIES[qbo.US_REALM][entity]


# -- the money cycle ----------------------------------------------------------------------------
def test_payment_fee_and_payout_leave_the_clearing_account_at_zero(web, us):
    paid = quickbooks_payments.create(qbo.US_REALM, payment_body(
        "1", "USD", "130", "100.00", CLEARING, "84"))
    fee = create(web, us, "journalentry", FEE, "fee-1").get_json()["JournalEntry"]
    deposit = create(web, us, "deposit", PAYOUT, "po-1").get_json()["Deposit"]

    assert (paid["Id"], fee["Id"], deposit["Id"]) == ("201", "301", "401")
    assert (fee["TotalAmt"], deposit["TotalAmt"]) == (3.2, 96.8)
    assert balance(CLEARING) == 0
    assert balance(CHECKING) == Decimal("12596.80")
    assert balance(BANK_CHARGES) == Decimal("3.20")


def test_a_failed_payout_transferred_back_restores_clearing(web, us):
    quickbooks_payments.create(qbo.US_REALM, payment_body("1", "USD", "130", "100.00",
                                                          CLEARING, "84"))
    create(web, us, "journalentry", FEE)
    create(web, us, "deposit", PAYOUT)

    moved = create(web, us, "transfer", BACK, "po-1-failed").get_json()["Transfer"]

    assert (moved["Id"], moved["Amount"], moved["FromAccountRef"]["name"]) == (
        "501", 96.8, "Checking")
    assert balance(CLEARING) == Decimal("96.80")
    assert balance(CHECKING) == Decimal("12500.00")


def test_balances_are_answered_by_reads_and_queries(web, us):
    create(web, us, "transfer", BACK)

    read = web.get(f"{US_API}/account/{CLEARING}?minorversion=75", headers=us).get_json()
    page = web.post(f"{US_API}/query", data="SELECT * FROM Account WHERE Id = '35'",
                    headers=us).get_json()

    assert read["Account"]["CurrentBalance"] == 96.8
    assert page["QueryResponse"]["Account"][0]["CurrentBalance"] == 12403.2


def test_a_sub_accounts_movements_count_in_its_parents_balance_with_sub_accounts(web, us):
    create(web, us, "transfer", {**BACK, "FromAccountRef": {"value": "37"}, "Amount": "50.00"})

    petty, checking = (quickbooks_data.find(qbo.US_REALM, "Account", i) for i in ("37", "35"))

    assert (petty["CurrentBalance"], petty["CurrentBalanceWithSubAccounts"]) == (100, 100)
    assert (checking["CurrentBalance"], checking["CurrentBalanceWithSubAccounts"]) == (
        Decimal("12500.00"), Decimal("12450.00"))


# -- requestid ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("entity", "body"), [
    ("journalentry", FEE), ("deposit", PAYOUT), ("transfer", BACK),
    ("refundreceipt", refund_body("1", "USD", "10.00"))])
def test_the_same_requestid_answers_the_first_create_again(web, us, entity, body):
    first = create(web, us, entity, body, "key-1")
    again = create(web, us, entity, body, "key-1")
    other = create(web, us, entity, body, "key-2")

    assert first.status_code == again.status_code == other.status_code == 200
    assert first.get_data() == again.get_data()
    assert first.get_data() != other.get_data()
    assert len(stored(_name(entity))) == 2


def _name(entity: str) -> str:
    return qbo.WRITABLE[entity]


def test_a_refusal_and_a_stale_object_are_kept_for_their_requestid(web, us):
    unbalanced = copy.deepcopy(FEE)
    unbalanced["Line"][1]["Amount"] = "3.00"
    refused = create(web, us, "journalentry", unbalanced, "fee-1")
    replayed = create(web, us, "journalentry", FEE, "fee-1")  # corrected, same key
    qbo.force_next("5010")
    stale = create(web, us, "deposit", PAYOUT, "po-1")
    stale_again = create(web, us, "deposit", PAYOUT, "po-1")

    assert fault_code(refused) == fault_code(replayed) == "6000"
    assert fault_code(stale) == fault_code(stale_again) == "5010"
    assert stored("JournalEntry") == stored("Deposit") == []
    assert create(web, us, "journalentry", FEE, "fee-2").status_code == 200


# -- what QuickBooks refuses -------------------------------------------------------------------
def _with(body: dict, **fields) -> dict:
    changed = copy.deepcopy(body)
    changed.update(fields)
    return changed


REFUSED = [
    ("journalentry", _with(FEE, Line=[journal_line("Debit", BANK_CHARGES, "3.20"),
                                      journal_line("Credit", CLEARING, "3.00")]), "6000",
     "unbalanced"),
    ("journalentry", _with(FEE, Line=[journal_line("Debit", BANK_CHARGES, "3.20"),
                                      journal_line("Credit", "999", "3.20")]), "2500",
     "unknown account"),
    ("journalentry", _with(FEE, Line=[journal_line("Debit", BANK_CHARGES, "3.20"),
                                      journal_line("Credit", "38", "3.20")]), "2500",
     "inactive account"),
    ("journalentry", _with(FEE, Line=[journal_line("Debit", BANK_CHARGES, "3.20"),
                                      journal_line("Credit", EURO_BANK, "3.20")]), "6000",
     "account in another currency"),
    ("journalentry", _with(FEE, Line=[journal_line("Debit", BANK_CHARGES, "3.20"),
                                      journal_line("Credit", "84", "3.20")]), "6000",
     "receivable without a customer"),
    ("journalentry", _with(FEE, Line=[journal_line("Debit", BANK_CHARGES, "-3.20"),
                                      journal_line("Credit", CLEARING, "-3.20")]), "6000",
     "negative amounts"),
    ("journalentry", _with(FEE, Line=[journal_line("Both", BANK_CHARGES, "3.20")]), "2010",
     "unknown posting type"),
    ("journalentry", _with(FEE, Colour="red"), "2010", "unknown property"),
    ("journalentry", {k: v for k, v in FEE.items() if k != "CurrencyRef"}, "2020",
     "no currency in a multicurrency company"),
    ("deposit", _with(PAYOUT, DepositToAccountRef={"value": INCOME}), "6000",
     "deposit to an income account"),
    ("deposit", {k: v for k, v in PAYOUT.items() if k != "DepositToAccountRef"}, "2020",
     "no deposit account"),
    ("deposit", _with(PAYOUT, Line=[deposit_line("-3.20")]), "6000", "negative total"),
    ("deposit", _with(PAYOUT, Line=[deposit_line("10.00", CHECKING)]), "6000",
     "from the account deposited to"),
    ("deposit", _with(PAYOUT, Line=[]), "2020", "no lines"),
    ("transfer", _with(BACK, ToAccountRef={"value": INCOME}), "6000", "to an income account"),
    ("transfer", _with(BACK, ToAccountRef={"value": "84"}), "6000", "to the receivable"),
    ("transfer", _with(BACK, ToAccountRef={"value": CHECKING}), "6000", "to itself"),
    ("transfer", _with(BACK, Amount="0"), "6000", "nothing"),
    ("refundreceipt", refund_body("1", "USD", "10.00", item="999"), "2500", "unknown item"),
    ("refundreceipt", refund_body("1", "USD", "10.00", account=INCOME), "6000",
     "out of an income account"),
    ("refundreceipt", refund_body("58", "USD", "10.00"), "6000",
     "not the customer's currency"),
    ("refundreceipt", refund_body("1", "USD", "10.00", account=EURO_BANK), "6000",
     "out of an account in another currency"),
    ("refundreceipt", refund_body("999", "USD", "10.00"), "2500", "unknown customer"),
    ("refundreceipt", refund_body("60", "JPY", "100.5", rate="0.0067"), "2010",
     "a fraction of a yen"),
    ("refundreceipt", refund_body("61", "KWD", "1.2345", rate="3.25"), "2010",
     "a fraction of a fils"),
    ("refundreceipt", refund_body("58", "EUR", "10.00"), "2020", "a foreign refund with no rate"),
]


@pytest.mark.parametrize(("entity", "body", "code"), [case[:3] for case in REFUSED],
                         ids=[case[3] for case in REFUSED])
def test_what_quickbooks_refuses_is_a_fault_and_changes_nothing(web, us, entity, body, code):
    before = balance(CLEARING), balance(CHECKING)

    assert fault_code(create(web, us, entity, body)) == code
    assert stored(_name(entity)) == []
    assert (balance(CLEARING), balance(CHECKING)) == before


def test_a_closed_period_refuses_a_journal_dated_in_it(web, us):
    qbo.close_books(qbo.US_REALM, date(2026, 1, 31))

    assert fault_code(create(web, us, "journalentry", FEE)) == "6200"
    assert stored("JournalEntry") == []


def test_a_single_currency_company_takes_a_journal_without_currency(web):
    gb = {"Authorization": "Bearer " + qbo.issue_tokens(qbo.SINGLE_CURRENCY_REALM)[
        "access_token"]}
    body = {"TxnDate": "2026-01-20", "Line": [journal_line("Debit", "8", "2.00"),
                                              journal_line("Credit", "35", "2.00")]}

    saved = create(web, gb, "journalentry", body, api=GB_API).get_json()["JournalEntry"]

    assert saved["CurrencyRef"]["value"] == "GBP" and "ExchangeRate" not in saved
    assert balance("35", qbo.SINGLE_CURRENCY_REALM) == Decimal("2198.00")


# -- foreign currencies ------------------------------------------------------------------------
def test_a_foreign_payment_into_the_home_clearing_account_books_the_realised_gain(web, us):
    made = qbo.create_invoice(qbo.US_REALM, "EUR", Decimal("80.00"))  # at 1.0856: 86.85
    body = payment_body("58", "EUR", made["Id"], "80.00", CLEARING, "101", rate="1.1")

    paid = quickbooks_payments.create(qbo.US_REALM, body)

    assert paid["DepositToAccountRef"] == {"value": CLEARING}
    assert balance(CLEARING) == Decimal("88.00")
    assert balance(EXCHANGE) == Decimal("-1.15")  # a gain: the expense account goes down
    assert balance("101") == 0  # the euro receivable is settled in euros


def test_a_foreign_payment_at_a_lower_rate_books_a_loss_whatever_the_account(web, us):
    made = qbo.create_invoice(qbo.US_REALM, "EUR", Decimal("80.00"))
    quickbooks_payments.create(qbo.US_REALM, payment_body(
        "58", "EUR", made["Id"], "80.00", EURO_BANK, "101", rate="1.05"))

    assert balance(EURO_BANK) == Decimal("3180.00")  # the euro account takes euros
    assert balance(EXCHANGE) == Decimal("2.85")  # 86.85 - 84.00


def test_a_euro_refund_receipt_out_of_the_euro_account_at_its_own_rate(web, us):
    made = qbo.create_invoice(qbo.US_REALM, "EUR", Decimal("80.00"))
    quickbooks_payments.create(qbo.US_REALM, payment_body(
        "58", "EUR", made["Id"], "80.00", EURO_BANK, "101", rate="1.0856"))
    services = balance(INCOME)

    saved = create(web, us, "refundreceipt", refund_body(
        "58", "EUR", "30.00", account=EURO_BANK, rate="1.0912")).get_json()["RefundReceipt"]

    assert (saved["TotalAmt"], saved["HomeTotalAmt"], saved["Balance"]) == (30.0, 32.74, 0)
    assert saved["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": "1",
                                                                   "name": "Services"}
    assert balance(EURO_BANK) == Decimal("3150.00")
    assert balance(INCOME) == services - Decimal("32.74")  # the sale reduced at home


def test_yen_stay_whole_and_convert_to_the_cent_on_a_dollar_account(web, us):
    made = qbo.create_invoice(qbo.US_REALM, "JPY", Decimal("5000"), customer_id="60")
    quickbooks_payments.create(qbo.US_REALM, payment_body(
        "60", "JPY", made["Id"], "5000", CLEARING, made["ARAccountRef"]["value"],
        rate="0.006698"))
    saved = create(web, us, "refundreceipt", refund_body(
        "60", "JPY", "2000", rate="0.006705")).get_json()["RefundReceipt"]

    assert (made["TotalAmt"], made["HomeTotalAmt"]) == (Decimal("5000"), Decimal("33.56"))
    assert (saved["TotalAmt"], saved["HomeTotalAmt"]) == (2000, 13.41)
    assert balance(CLEARING) == Decimal("20.08")  # 33.49 in, 13.41 out


def test_the_seed_has_dinar_invoices_on_a_dinar_receivable(web, us):
    first = web.get(f"{US_API}/invoice/127?minorversion=75", headers=us).get_json()["Invoice"]
    made = qbo.create_invoice(qbo.US_REALM, "KWD", Decimal("12.345"),
                              txn_date=date(2026, 1, 28))

    assert (first["DocNumber"], first["TotalAmt"], first["CurrencyRef"]["value"],
            first["ARAccountRef"]["value"], first["ExchangeRate"]) == (
        "K-1001", 150.25, "KWD", "96", 3.2573)
    assert (made["Id"], made["DocNumber"], made["TxnDate"], made["DueDate"]) == (
        "133", "1004", "2026-01-28", "2026-02-27")
    assert balance("96") == Decimal("237.720")  # 150.250 + 75.125 + 12.345


def test_create_invoice_refuses_what_quickbooks_would_not_save(web):
    cases = [("JPY", Decimal("100.5"), None), ("KWD", Decimal("1.2345"), None),
             ("USD", Decimal("10.00"), "58"), ("USD", Decimal("0"), None)]
    for currency, amount, customer in cases:
        with pytest.raises(ValueError):
            qbo.create_invoice(qbo.US_REALM, currency, amount, customer_id=customer)
    with pytest.raises(LookupError):
        qbo.create_invoice(qbo.US_REALM, "USD", Decimal("10.00"), customer_id="999")


def test_invoices_for_a_simulated_month_in_bulk(web):
    made = [qbo.create_invoice(qbo.US_REALM, "USD", Decimal("10.00") + day,
                               customer_id="2", txn_date=date(2026, 3, day))
            for day in range(1, 31)]

    assert [m["DocNumber"] for m in made[:2]] == ["1004", "1005"]
    assert {m["CustomerRef"]["value"] for m in made} == {"2"}
    assert balance("84") == Decimal("5281.52") + sum(m["TotalAmt"] for m in made)


def test_a_multicurrency_seed_without_an_exchange_account_gets_one():
    company = copy.deepcopy(quickbooks_data.COMPANIES[qbo.US_REALM])
    company["Account"] = [a for a in company["Account"] if a["Id"] != EXCHANGE]

    quickbooks_data._with_exchange_account(company)

    (made,) = [a for a in company["Account"] if a["AccountSubType"] == "ExchangeGainOrLoss"]
    assert (made["Name"], made["AccountType"], made["CurrencyRef"]["value"]) == (
        "Exchange Gain or Loss", "Other Expense", "USD")


# -- shapes --------------------------------------------------------------------------------------
def test_every_new_answer_is_shaped_as_intuits(web, us):
    schema = load_schema()
    made = qbo.create_invoice(qbo.US_REALM, "EUR", Decimal("80.00"))
    answers = [create(web, us, "journalentry", FEE, "k-1"), create(web, us, "journalentry", FEE,
                                                                    "k-1"),
               create(web, us, "deposit", PAYOUT), create(web, us, "transfer", BACK),
               create(web, us, "refundreceipt", refund_body("58", "EUR", "30.00", EURO_BANK,
                                                            "1.0912")),
               *(create(web, us, entity, body) for entity, body, *_ in REFUSED)]
    for path in ("journalentry/301", "deposit/401", "transfer/501", "refundreceipt/601",
                 "item/1", f"invoice/{made['Id']}", "invoice/127", "account/96"):
        answers.append(web.get(f"{US_API}/{path}?minorversion=75", headers=us))
    for statement in ("SELECT * FROM JournalEntry", "SELECT * FROM Deposit",
                      "SELECT * FROM Transfer", "SELECT * FROM RefundReceipt",
                      "SELECT * FROM Item", "SELECT * FROM Account"):
        answers.append(web.post(f"{US_API}/query", data=statement, headers=us))

    for answer in answers:
        found = problems(schema, answer.request.path, answer.status_code, answer.content_type,
                         answer.get_data(as_text=True))
        assert found == [], answer.request.path
    assert all(answer.status_code == 200 for answer in answers[-14:])
