"""Balance entries -> journal, refund and payout postings (addon/posting/builders.py): exact in
each currency's exponent, clearing moving by each entry's net, refusals before any write."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from addon.posting import builders
from addon.posting.engine import PostingRefused, idempotency_key
from gateways.base import BalanceEntry
from gateways.stripe.currencies import exponent

EXPONENTS = {code: exponent(code) for code in ("USD", "EUR", "JPY", "KWD", "GBP")}
WHEN = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
FEES, LOSSES, CLEARING, BANK = "8", "9", "4", "35"


def entry(id_="txn_1", category="payment", currency="USD", amount=10000, fee=320,
          source="ch_1", payment="pi_1", type_="charge", rate=None) -> BalanceEntry:
    return BalanceEntry(id=id_, type=type_, category=category, currency=currency,
                        amount_minor=amount, fee_minor=fee, net_minor=amount - fee,
                        exchange_rate=rate, source_id=source, payment_id=payment,
                        created_at=WHEN)


def key(kind="fee", source="txn_1", generation=1):
    return builders.Key(7, kind, source, generation)


def lines(journal):
    return [(line.account_id, line.amount) for line in journal.lines]


@pytest.mark.parametrize(("currency", "fee", "expected"), [
    ("USD", 320, Decimal("3.20")), ("JPY", 36, Decimal("36")),
    ("KWD", 1234, Decimal("1.234"))])
def test_a_fee_moves_from_clearing_to_fees_in_the_settlement_currency(currency, fee, expected):
    journal = builders.fee_posting(
        key=key(), entry=entry(currency=currency, fee=fee), fees_account_id=FEES,
        clearing_account_id=CLEARING, payment_id="pi_1", reference_limit=21,
        exponents=EXPONENTS)
    assert lines(journal) == [(FEES, expected), (CLEARING, -expected)]
    assert journal.currency == currency and journal.posted_on == date(2026, 11, 30)
    assert journal.idempotency_key == idempotency_key(7, "fee", "txn_1")
    assert "pi_1" in journal.memo and journal.exchange_rate is None
    assert expected.as_tuple().exponent == -EXPONENTS[currency]


def test_keys_change_with_the_generation_and_references_fit_the_ledger():
    long_id = "txn_" + "A" * 30
    journal = builders.fee_posting(
        key=key(source=long_id, generation=2), entry=entry(id_=long_id), fees_account_id=FEES,
        clearing_account_id=CLEARING, payment_id="pi_1", reference_limit=21,
        exponents=EXPONENTS)
    assert journal.idempotency_key == idempotency_key(7, "fee", long_id, 2)
    assert journal.idempotency_key != idempotency_key(7, "fee", long_id)
    assert journal.reference == long_id[-21:]


def test_a_charge_without_a_fee_is_refused():
    with pytest.raises(PostingRefused):
        builders.fee_posting(key=key(), entry=entry(fee=0), fees_account_id=FEES,
                             clearing_account_id=CLEARING, payment_id="pi_1",
                             reference_limit=21, exponents=EXPONENTS)


def test_funds_withdrawn_debit_losses_and_the_dispute_fee_and_credit_clearing():
    withdrawn = entry(id_="txn_d1", category="dispute", amount=-10000, fee=1500,
                      source="dp_1", type_="adjustment")
    journal = builders.dispute_posting(
        key=key("dispute", "txn_d1"), entry=withdrawn, dispute_id="dp_1", payment_id="pi_1",
        losses_account_id=LOSSES, fees_account_id=FEES, clearing_account_id=CLEARING,
        reference_limit=21, exponents=EXPONENTS)
    assert lines(journal) == [(LOSSES, Decimal("100.00")), (FEES, Decimal("15.00")),
                              (CLEARING, Decimal("-115.00"))]
    assert builders.dispute_step(withdrawn) == "withdrawn"


@pytest.mark.parametrize(("fee", "expected"), [
    (0, [(LOSSES, Decimal("-100.00")), (CLEARING, Decimal("100.00"))]),
    (-1500, [(LOSSES, Decimal("-100.00")), (FEES, Decimal("-15.00")),
             (CLEARING, Decimal("115.00"))])])
def test_funds_reinstated_reverse_the_withdrawal_by_the_entrys_own_amounts(fee, expected):
    reinstated = entry(id_="txn_d2", category="dispute", amount=10000, fee=fee,
                       source="dp_1", type_="adjustment")
    journal = builders.dispute_posting(
        key=key("dispute", "txn_d2"), entry=reinstated, dispute_id="dp_1", payment_id="pi_1",
        losses_account_id=LOSSES, fees_account_id=FEES, clearing_account_id=CLEARING,
        reference_limit=21, exponents=EXPONENTS)
    assert lines(journal) == expected
    assert builders.dispute_step(reinstated) == "reinstated" and "reinstated" in journal.memo


def refund(**changes):
    arguments = dict(key=key("refund", "re_1"), refund_id="re_1", payment_id="pi_1",
                     currency="USD", amount_minor=2500, refunded_on=date(2026, 12, 1),
                     entry=entry(id_="txn_r1", category="refund", amount=-2500, fee=0,
                                 source="re_1", type_="refund"),
                     clearing_account_id=CLEARING, customer_id="58", invoice_id="130",
                     income_ref="1", home_currency="USD", invoice_rate=None,
                     reference_limit=21, exponents=EXPONENTS)
    return builders.refund_posting(**{**arguments, **changes})


def test_a_home_currency_refund_leaves_clearing_without_a_rate():
    posted = refund()
    assert (posted.amount, posted.currency, posted.from_account_id) == (
        Decimal("25.00"), "USD", CLEARING)
    assert posted.exchange_rate is None and posted.income_ref == "1"
    assert (posted.customer_id, posted.invoice_id) == ("58", "130")


def test_a_eur_refund_settled_in_usd_is_valued_at_its_own_rate():
    """40.00 EUR refunded; Stripe took 44.80 USD out of the balance at the refund's rate."""
    converted = entry(id_="txn_r2", category="refund", currency="USD", amount=-4480, fee=0,
                      source="re_2", type_="refund", rate=Decimal("1.12"))
    posted = refund(currency="EUR", amount_minor=4000, entry=converted, refund_id="re_2")
    assert posted.currency == "EUR" and posted.amount == Decimal("40.00")
    assert posted.exchange_rate == Decimal("1.120000000000")
    # the ledger's rounding gives back what Stripe took
    assert (posted.amount * posted.exchange_rate).quantize(Decimal("0.01")) == Decimal("44.80")


