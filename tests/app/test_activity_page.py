"""Activity in the bookkeeper's terms: invoice numbers and customers (never a ledger call per
row), amounts as each language writes them, the gateway's and the ledger's page of every
posting, a status filter, and keyset paging newest first."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from flask_babel import refresh
from sqlalchemy import select

import sandbox.stripe
import sandbox.xero
from addon.extensions import db
from addon.models import Company, Gateway, GatewayStatus, Posting, WorkStatus
from addon.posting.engine import idempotency_key
from tests.app.payment_flow import company_with_stripe, xero_company_with_stripe
from tests.app.postings_flow import deliver, one, paid
from tests.app.reconcile_data import member, sign_in

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def text(answer) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True))))


def company(platform: str = "quickbooks", name: str = "Maple Books") -> tuple[Company, Gateway]:
    found = Company(platform=platform, external_id=f"{platform}-1", name=name,
                    home_currency="USD", currencies=["USD", "JPY"])
    gateway = Gateway(company=found, kind="stripe", description="Stripe.com",
                      status=GatewayStatus.ACTIVE, account_id="acct_activity1", livemode=False)
    db.session.add_all([found, gateway])
    db.session.commit()
    return found, gateway


def add(gateway: Gateway, kind: str, source: str, *, status=WorkStatus.DONE, amount=1000,
        currency="USD", ledger=None, payload=None, at=T0) -> Posting:
    posting = Posting(company_id=gateway.company_id, gateway_id=gateway.id, kind=kind,
                      source_id=source, amount_minor=amount, currency=currency, status=status,
                      ledger_object_id=ledger, payload=payload, created_at=at,
                      idempotency_key=idempotency_key(gateway.company_id, kind, source, 1))
    db.session.add(posting)
    return posting


@pytest.fixture
def signed_in(app, client):
    def sign(found: Company, language: str | None = None):
        sign_in(client, member(found, f"user-{found.id}"), found, language)
        refresh()
        return client
    yield sign
    refresh()


def rows_of(answer) -> list[str]:
    """The source ids of the rows shown, in order (every row links its gateway object)."""
    html = answer.get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'class="object-id">(p_\d+)<', body)


def link(answer, name: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*>{name}<', answer.get_data(as_text=True))
    return unescape(found.group(1)) if found else None


STATUSES = [WorkStatus.DONE, WorkStatus.FAILED, WorkStatus.PENDING, WorkStatus.IGNORED,
            WorkStatus.UNMATCHED, WorkStatus.DONE]


def test_120_postings_are_paged_newest_first_and_filtered_by_status(signed_in):
    found, gateway = company()
    for n in range(120):  # 20 minutes apart; every tenth pair shares its second
        add(gateway, "payment", f"p_{n:03d}", status=STATUSES[n % 6],
            at=T0 + timedelta(minutes=20 * (n // 2 * 2 if n % 10 < 2 else n)))
    db.session.commit()
    client = signed_in(found)
    order = [p.source_id for p in db.session.scalars(select(Posting).order_by(
        Posting.created_at.desc(), Posting.id.desc()))]

    first = client.get("/activity")
    assert rows_of(first) == order[:50]
    assert link(first, "Newer") is None
    second = client.get(link(first, "Older"))
    assert rows_of(second) == order[50:100]
    third = client.get(link(second, "Older"))
    assert rows_of(third) == order[100:] and link(third, "Older") is None
    back = client.get(link(third, "Newer"))
    assert rows_of(back) == order[50:100]
    assert rows_of(client.get(link(back, "Newer"))) == order[:50]

    attention = client.get("/activity?status=attention")
    wanted = [p for p in order if STATUSES[int(p[2:]) % 6] in (WorkStatus.FAILED,
                                                               WorkStatus.PENDING)]
    assert len(wanted) == 40 and rows_of(attention) == wanted
    assert 'aria-current="page">Needs attention' in attention.get_data(as_text=True)
    assert "Needs attention (40)" in text(attention) and "All (120)" in text(attention)
    recorded = client.get("/activity?status=recorded")
    assert len(rows_of(recorded)) == 40 and link(recorded, "Older") is None
    for name, status in (("ignored", WorkStatus.IGNORED), ("unmatched", WorkStatus.UNMATCHED)):
        shown = rows_of(client.get(f"/activity?status={name}"))
        assert shown == [p for p in order if STATUSES[int(p[2:]) % 6] is status]
    assert rows_of(client.get("/activity?status=nonsense")) == order[:50]
    assert rows_of(client.get("/activity?before=not-a-cursor")) == order[:50]


def test_a_filtered_page_keeps_its_filter_in_older_and_newer(signed_in):
    found, gateway = company()
    for n in range(60):
        add(gateway, "payment", f"p_{n:03d}", status=WorkStatus.FAILED if n % 2 else
            WorkStatus.DONE, at=T0 + timedelta(minutes=n))
    for n in range(60, 120):
        add(gateway, "payment", f"p_{n:03d}", status=WorkStatus.FAILED,
            at=T0 + timedelta(minutes=n))
    db.session.commit()
    client = signed_in(found)
    first = client.get("/activity?status=attention")
    older = link(first, "Older")
    assert "status=attention" in older
    second = client.get(older)
    assert len(rows_of(second)) == 40
    assert {p.status for p in db.session.scalars(select(Posting).where(
        Posting.source_id.in_(rows_of(second))))} == {WorkStatus.FAILED}
    assert "status=attention" in link(second, "Newer")


@pytest.mark.parametrize(("language", "usd", "jpy"), [
    ("en", "12,345.67 USD", "36,000 JPY"),
    ("fr", "12\u202f345,67 USD", "36\u202f000 JPY"),
])
def test_amounts_are_written_as_the_language_writes_them(signed_in, language, usd, jpy):
    found, gateway = company()
    add(gateway, "payment", "p_001", amount=1234567)
    add(gateway, "payment", "p_002", amount=36000, currency="JPY", at=T0 + timedelta(1))
    db.session.commit()
    page = signed_in(found, language).get("/activity").get_data(as_text=True)
    assert f'class="amount">{usd}<' in page and f'class="amount">{jpy}<' in page


def test_numbers_and_customer_come_from_the_pay_page_not_from_ids(client, monkeypatch):
    """The pay page puts invoice 130's number and customer on the Checkout; the page shows them
    with no ledger call."""
    found = company_with_stripe(client)
    sandbox.stripe.set_balance_scenario("succeeded")  # the fee is known: it has its own row
    intent, events = paid(client, found, "130", "50.00")
    deliver(client, events)
    payment = one(found, "payment")
    assert payment.status is WorkStatus.DONE, payment.error
    metadata = payment.payload["metadata"]
    assert metadata["remit_numbers"] == "1001"
    assert metadata["remit_customer_name"] == "Amy's Bird Sanctuary"

    def no_ledger(company):
        raise AssertionError("Activity called the ledger")
    monkeypatch.setattr("addon.ledger.connector_for", no_ledger)
    page = text(client.get("/activity"))
    assert "1001 Amy's Bird Sanctuary" in page and " 130 " not in page
    fee = one(found, "fee")
    assert fee.payload["payment_id"] == intent  # its row names the payment's invoice too
    assert page.count("1001 Amy's Bird Sanctuary") == 2


def test_a_xero_payment_shows_its_invoice_number(client):
    found = xero_company_with_stripe(client)
    _intent, events = paid(client, found, sandbox.xero.INVOICE_IDS["INV-0001"], "25.00")
    deliver(client, events)
    assert one(found, "payment").status is WorkStatus.DONE
    page = text(client.get("/activity"))
    assert "INV-0001 City Limousines" in page
    assert sandbox.xero.INVOICE_IDS["INV-0001"] not in page


def test_the_number_read_when_posting_stands_in_for_older_metadata(client):
    """A payment whose Checkout predates the numbers in metadata: the number the posting read
    from the ledger is shown; a row with neither shows its ids, without failing."""
    found = company_with_stripe(client)
    _intent, events = paid(client, found, "130", "50.00")
    deliver(client, events)
    payment = one(found, "payment")
    assert payment.payload["invoices_read"] == [["130", "1001", "Amy's Bird Sanctuary"]]
    older = {k: v for k, v in payment.payload["metadata"].items()
             if k not in ("remit_numbers", "remit_customer_name")}
    payment.payload = {**payment.payload, "metadata": older}
    db.session.commit()
    assert "1001 Amy's Bird Sanctuary" in text(client.get("/activity"))
    payment.payload = {k: v for k, v in payment.payload.items() if k != "invoices_read"}
    db.session.commit()
    page = text(client.get("/activity"))
    assert " 130 " in page and "Amy's" not in page


QUICKBOOKS = "https://app.qbo.intuit.com/app/"
XERO = "https://go.xero.com/"
KINDS = [  # kind, source, object type stored, ids written
    ("payment", "pi_1", "Payment", "201"),
    ("fee", "txn_1", "JournalEntry", "202"),
    ("refund", "re_1", "RefundReceipt", "203"),
    ("dispute", "txn_dp", "JournalEntry", "204"),
    ("payout", "po_1", "Deposit", "205"),
    ("payout_reversal", "po_0", "Transfer", "206"),
]
XERO_KINDS = [
    ("payment", "pi_1", "Payment", "a1,a2"),
    ("fee", "txn_1", "ManualJournal", "b1"),
    ("refund", "re_1", "CreditNote", "c1,c2"),
    ("dispute", "txn_dp", "BankTransaction", "d1"),
    ("payout", "po_1", "BankTransfer", "e1"),
    ("payout_reversal", "po_0", "BankTransaction", "f1"),
]
EXPECTED = {
    "quickbooks": ["recvpayment?txnId=201", "journal?txnId=202", "refundreceipt?txnId=203",
                   "journal?txnId=204", "deposit?txnId=205", "transfer?txnId=206"],
    "xero": ["Bank/ViewTransaction.aspx?paymentID=a1", "Journal/View.aspx?invoiceID=b1",
             "AccountsReceivable/ViewCreditNote.aspx?creditNoteID=c1",
             "Bank/ViewTransaction.aspx?bankTransactionID=d1",
             "Bank/ViewTransfer.aspx?bankTransferID=e1",
             "Bank/ViewTransaction.aspx?bankTransactionID=f1"],
}


@pytest.mark.parametrize(("platform", "kinds", "base"), [
    ("quickbooks", KINDS, QUICKBOOKS), ("xero", XERO_KINDS, XERO)])
def test_every_kind_links_to_its_ledger_object_and_to_stripe(app, signed_in, monkeypatch,
                                                             platform, kinds, base):
    monkeypatch.setitem(app.config, "SANDBOX_MODE", False)
    found, gateway = company(platform)
    for n, (kind, source, object_type, ids) in enumerate(kinds):
        payload = {"ledger_object_type": object_type}
        if kind in ("fee", "refund", "dispute"):
            payload["payment_id"] = "pi_1"
        add(gateway, kind, source, ledger=ids, payload=payload, at=T0 - timedelta(minutes=n))
    db.session.commit()
    html = signed_in(found).get("/activity").get_data(as_text=True)
    ledger_links = [unescape(u) for u in re.findall(rf'href="({re.escape(base)}[^"]+)"', html)]
    assert ledger_links == [base + tail for tail in EXPECTED[platform]]
    stripe = [unescape(u) for u in re.findall(r'href="(https://dashboard\.stripe\.com[^"]+)"',
                                               html)]
    assert [u.rsplit("/", 2)[-2:] for u in stripe] == [
        ["payments", "pi_1"]] * 4 + [["payouts", "po_1"], ["payouts", "po_0"]]
    assert all("/acct_activity1/test/" in u for u in stripe)
    if platform == "xero":  # the ids after the first are listed, not linked to a wrong page
        assert 'class="object-id">a2<' in html and 'class="object-id">c2<' in html


def test_rows_recorded_before_types_were_kept(app, signed_in, monkeypatch):
    """QuickBooks writes one entity per kind, so an older row still links; a Xero fee may be a
    journal or a bank transaction, so its id is shown unlinked."""
    monkeypatch.setitem(app.config, "SANDBOX_MODE", False)
    books, books_gateway = company("quickbooks")
    add(books_gateway, "fee", "txn_1", ledger="202", payload={"payment_id": "pi_9"})
    db.session.commit()
    html = signed_in(books).get("/activity").get_data(as_text=True)
    assert f'href="{QUICKBOOKS}journal?txnId=202"' in html

    org, org_gateway = company("xero", "Xero Books")
    add(org_gateway, "fee", "txn_2", ledger="b9", payload={"payment_id": "pi_9"})
    db.session.commit()
    html = signed_in(org).get("/activity").get_data(as_text=True)
    assert "go.xero.com" not in html and ">b9<" in html


def test_in_sandbox_mode_links_go_to_the_stand_ins_consoles(app, signed_in):
    found, gateway = company()
    add(gateway, "fee", "txn_1", ledger="202", payload={"ledger_object_type": "JournalEntry",
                                                        "payment_id": "pi_1"})
    db.session.commit()
    html = signed_in(found).get("/activity").get_data(as_text=True)
    sandbox_url = app.config["SANDBOX_URL"]
    assert f'href="{sandbox_url}/quickbooks/"' in html and f'href="{sandbox_url}/stripe/"' in html
    assert "Journal entry" in html


def test_the_pay_link_form_is_gone_from_activity(signed_in):
    found, _gateway = company()
    page = signed_in(found).get("/activity?invoice=130").get_data(as_text=True)
    assert "/pay/" not in page and 'name="invoice"' not in page


def test_french_labels(signed_in):
    found, gateway = company()
    add(gateway, "payment", "p_001", status=WorkStatus.FAILED, payload={
        "metadata": {"remit_invoices": "130", "remit_numbers": "1001",
                     "remit_customer_name": "Amy's Bird Sanctuary"}})
    db.session.commit()
    page = text(signed_in(found, "fr").get("/activity"))
    for words in ("Tout (1)", "À traiter (1)", "Enregistré (0)", "Facture et client",
                  "Dans QuickBooks", "1001 Amy's Bird Sanctuary", "10,00 USD En échec"):
        assert words in page, words
