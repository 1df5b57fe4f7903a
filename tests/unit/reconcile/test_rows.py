"""Reconciliation rows from postings alone: balanced, waiting (and for what), off by how much
(and why), in two-, zero- and three-decimal currencies."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from addon.reconcile.rows import (
    BalanceComparison,
    Status,
    Why,
    answering_keys,
    payout_row,
    payout_rows,
)
from tests.unit.reconcile.builders import (
    EXPONENT,
    answered,
    by_key,
    charge,
    entry,
    payout,
    posting,
)

C1, C2 = charge(1, 10000, 320), charge(2, 5000, 175)
REFUND = entry("txn_re1", "refund", -2000, source="re_1", payment="pi_1")


def test_every_entry_recorded_with_its_amount_is_balanced():
    paid = payout("po_1", [C1, C2, REFUND])
    postings = by_key(*answered(C1, C2), posting("refund", "re_1", 2000))
    row = payout_row(paid, postings, EXPONENT)
    assert row.status is Status.BALANCED and row.findings == ()
    assert (row.gross, row.fees, row.refunds, row.disputes, row.other, row.net) == (
        Decimal("150.00"), Decimal("-4.95"), Decimal("-20.00"), Decimal("0.00"),
        Decimal("0.00"), Decimal("125.05"))
    assert row.gross + row.fees + row.refunds + row.disputes + row.other == row.net
    assert row.difference == Decimal("0.00") and row.ledger_object_id == "D1"
    assert row.arrival_date == date(2026, 11, 3)
    assert [line.id for line in row.entries] == ["txn_ch1", "txn_ch2", "txn_re1", "txn_po_1"]
    assert row.entries[0].answers == (("payment", "done", "L"), ("fee", "done", "L"))


def test_a_fee_still_pending_keeps_the_payout_waiting_and_says_why():
    reason = "Set the fees account for USD on the gateway."
    fee = posting("fee", "txn_ch2", 175, status="pending", error=reason)
    paid = payout("po_1", [C1, C2], status="pending", error="Waiting for txn_ch2.")
    postings = by_key(*answered(C1), posting("payment", "pi_2", 5000), fee)
    row = payout_row(paid, postings, EXPONENT)
    assert row.status is Status.WAITING and row.explained_by == ()
    assert [(f.why, f.posting_kind, f.source_id, f.posting_state, f.error)
            for f in row.waiting_for] == [
        (Why.PAYOUT_NOT_RECORDED, "payout", "po_1", "pending", "Waiting for txn_ch2."),
        (Why.POSTING_WAITING, "fee", "txn_ch2", "pending", reason)]
    assert row.ledger_object_id is None


def test_a_posting_nobody_made_yet_is_waited_for_as_absent():
    row = payout_row(payout("po_1", [C1, C2]), by_key(*answered(C1)), EXPONENT)
    assert row.status is Status.WAITING
    assert [(f.posting_kind, f.source_id, f.posting_state) for f in row.findings] == [
        ("payment", "pi_2", "absent"), ("fee", "txn_ch2", "absent")]


def test_an_unmatched_payment_puts_the_payout_off_by_its_net():
    stranger = charge(3, 3000, 117)
    paid = payout("po_1", [C1, stranger], status="pending",
                  error="txn_ch3 is not this company's.")
    postings = by_key(*answered(C1), posting("payment", "pi_3", 3000, status="unmatched"))
    row = payout_row(paid, postings, EXPONENT)
    assert row.status is Status.OFF and row.difference == Decimal("28.83")
    [why] = row.explained_by
    assert (why.why, why.source_id, why.posting_state, why.difference) == (
        Why.NOT_RECORDED, "pi_3", "unmatched", Decimal("28.83"))
    assert [f.why for f in row.waiting_for] == [Why.PAYOUT_NOT_RECORDED]


def test_a_posting_recorded_with_another_amount_is_named_with_both_amounts():
    postings = by_key(posting("payment", "pi_1", 9000), posting("fee", "txn_ch1", 320))
    row = payout_row(payout("po_1", [C1]), postings, EXPONENT)
    assert row.status is Status.OFF and row.difference == Decimal("10.00")
    [why] = row.findings
    assert (why.why, why.expected, why.recorded) == (
        Why.OTHER_AMOUNT, Decimal("100.00"), Decimal("90.00"))


def test_an_entry_no_posting_answers_for_is_off():
    adjustment = entry("txn_adj", "other", -500, source="adj_1")
    row = payout_row(payout("po_1", [C1, adjustment]), by_key(*answered(C1)), EXPONENT)
    assert row.status is Status.OFF and row.difference == Decimal("-5.00")
    assert [(f.why, f.entry_id) for f in row.findings] == [(Why.UNANSWERED, "txn_adj")]
    assert row.other == Decimal("-5.00")


def test_a_payout_failed_after_it_was_recorded_balances_once_reversed():
    first = payout("po_1", [C1], payout_status="failed", arrival="2026-11-03")
    back = entry("txn_pf1", "payout_failure", 9680, source="po_1")
    second = payout("po_2", [back, C2], arrival="2026-11-05", ledger="D2")
    reversal = posting("payout_reversal", "po_1", 9680, ledger="T9")
    postings = by_key(*answered(C1, C2), reversal)
    assert ("payout_reversal", "po_1") in answering_keys([first, second])
    newest, oldest = payout_rows([first, second], postings, EXPONENT)
    assert (newest.payout_id, newest.status, newest.other, newest.net) == (
        "po_2", Status.BALANCED, Decimal("96.80"), Decimal("145.05"))
    assert (oldest.payout_id, oldest.status, oldest.reversal_object_id) == (
        "po_1", Status.BALANCED, "T9")

    unreversed = payout_rows([first, second], by_key(*answered(C1, C2)), EXPONENT)
    assert [r.status for r in unreversed] == [Status.WAITING, Status.WAITING]
    assert [f.why for f in unreversed[1].findings] == [Why.REVERSAL_NOT_RECORDED]
    assert [(f.posting_kind, f.source_id) for f in unreversed[0].findings] == [
        ("payout_reversal", "po_1")]


def test_not_yet_reconciled_by_the_gateway_is_waiting():
    row = payout_row(payout("po_1", [C1], reconciled=False, status="pending"), {}, EXPONENT)
    assert row.status is Status.WAITING
    assert [f.why for f in row.findings] == [Why.NOT_RECONCILED, Why.PAYOUT_NOT_RECORDED]


def test_zero_decimal_yen_stays_whole():
    yen = charge(7, 15000, 540, "JPY")
    row = payout_row(payout("po_j", [yen], "JPY"), by_key(*answered(yen)), EXPONENT)
    assert row.status is Status.BALANCED
    assert (row.gross, row.fees, row.net) == (Decimal(15000), Decimal(-540), Decimal(14460))
    assert row.net.as_tuple().exponent == 0
    short = by_key(posting("payment", "pi_7", 14000, "JPY"), posting("fee", "txn_ch7", 540,
                                                                      "JPY"))
    off = payout_row(payout("po_j", [yen], "JPY"), short, EXPONENT)
    assert off.status is Status.OFF and off.difference == Decimal(1000)


def test_three_decimal_dinar_keeps_its_fils():
    dinar = charge(8, 12345, 370, "KWD")
    refund = entry("txn_re8", "refund", -1005, currency="KWD", source="re_8", payment="pi_8")
    paid = payout("po_k", [dinar, refund], "KWD")
    row = payout_row(paid, by_key(*answered(dinar), posting("refund", "re_8", 1005, "KWD")),
                     EXPONENT)
    assert row.status is Status.BALANCED
    assert (row.gross, row.fees, row.refunds, row.net) == (
        Decimal("12.345"), Decimal("-0.370"), Decimal("-1.005"), Decimal("10.970"))
    assert row.net.as_tuple().exponent == -3


def test_a_converted_payment_is_read_on_the_settlement_side():
    """EUR presented, USD settled: the payment posting is in EUR, its stored settlement entry
    (or, without it, the entry's rate) says what reached the USD clearing account."""
    converted = charge(4, 10850, 345, "USD", rate="1.085")
    kept = {"settlement": converted}
    with_entry = by_key(posting("payment", "pi_4", 10000, "EUR", payload=kept),
                        posting("fee", "txn_ch4", 345))
    assert payout_row(payout("po_1", [converted]), with_entry, EXPONENT).status \
        is Status.BALANCED
    by_rate = by_key(posting("payment", "pi_4", 10000, "EUR"), posting("fee", "txn_ch4", 345))
    assert payout_row(payout("po_1", [converted]), by_rate, EXPONENT).status is Status.BALANCED
    wrong = by_key(posting("payment", "pi_4", 9000, "EUR"), posting("fee", "txn_ch4", 345))
    assert payout_row(payout("po_1", [converted]), wrong, EXPONENT).difference == Decimal(
        "10.85")


def test_disputes_withdrawn_and_reinstated_move_clearing_both_ways():
    withdrawn = entry("txn_dw", "dispute", -10000, 1500, source="dp_1", payment="pi_1")
    reinstated = entry("txn_dr", "dispute", 10000, 0, source="dp_1", payment="pi_1")
    paid = payout("po_1", [C1, withdrawn, reinstated])
    postings = by_key(*answered(C1), posting("dispute", "txn_dw", 11500),
                      posting("dispute", "txn_dr", 10000))
    row = payout_row(paid, postings, EXPONENT)
    assert row.status is Status.BALANCED
    assert (row.disputes, row.fees) == (Decimal("0.00"), Decimal("-18.20"))


def test_rows_are_newest_first_and_since_filters_by_arrival():
    rows = payout_rows([payout("po_a", [C1], arrival="2026-10-30"),
                        payout("po_c", [C1], arrival="2026-11-04"),
                        payout("po_b", [C1], arrival="2026-11-02")],
                       by_key(*answered(C1)), EXPONENT, since=date(2026, 11, 1))
    assert [r.payout_id for r in rows] == ["po_c", "po_b"]


def test_the_balance_comparison_never_invents_a_side():
    assert BalanceComparison(Decimal("10.00"), Decimal("7.50")).difference == Decimal("2.50")
    assert BalanceComparison(None, Decimal("7.50")).difference is None
    assert BalanceComparison(Decimal("1.00"), None).difference is None


def test_payouts_arriving_the_same_day_show_the_latest_made_first():
    first = payout("po_zz", [C1], arrival="2026-11-04")
    later = payout("po_aa", [C1], arrival="2026-11-04")
    rows = payout_rows([replace(later, order=2), replace(first, order=1)],
                       by_key(*answered(C1)), EXPONENT)
    assert [r.payout_id for r in rows] == ["po_aa", "po_zz"]


def test_a_failed_payout_listing_its_own_failure_is_not_off():
    own_failure = entry("txn_pf1", "payout_failure", 9680, source="po_1")
    failed = payout("po_1", [C1], payout_status="failed")
    failed = replace(failed, payload={**failed.payload,
                                      "entries": [*failed.payload["entries"], own_failure]})
    reversal = posting("payout_reversal", "po_1", 9680, ledger="T9")
    row = payout_row(failed, by_key(*answered(C1), reversal), EXPONENT)
    assert (row.status, row.other, row.findings) == (Status.BALANCED, Decimal("0.00"), ())


def test_a_payout_that_failed_before_it_was_recorded_has_nothing_to_record():
    failed = payout("po_1", [C1], payout_status="canceled", status="ignored",
                    error="The payout canceled before it was recorded: nothing to record.")
    row = payout_row(failed, by_key(*answered(C1)), EXPONENT)
    assert row.status is Status.BALANCED and row.ledger_object_id is None
    unlisted = payout("po_2", [C1], payout_status="failed", status="ignored", reconciled=False)
    assert payout_row(unlisted, {}, EXPONENT).findings == ()


def test_a_legacy_charge_is_its_own_payment():
    legacy = entry("txn_old", "payment", 2000, 88, source="ch_old")
    postings = by_key(posting("payment", "ch_old", 2000), posting("fee", "txn_old", 88))
    assert payout_row(payout("po_1", [legacy]), postings, EXPONENT).status is Status.BALANCED
