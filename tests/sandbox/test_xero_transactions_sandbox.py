"""The Xero stand-in's money after the payment, through Flask's test client: PUT /ManualJournals,
RECEIVE/SPEND bank transactions, PUT /BankTransfers, PUT /CreditNotes and payments out of them,
GET /Reports/TrialBalance over balances derived from every transaction (realised currency gains
included), create_invoice(), the Idempotency-Key (refusals replayed too), and every answer
checked against Xero's spec. Refusals are asserted by class and the stand-in's constants,
never by Xero wording nobody has seen."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest

import sandbox.xero as xero
from sandbox import xero_api, xero_books, xero_credit_notes, xero_lines, xero_transactions
from sandbox import xero_payment_rules as rules
from sandbox.hosts import to_real
from tests.connectors.xero.spec import SPECS, XeroSpec
from tests.sandbox.test_xero_payments_sandbox import BANK, EURO_BANK, OLD_SAVINGS, SALES
from tests.sandbox.test_xero_sandbox import ACCOUNTING, bearer

SCOPE = ("openid offline_access accounting.settings.read accounting.invoices "
         "accounting.payments accounting.banktransactions accounting.manualjournals "
         "accounting.reports.trialbalance.read")
CLEARING = "b4620d84-ab5f-5ca4-b72d-991005e726d9"  # Stripe Clearing: CURRENT, GBP
FEES = "18f56e04-f5a7-586b-b8f3-486126d9fd57"
RECEIVABLE = "03610530-de0d-5499-8325-d43669e69dde"
YEN_BANK = "1de02e28-64d8-511e-bba6-fcd40641d618"
ROTTERDAM_FIETSEN = "429965e5-2785-5fd8-a09c-b6c3e790757b"
KYOTO_CYCLES = "94f69d90-0c83-5ec0-923a-d8aa106433fd"
DAY = "/Date(1773014400000)/"  # 2026-03-09


@pytest.fixture
def uk():
    return bearer(xero.grant_tokens(SCOPE, [xero.UK_ORG])["access_token"], xero.UK_ORG)


def put(client, headers, entity: str, *items, key: str | None = None):
    """PUT /<entity> with `#1.00#` markers turned into JSON numbers written verbatim."""
    body = json.dumps({entity: list(items)}).replace('"#', "").replace('#"', "")
    extra = {"Idempotency-Key": key} if key else {}
    return client.put(f"{ACCOUNTING}/{entity}", headers=headers | extra, data=body)


def journal(*lines: tuple[str, str], **changes) -> dict:
    return {"Narration": "Stripe fee txn_1", "Date": DAY, "Status": "POSTED",
            "LineAmountTypes": "NoTax",
            "JournalLines": [{"AccountID": account, "LineAmount": f"#{amount}#",
                              "Description": "fee"} for account, amount in lines]} | changes


def bank_transaction(kind: str, *lines: tuple[str, str], bank: str = BANK, **changes) -> dict:
    return {"Type": kind, "Contact": {"Name": "Stripe"}, "BankAccount": {"AccountID": bank},
            "Date": DAY, "Reference": "po_1", "CurrencyCode": "GBP", "LineAmountTypes": "NoTax",
            "LineItems": [{"AccountID": account, "LineAmount": f"#{amount}#",
                           "Description": "entry"} for account, amount in lines]} | changes


def credit_note(amount: str = "100.00", **changes) -> dict:
    return {"Type": "ACCRECCREDIT", "Status": "AUTHORISED",
            "Contact": {"ContactID": ROTTERDAM_FIETSEN}, "Date": DAY, "CurrencyCode": "EUR",
            "CurrencyRate": "#1.162791#", "LineAmountTypes": "NoTax",
            "LineItems": [{"AccountCode": "200", "LineAmount": f"#{amount}#",
                           "Description": "refund"}]} | changes


def refund_payment(credit_note_id: str, amount: str, rate: str = "1.162791") -> dict:
    return {"CreditNote": {"CreditNoteID": credit_note_id}, "Account": {"AccountID": CLEARING},
            "Date": DAY, "Amount": f"#{amount}#", "CurrencyRate": f"#{rate}#",
            "Reference": "re_1"}


def balances() -> dict[str, Decimal]:
    return xero.account_balances(xero.UK_ORG)


def messages(answer) -> list[str]:
    assert answer.status_code == 400 and answer.json["Type"] == "ValidationException"
    return [error["Message"] for element in answer.json["Elements"]
            for error in element["ValidationErrors"]]


def test_a_posted_journal_moves_its_accounts(client, uk):
    answer = put(client, uk, "ManualJournals", journal((FEES, "7.55"), (CLEARING, "-7.55")))

    assert answer.status_code == 200, answer.json
    (created,) = answer.json["ManualJournals"]
    assert [line["AccountCode"] for line in created["JournalLines"]] == ["404", "615"]
    assert (balances()[FEES], balances()[CLEARING]) == (Decimal("7.55"), Decimal("-7.55"))


def test_a_draft_journal_moves_nothing(client, uk):
    put(client, uk, "ManualJournals", journal((FEES, "1.00"), (CLEARING, "-1.00"),
                                             Status="DRAFT"))

    assert balances()[FEES] == 0


@pytest.mark.parametrize(("sent", "expected"), [
    (journal((FEES, "7.55"), (CLEARING, "-7.50")), xero_transactions.UNBALANCED.format(
        "7.55", "7.50")),
    (journal((FEES, "7.55")), xero_transactions.TWO_LINES),
    (journal((FEES, "1.00"), (RECEIVABLE, "-1.00")), xero_transactions.SYSTEM_ACCOUNT.format(
        "610")),
    (journal((FEES, "1.00"), (OLD_SAVINGS, "-1.00")),
     "Account code 'cc5d5d28-cfbb-5970-ab1d-afebd8ce4680' has been archived, or is invalid."),
    (journal((FEES, "1.00"), (CLEARING, "-1.00"), Narration=""), xero_transactions.NO_NARRATION),
])
def test_journals_xero_refuses_record_nothing(client, uk, sent, expected):
    answer = put(client, uk, "ManualJournals", sent)

    assert expected in messages(answer)
    assert balances()[FEES] == 0


def test_a_journal_in_a_locked_period_is_refused(client, uk):
    xero.lock_period(xero.UK_ORG, date(2026, 3, 31))

    answer = put(client, uk, "ManualJournals", journal((FEES, "1.00"), (CLEARING, "-1.00")))

    assert rules.LOCKED in messages(answer)


def test_the_same_key_replays_the_first_answer_refusal_included(client, uk):
    good = journal((FEES, "1.00"), (CLEARING, "-1.00"))
    first = put(client, uk, "ManualJournals", good, key="k-1")
    again = put(client, uk, "ManualJournals", good, key="k-1")
    refused = put(client, uk, "ManualJournals", journal((FEES, "1.00")), key="k-2")
    corrected = put(client, uk, "ManualJournals", good, key="k-2")

    assert first.get_data() == again.get_data()
    assert balances()[FEES] == Decimal("1.00")  # once
    assert refused.status_code == corrected.status_code == 400  # a refused key stays refused
    assert corrected.get_data() == refused.get_data()


def test_a_payout_receive_takes_negative_lines_when_its_total_is_positive(client, uk):
    answer = put(client, uk, "BankTransactions",
                 bank_transaction("RECEIVE", (CLEARING, "242.45"), (CLEARING, "-20.00")))

    assert answer.status_code == 200, answer.json
    (created,) = answer.json["BankTransactions"]
    assert (created["Total"], created["Contact"]["Name"]) == (222.45, "Stripe")
    assert balances()[CLEARING] == Decimal("-222.45")
    assert balances()[BANK] == Decimal("297.45")  # 75.00 seeded (INV-0004) + the payout


@pytest.mark.parametrize(("sent", "expected"), [
    (bank_transaction("RECEIVE", (CLEARING, "10.00"), (CLEARING, "-10.00")),
     xero_transactions.NOT_POSITIVE_TOTAL),
    (bank_transaction("SPEND", (FEES, "5.00"), bank=CLEARING), xero_transactions.NOT_BANK),
    (bank_transaction("SPEND", (FEES, "5.00"), bank=EURO_BANK),
     xero_transactions.WRONG_CURRENCY),
    (bank_transaction("SPEND", (EURO_BANK, "5.00")), xero_transactions.BANK_LINE),
    (bank_transaction("SPEND", (FEES, "5.00"), Contact={}), xero_transactions.NO_CONTACT),
    (bank_transaction("SPEND", (SALES, "5.00"), CurrencyRate="#0#"), xero_lines.NO_RATE),
])
def test_bank_transactions_xero_refuses_record_nothing(client, uk, sent, expected):
    answer = put(client, uk, "BankTransactions", sent)

    assert expected in messages(answer)
    assert balances()[BANK] == Decimal("75.00")


def test_a_yen_spend_converts_to_pounds_at_its_rate(client, uk):
    put(client, uk, "BankTransactions", bank_transaction(
        "SPEND", (CLEARING, "29700"), bank=YEN_BANK, CurrencyCode="JPY",
        CurrencyRate="#191.25#"))

    assert balances()[YEN_BANK] == Decimal("-155.29")
    assert balances()[CLEARING] == Decimal("155.29")


def test_a_transfer_moves_between_two_banks_of_one_currency(client, uk):
    stripe_bank = xero.add_bank_account(xero.UK_ORG, "Stripe GBP", "GBP", "095")
    sent = {"FromBankAccount": {"AccountID": stripe_bank}, "ToBankAccount": {"AccountID": BANK},
            "Amount": "#50.00#", "Date": DAY, "Reference": "po_1"}

    answer = put(client, uk, "BankTransfers", sent)
    refused = put(client, uk, "BankTransfers", sent | {"ToBankAccount": {"AccountID": EURO_BANK}})

    assert answer.status_code == 200, answer.json
    assert (balances()[stripe_bank], balances()[BANK]) == (Decimal("-50.00"), Decimal("125.00"))
    assert xero_transactions.TRANSFER_CURRENCY in messages(refused)


def test_a_credit_note_paid_out_is_a_refund_at_its_rate(client, uk):
    created = put(client, uk, "CreditNotes", credit_note()).json["CreditNotes"][0]
    paid = put(client, uk, "Payments", refund_payment(created["CreditNoteID"], "100.00"))

    (payment,) = paid.json["Payments"]
    assert (payment["PaymentType"], payment["CreditNote"]["Status"]) == ("ARCREDITPAYMENT", "PAID")
    assert (created["RemainingCredit"], created["CurrencyCode"]) == (100.0, "EUR")
    assert balances()[CLEARING] == Decimal("-86.00")


def test_no_more_than_the_remaining_credit_is_paid_out(client, uk):
    created = put(client, uk, "CreditNotes", credit_note()).json["CreditNotes"][0]
    put(client, uk, "Payments", refund_payment(created["CreditNoteID"], "60.00"))

    answer = put(client, uk, "Payments", refund_payment(created["CreditNoteID"], "40.01"))

    assert rules.EXCEEDS in messages(answer)
    assert balances()[CLEARING] == Decimal("-51.60")  # 60 EUR only


@pytest.mark.parametrize(("changes", "expected"), [
    ({"Type": "ACCPAYCREDIT"}, xero_credit_notes.ONLY_SALES),
    ({"Contact": {"ContactID": str(uuid.UUID(int=0))}}, xero_credit_notes.NO_CONTACT),
    ({"CurrencyCode": "CHF"}, xero_credit_notes.CURRENCY.format("CHF")),
    ({"LineItems": [{"AccountID": BANK, "LineAmount": "#5.00#"}]}, xero_credit_notes.BANK_LINE),
    ({"LineItems": [{"AccountCode": "200", "LineAmount": "#-5.00#"}]},
     xero_credit_notes.NOT_POSITIVE),
])
def test_credit_notes_xero_refuses(client, uk, changes, expected):
    assert expected in messages(put(client, uk, "CreditNotes", credit_note(**changes)))


UNPRICED = {"AccountCode": "200", "Description": "no amount"}  # neither LineAmount nor UnitAmount


@pytest.mark.parametrize(("entity", "sent"), [
    ("BankTransactions", bank_transaction("SPEND", (FEES, "5.00"))),
    ("CreditNotes", credit_note()),
], ids=["bank-transaction", "credit-note"])
def test_a_line_without_an_amount_is_refused_even_when_the_total_is_positive(client, uk,
                                                                              entity, sent):
    """Both writes refuse it alike (a ValidationException, nothing saved), never a 500."""
    before = balances()
    sent = {**sent, "LineItems": [*sent["LineItems"], UNPRICED]}

    assert messages(put(client, uk, entity, sent))  # 400, ValidationException, a message
    assert balances() == before


def test_a_foreign_payment_at_another_rate_books_the_realised_gain(client, uk):
    """INV-0003: 480.00 EUR at 1.183221 (405.67 GBP receivable) paid at 1.162791: 412.80
    received, 7.13 realised gain on the system account the stand-in adds."""
    put(client, uk, "Payments", {"Invoice": {"InvoiceID": xero.INVOICE_IDS["INV-0003"]},
                                 "Account": {"AccountID": CLEARING}, "Date": DAY,
                                 "Amount": "#480.00#", "CurrencyRate": "#1.162791#"})

    gains = xero_books.gains_account(_org())["AccountID"]
    assert balances()[CLEARING] == Decimal("412.80")
    assert balances()[gains] == Decimal("-7.13")
    assert sum(balances().values()) == 0  # the books balance


def test_a_payment_at_the_invoices_own_rate_books_no_gain(client, uk):
    put(client, uk, "Payments", {"Invoice": {"InvoiceID": xero.INVOICE_IDS["INV-0003"]},
                                 "Account": {"AccountID": CLEARING}, "Date": DAY,
                                 "Amount": "#480.00#", "CurrencyRate": "#1.183221#"})

    assert not any(account.get("SystemAccount") == xero_books.GAINS_SYSTEM_ACCOUNT
                   for account in _org()["Accounts"])
    assert balances()[CLEARING] == Decimal("405.67")


def test_invoices_made_in_bulk_are_payable_and_in_the_books(client, uk):
    made = [xero.create_invoice(xero.UK_ORG, KYOTO_CYCLES, "JPY", Decimal(amount))
            for amount in ("1200", "3400")]

    answer = put(client, uk, "Payments", {"Invoice": {"InvoiceID": made[1]["InvoiceID"]},
                                          "Account": {"AccountID": YEN_BANK}, "Date": DAY,
                                          "Amount": "#3400#", "CurrencyRate": "#191.254300#"})
    got = client.get(f"{ACCOUNTING}/Invoices/{made[0]['InvoiceID']}", headers=uk)

    assert answer.status_code == 200, answer.json
    assert got.json["Invoices"][0]["AmountDue"] == 1200
    assert made[0]["LineItems"][0]["AccountCode"] == "200"
    assert balances()[YEN_BANK] == Decimal("17.78")  # 3,400 yen at 191.2543


def test_the_trial_balance_reports_the_books(client, uk):
    put(client, uk, "ManualJournals", journal((FEES, "7.55"), (CLEARING, "-7.55")))

    answer = client.get(f"{ACCOUNTING}/Reports/TrialBalance", headers=uk)

    rows = {row["Cells"][0]["Attributes"][0]["Value"]: [cell["Value"] for cell in row["Cells"]]
            for section in answer.json["Reports"][0]["Rows"][1:] for row in section["Rows"]}
    assert rows[FEES][1:] == ["7.55", "", "7.55", ""]
    assert rows[CLEARING][1:] == ["", "7.55", "", "7.55"]


def test_the_trial_balance_needs_its_scope(client):
    headers = bearer(xero.grant_tokens("openid accounting.settings.read",
                                       [xero.UK_ORG])["access_token"], xero.UK_ORG)

    assert client.get(f"{ACCOUNTING}/Reports/TrialBalance", headers=headers).status_code == 403


def test_answers_match_xeros_spec(client, uk):
    if not SPECS.is_dir():
        pytest.skip(f"Xero's OpenAPI documents not found at {SPECS}")
    spec = XeroSpec()
    note = put(client, uk, "CreditNotes", credit_note())
    answers = [
        ("PUT", "ManualJournals", put(client, uk, "ManualJournals",
                                      journal((FEES, "1.00"), (CLEARING, "-1.00")))),
        ("PUT", "ManualJournals", put(client, uk, "ManualJournals", journal((FEES, "1.00")))),
        ("PUT", "BankTransactions", put(client, uk, "BankTransactions",
                                        bank_transaction("SPEND", (FEES, "1.00")))),
        ("PUT", "CreditNotes", note),
        ("PUT", "Payments", put(client, uk, "Payments", refund_payment(
            note.json["CreditNotes"][0]["CreditNoteID"], "10.00"))),
        ("GET", "Reports/TrialBalance", client.get(f"{ACCOUNTING}/Reports/TrialBalance",
                                                   headers=uk)),
    ]
    for method, entity, answer in answers:
        headers = {name.lower(): value for name, value in answer.headers.items()}
        real = to_real(f"http://localhost{ACCOUNTING}/{entity}", "http://localhost")
        assert spec.problems(method, real, answer.status_code, headers | {
            "xero-tenant-id": xero.UK_ORG}, answer.get_data()) == [], (method, entity)


def _org() -> dict:
    return xero_api.organisations()[xero.UK_ORG]