def test_a_jpy_refund_settled_in_usd_keeps_twelve_places():
    converted = entry(id_="txn_r3", category="refund", currency="USD", amount=-8040, fee=0,
                      source="re_3", type_="refund", rate=Decimal("0.0067"))
    posted = refund(currency="JPY", amount_minor=12000, entry=converted, refund_id="re_3")
    assert posted.amount == Decimal("12000") and posted.exchange_rate == Decimal(
        "0.006700000000")
    assert (posted.amount * posted.exchange_rate).quantize(Decimal("0.01")) == Decimal("80.40")


def test_a_foreign_refund_settled_in_its_own_currency_takes_the_invoices_rate():
    own = entry(id_="txn_r4", category="refund", currency="EUR", amount=-4000, fee=0,
                source="re_4", type_="refund")
    posted = refund(currency="EUR", amount_minor=4000, entry=own, invoice_rate=Decimal("1.1"))
    assert posted.exchange_rate == Decimal("1.1")
    with pytest.raises(PostingRefused):
        refund(currency="EUR", amount_minor=4000, entry=own, invoice_rate=None)


def test_a_refund_settled_in_a_third_currency_is_refused():
    third = entry(id_="txn_r5", category="refund", currency="GBP", amount=-3400, fee=0,
                  source="re_5", type_="refund")
    with pytest.raises(PostingRefused):
        refund(currency="EUR", amount_minor=4000, entry=third)


def payout_entries(payout_amount=1234556):
    """Three charges, a refund, a dispute withdrawal and the payout's own entry."""
    return [
        entry("txn_c1", amount=1000000, fee=29030, source="ch_1"),
        entry("txn_c2", amount=333333, fee=9697, source="ch_2", payment="pi_2"),
        entry("txn_c3", amount=1, fee=0, source="ch_3", payment="pi_3"),
        entry("txn_r1", category="refund", amount=-2500, fee=0, source="re_1",
              type_="refund"),
        entry("txn_d1", category="dispute", amount=-50000, fee=1500, source="dp_1",
              type_="adjustment"),
        entry("txn_p1", category="payout", amount=-payout_amount, fee=0, source="po_1",
              payment=None, type_="payout"),
    ]


