"""Activity lists every kind of posting in a bookkeeper's words, in English and French: what each
moved between which accounts, what it waits for, and Retry for one the ledger refused."""

from __future__ import annotations

from flask_babel import refresh

import sandbox.stripe
from addon.models import WorkStatus
from connectors.base import Rejected
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import (
    deliver,
    one,
    paid,
    paid_out,
    postings,
    recording_ledger,
    refunded,
    set_roles,
)
from tests.app.test_routing import _gateway

INVOICE = "130"


def page(client) -> str:
    return client.get("/activity").get_data(as_text=True)


def in_french(client) -> str:
    assert client.post("/language", data={"language": "fr"}).status_code == 302
    refresh()  # the tests' outer app context would keep the first request's language
    try:
        return page(client)
    finally:
        client.post("/language", data={"language": "en"})
        refresh()


def test_every_movement_reads_as_what_it_did(client, monkeypatch):
    ledger = recording_ledger(monkeypatch)
    company = company_with_stripe(client)
    set_roles(client, company, settlement="35", fees="8")
    sandbox.stripe.set_balance_scenario("succeeded")
    disputed, events = paid(client, company, INVOICE, "50.00")
    intent, more = paid(client, company, INVOICE, "200.00")
    deliver(client, events + more)
    deliver(client, refunded(intent, 2500))
    dispute = sandbox.stripe.open_dispute(disputed)
    deliver(client, sandbox.stripe.last_events())
    sandbox.stripe.close_dispute(dispute["id"], won=False)
    deliver(client, sandbox.stripe.last_events())
    payout_id, payout_events = paid_out(_gateway(company).account_id)
    deliver(client, payout_events)
    payout = one(company, "payout")
    assert payout.status is WorkStatus.DONE, payout.error
    fee = next(f for f in postings(company, "fee") if f.payload["payment_id"] == intent)

    html = page(client)
    assert (f"Fee {fee.amount} USD for payment {intent} moved from Undeposited Funds to "
            "Bank Charges") in html
    assert f"Refund 25.00 USD of payment {intent} to the customer, out of Undeposited Funds" \
        in html
    assert f"Dispute {dispute['id']} on payment {disputed}: 65.00 USD withdrawn" in html
    assert f"Dispute {dispute['id']} lost: stays in Bank Charges. This is final" in html
    arrival = payout.payload["payout"]["arrival_date"]
    assert f"Payout {payout_id} {payout.amount:,} USD to Checking, arriving" in html
    assert arrival and "Nothing to write" in html
    # two fees, the refund, the withdrawal, the payout; the dispute's closing writes nothing
    assert [t for t, _p in ledger.writes].count("JournalEntry") == 3 and len(ledger.writes) == 5

    french = in_french(client)
    assert f"Versement {payout_id} de " in french and "vers Checking, arrivée le" in french
    assert f"Litige {dispute['id']} perdu : le montant reste dans Bank Charges" in french
    assert "Ce que Remit a enregistré dans" in french


def test_waiting_and_retry_for_a_fee_the_ledger_refused(client, monkeypatch):
    ledger = recording_ledger(monkeypatch)
    company = company_with_stripe(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    _intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    fee = one(company, "fee")
    assert fee.status is WorkStatus.PENDING and fee.attempts == 0
    assert "Waiting: set the fees account for USD on the gateway." in page(client)
    assert "En attente : choisissez le compte de frais pour USD" in in_french(client)

    refusals = []

    original = ledger._record

    def refuse_once(kind, posting):  # the ledger refuses the first journal (a closed period)
        if kind == "JournalEntry" and not refusals:
            refusals.append(posting.idempotency_key)
            raise Rejected("refused", detail="The books are closed for November.",
                           code="6140")
        return original(kind, posting)

    monkeypatch.setattr(ledger, "_record", refuse_once)
    set_roles(client, company, fees="8")
    client.post(f"/activity/postings/{fee.id}/retry")  # the role is set: written, refused
    refused = one(company, "fee")
    assert refused.status is WorkStatus.FAILED and refused.generation == 2
    assert "The books are closed" in page(client) and "Retry" in page(client)

    answer = client.post(f"/activity/postings/{refused.id}/retry", follow_redirects=True)
    assert "Remit is recording this again." in answer.get_data(as_text=True)
    done = one(company, "fee")
    assert done.status is WorkStatus.DONE and done.generation == 2
    (journal,) = ledger.of("JournalEntry")
    assert journal.idempotency_key == done.idempotency_key != refusals[0]


WAITING = {
    "role": ({"currency": "EUR", "role": "dispute_losses"},
             "Waiting: set the dispute losses account for EUR on the gateway.",
             "choisissez le compte des pertes sur litiges pour EUR"),
    "payment": ({"payment_id": "pi_9"}, "Waiting: payment pi_9 is not recorded yet.",
                "le paiement pi_9 n’est pas encore enregistré"),
    "reconciling": ({"payout_id": "po_9"}, "Stripe is still listing what payout po_9 contains",
                    "le contenu du versement po_9"),
    "foreign": ({"payout_id": "po_9", "items": "ch_1, re_2"},
                "payout po_9 contains ch_1, re_2, which Remit did not record",
                "le versement po_9 contient ch_1, re_2"),
    "contents": ({"payout_id": "po_9", "count": 3}, "3 item(s) of payout po_9",
                 "3 élément(s) du versement po_9"),
    "settlement": ({"payment_id": "pi_9"}, "Stripe has not settled payment pi_9 yet",
                   "n’a pas encore réglé le paiement pi_9"),
    "fx_unsupported": ({"currency": "EUR", "settlement": "GBP", "home": "USD"},
                       "this EUR money in GBP, which is not the ledger's home currency USD",
                       "ce montant en EUR en GBP"),
    "entry": ({"refund_id": "re_9"}, "balance entry of refund re_9 is not known yet",
              "remboursement re_9 n’est pas encore connue"),
}


def test_every_waiting_reason_reads_in_english_and_french(client, monkeypatch):
    from addon.extensions import db

    recording_ledger(monkeypatch)
    company = company_with_stripe(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    _intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    fee = one(company, "fee")  # waiting for its fees account
    for code, (values, english, french) in WAITING.items():
        fee.payload = {**fee.payload, "waiting": {"code": code, **values}}
        db.session.commit()
        assert english in page(client).replace("&#39;", "'"), code
        assert french in in_french(client), code