def test_a_payout_lists_every_entry_and_adds_up_to_the_cent():
    # 9709.70 + 3236.36 + 0.01 - 25.00 - 515.00 = 12406.07
    entries = payout_entries(1240607)
    posted = builders.payout_posting(
        key=key("payout", "po_1"), payout_id="po_1", currency="USD", amount_minor=1240607,
        arrival_date=date(2026, 12, 3), entries=entries, bank_account_id=BANK,
        clearing_account_id=CLEARING, reference_limit=21, exponents=EXPONENTS)
    assert posted.amount == Decimal("12406.07") and not posted.reverse
    assert [item.amount for item in posted.items] == [
        Decimal("9709.70"), Decimal("3236.36"), Decimal("0.01"), Decimal("-25.00"),
        Decimal("-515.00")]
    assert sum(item.amount for item in posted.items) == posted.amount
    assert posted.items[0].description == "ch_1 gross 10000.00, fee 290.30"
    assert posted.reference == "po_1" and posted.arrival_date == date(2026, 12, 3)
    assert (posted.bank_account_id, posted.clearing_account_id) == (BANK, CLEARING)


def test_a_payout_that_does_not_add_up_is_refused_before_writing():
    with pytest.raises(PostingRefused, match="adds up to"):
        builders.payout_posting(
            key=key("payout", "po_1"), payout_id="po_1", currency="USD",
            amount_minor=1240608, arrival_date=date(2026, 12, 3),
            entries=payout_entries(1240607)[:-1], bank_account_id=BANK,
            clearing_account_id=CLEARING, reference_limit=21, exponents=EXPONENTS)
    with pytest.raises(PostingRefused, match="balance entry says"):
        builders.payout_posting(
            key=key("payout", "po_1"), payout_id="po_1", currency="USD",
            amount_minor=1240608, arrival_date=date(2026, 12, 3),
            entries=payout_entries(1240607), bank_account_id=BANK,
            clearing_account_id=CLEARING, reference_limit=21, exponents=EXPONENTS)


def test_a_jpy_payout_in_whole_yen_and_an_earlier_failed_payout_coming_back():
    entries = [entry("txn_c1", currency="JPY", amount=12000, fee=432, source="ch_1"),
               entry("txn_f0", category="payout_failure", currency="JPY", amount=5000, fee=0,
                     source="po_0", payment=None, type_="payout_failure")]
    posted = builders.payout_posting(
        key=key("payout", "po_1"), payout_id="po_1", currency="JPY", amount_minor=16568,
        arrival_date=date(2026, 12, 3), entries=entries, bank_account_id=BANK,
        clearing_account_id=CLEARING, reference_limit=21, exponents=EXPONENTS)
    assert [item.amount for item in posted.items] == [Decimal("11568"), Decimal("5000")]
    assert posted.amount == Decimal("16568")


def test_a_failed_payout_is_reversed_from_the_bank_to_clearing():
    posted = builders.payout_reversal_posting(
        key=key("payout_reversal", "po_1"), payout_id="po_1", currency="KWD",
        amount_minor=1234567, returned_on=date(2026, 12, 4), bank_account_id=BANK,
        clearing_account_id=CLEARING, reference_limit=21, exponents=EXPONENTS)
    assert posted.reverse and posted.items == () and posted.amount == Decimal("1234.567")
    assert posted.idempotency_key == idempotency_key(7, "payout_reversal", "po_1")


def test_the_settlement_rate_gives_back_stripes_amount():
    rate = builders.settlement_rate(10000, "EUR", 10800, "USD", EXPONENTS)
    assert rate == Decimal("1.080000000000")
    odd = builders.settlement_rate(3333, "EUR", 3600, "USD", EXPONENTS)
    assert (Decimal("33.33") * odd).quantize(Decimal("0.01")) == Decimal("36.00")
    assert builders.settlement_rate(100, "KWD", 325, "USD", EXPONENTS) == Decimal(
        "32.500000000000")
