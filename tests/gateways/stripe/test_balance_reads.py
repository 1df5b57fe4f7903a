"""StripeGateway's reads of the money after the payment through stripe-python, replayed from
cassettes recorded against the sandbox, each as the connected account (`Stripe-Account`):
a payment's settlement (GET /v1/payment_intents/{id}?expand[]=latest_charge.balance_transaction),
a balance entry (GET /v1/balance_transactions/{id}?expand[]=source), a payout and its contents
(GET /v1/payouts/{id}; GET /v1/balance_transactions?payout=…&limit=100&expand[]=data.source)
and the balance (GET /v1/balance); refusals and failures mapped like every other call.

The payments and payouts are made in the sandbox while recording (no HTTP, so each cassette
starts at the reads); on replay their ids are the ones the recorded requests name."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

import sandbox.stripe as stripe_sandbox
from gateways.base import (
    ENTRY_DISPUTE,
    ENTRY_PAYMENT,
    ENTRY_PAYOUT,
    ENTRY_PAYOUT_FAILURE,
    ENTRY_REFUND,
    GatewayAuthError,
    GatewayBalance,
    GatewayRateLimited,
    GatewayRejected,
    GatewayUnavailable,
)
from tests.gateways.conftest import requests_made
from tests.gateways.stripe.conftest import FR_ACCOUNT, US_ACCOUNT, sandbox_payment

USD_FEE = 379  # the stand-in's card fee on 120.50 USD: 2.9 % (349) + 0.30


def sent(vcr) -> list[tuple[str, str, dict[str, list[str]]]]:
    """(method, path, query) of each request this test made, as recorded."""
    return [(r.method, r.path, parse_qs(urlsplit(r.uri).query)) for r in vcr.requests]


def as_account(vcr, account_id: str) -> None:
    assert all(r.headers["Stripe-Account"] == account_id for r in vcr.requests)


@pytest.mark.vcr
def test_a_payments_settlement_is_its_charges_entry(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    payment = stripe_target.made(vcr, "pi", lambda: sandbox_payment(US_ACCOUNT).intent["id"])
    gateway = stripe_target.gateway()

    settled = gateway.payment_settlement(US_ACCOUNT, payment)
    again = gateway.balance_entry(US_ACCOUNT, settled.id)

    assert (settled.category, settled.currency, settled.amount_minor, settled.fee_minor,
            settled.net_minor, settled.exchange_rate) == (
        ENTRY_PAYMENT, "USD", 12050, USD_FEE, 12050 - USD_FEE, None)
    assert settled.payment_id == payment and settled.source_id.startswith("ch_")
    assert again == settled  # the entry by id names the same payment (its source expanded)
    assert sent(vcr) == [
        ("GET", f"/v1/payment_intents/{payment}",
         {"expand[0]": ["latest_charge.balance_transaction"]}),
        ("GET", f"/v1/balance_transactions/{settled.id}", {"expand[0]": ["source"]})]
    as_account(vcr, US_ACCOUNT)
    assert requests_made(vcr) == 2


@pytest.mark.vcr
@pytest.mark.parametrize(("account", "currency", "amount", "settles_in", "exponents"), [
    (FR_ACCOUNT, "usd", 12050, "EUR", (2, 2)),  # a EUR account paid in dollars
    (US_ACCOUNT, "jpy", 5000, "USD", (0, 2)),  # zero-decimal yen into cents
], ids=["usd-on-a-eur-account", "jpy-on-a-usd-account"])
def test_a_converted_payment_carries_stripes_exact_rate(stripe_target, vcr, account, currency,
                                                        amount, settles_in, exponents):
    """Presentment amount x exchange_rate = settlement amount (between major units)."""
    stripe_target.connected(account)
    payment = stripe_target.made(vcr, "pi", lambda: sandbox_payment(
        account, currency=currency, amount=amount).intent["id"])

    settled = stripe_target.gateway().payment_settlement(account, payment)

    assert settled.currency == settles_in and settled.payment_id == payment
    assert isinstance(settled.exchange_rate, Decimal) and settled.exchange_rate > 0
    presented, settling = exponents
    converted = Decimal(amount).scaleb(-presented) * settled.exchange_rate
    assert converted.scaleb(settling).quantize(Decimal(1), ROUND_HALF_UP) == \
        settled.amount_minor
    assert settled.net_minor == settled.amount_minor - settled.fee_minor and \
        settled.fee_minor > 0
    as_account(vcr, account)


@pytest.mark.vcr
def test_a_payout_and_every_entry_it_contains(stripe_target, vcr):
    """Two payments paid out together: the payout's contents net to nothing, each payment's
    entry naming its payment, the same entry a settlement read gives."""
    stripe_target.connected(US_ACCOUNT)

    def paid_out() -> str:
        sandbox_payment(US_ACCOUNT, amount=12050)
        sandbox_payment(US_ACCOUNT, amount=2000)
        (payout,) = stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)
        stripe_sandbox.settle_payout(payout["id"], "paid")
        return payout["id"]
    payout_id = stripe_target.made(vcr, "po", paid_out)
    gateway = stripe_target.gateway()

    payout = gateway.payout(US_ACCOUNT, payout_id)
    entries = gateway.payout_entries(US_ACCOUNT, payout_id)

    assert (payout.payout_id, payout.status, payout.reconciled, payout.automatic,
            payout.currency) == (payout_id, "paid", True, True, "USD")
    assert payout.amount_minor == 12050 + 2000 - USD_FEE - (58 + 30)  # 2.9 % of 20.00 + 0.30
    assert sorted(entry.category for entry in entries) == [ENTRY_PAYMENT, ENTRY_PAYMENT,
                                                           ENTRY_PAYOUT]
    assert sum(entry.net_minor for entry in entries) == 0  # clearing nets to zero
    assert all(entry.payout_id == payout_id and entry.currency == "USD" for entry in entries)
    (own,) = [entry for entry in entries if entry.category == ENTRY_PAYOUT]
    assert (own.source_id, own.amount_minor) == (payout_id, -payout.amount_minor)
    for entry in entries:
        if entry.category == ENTRY_PAYMENT:
            assert entry.payment_id.startswith("pi_")
            settled = gateway.payment_settlement(US_ACCOUNT, entry.payment_id)
            assert settled.id == entry.id and settled.net_minor == entry.net_minor
    assert sent(vcr)[:2] == [
        ("GET", f"/v1/payouts/{payout_id}", {}),
        ("GET", "/v1/balance_transactions",
         {"payout": [payout_id], "limit": ["100"], "expand[0]": ["data.source"]})]
    as_account(vcr, US_ACCOUNT)
    assert requests_made(vcr) == 4


@pytest.mark.vcr
def test_a_payout_after_a_refund_and_a_dispute(stripe_target, vcr):
    """A partial dashboard refund of one payment and a dispute on another, paid out together:
    each entry names its payment through its expanded source (refund, dispute), the whole
    nets to zero."""
    stripe_target.connected(US_ACCOUNT)

    def paid_out() -> str:
        refunded = sandbox_payment(US_ACCOUNT, amount=12050).intent["id"]
        disputed = sandbox_payment(US_ACCOUNT, amount=2000).intent["id"]
        stripe_sandbox.refund(refunded, 2000)
        stripe_sandbox.open_dispute(disputed)
        (payout,) = stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)
        stripe_sandbox.settle_payout(payout["id"], "paid")
        return payout["id"]
    payout_id = stripe_target.made(vcr, "po", paid_out)

    entries = stripe_target.gateway().payout_entries(US_ACCOUNT, payout_id)

    by_category = {entry.category: entry for entry in entries}
    assert sorted(entry.category for entry in entries) == sorted(
        [ENTRY_PAYMENT, ENTRY_PAYMENT, ENTRY_REFUND, ENTRY_DISPUTE, ENTRY_PAYOUT])
    assert sum(entry.net_minor for entry in entries) == 0
    payments = {entry.amount_minor: entry.payment_id for entry in entries
                if entry.category == ENTRY_PAYMENT}
    refund, dispute = by_category[ENTRY_REFUND], by_category[ENTRY_DISPUTE]
    assert (refund.amount_minor, refund.payment_id) == (-2000, payments[12050])
    assert refund.source_id.startswith("re_") and refund.type == "refund"
    assert (dispute.amount_minor, dispute.payment_id) == (-2000, payments[2000])
    assert dispute.source_id.startswith("dp_") and dispute.fee_minor > 0  # the dispute fee
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_a_paid_payout_that_fails_comes_back_in_the_next_one(stripe_target, vcr):
    """The bank returns a payout already paid: it reads back failed, and its money, back in the
    balance, is paid out again with the next payout as a payout_failure entry."""
    stripe_target.connected(US_ACCOUNT)

    def failed_then_next() -> tuple[str, str]:
        sandbox_payment(US_ACCOUNT, amount=12050)
        (first,) = stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)
        stripe_sandbox.settle_payout(first["id"], "paid")
        stripe_sandbox.settle_payout(first["id"], "failed")
        sandbox_payment(US_ACCOUNT, amount=2000)
        (second,) = stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)
        stripe_sandbox.settle_payout(second["id"], "paid")
        return first["id"], second["id"]
    first_id, second_id = stripe_target.made_several(vcr, "po", failed_then_next)
    gateway = stripe_target.gateway()

    first = gateway.payout(US_ACCOUNT, first_id)
    entries = gateway.payout_entries(US_ACCOUNT, second_id)

    assert (first.status, first.amount_minor) == ("failed", 12050 - USD_FEE)
    (back,) = [entry for entry in entries if entry.category == ENTRY_PAYOUT_FAILURE]
    assert (back.source_id, back.amount_minor, back.type) == (
        first_id, first.amount_minor, "payout_failure")
    assert sum(entry.net_minor for entry in entries) == 0
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_a_payout_in_transit_is_not_reconciled_and_its_contents_not_listed(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)

    def in_transit() -> str:
        sandbox_payment(US_ACCOUNT)
        return stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)[0]["id"]
    payout_id = stripe_target.made(vcr, "po", in_transit)
    gateway = stripe_target.gateway()

    payout = gateway.payout(US_ACCOUNT, payout_id)
    with pytest.raises(GatewayRejected):  # Stripe lists only reconciled payouts' contents
        gateway.payout_entries(US_ACCOUNT, payout_id)

    assert (payout.status, payout.reconciled) == ("in_transit", False)
    assert vcr.responses[1]["status"]["code"] == 400
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_a_failed_payout_reads_back_failed(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)

    def failed() -> str:
        sandbox_payment(US_ACCOUNT)
        (payout,) = stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)
        return stripe_sandbox.settle_payout(payout["id"], "failed")["id"]
    payout_id = stripe_target.made(vcr, "po", failed)

    payout = stripe_target.gateway().payout(US_ACCOUNT, payout_id)

    assert (payout.status, payout.reconciled, payout.amount_minor) == (
        "failed", False, 12050 - USD_FEE)


@pytest.mark.vcr
def test_the_balance_per_currency(stripe_target, vcr):
    """A USD account that also settles yen: one payment paid out (in neither column), one
    pending in each currency."""
    stripe_target.connected(US_ACCOUNT)
    if stripe_target.mode == "sandbox":
        stripe_sandbox.settle_in(US_ACCOUNT, "jpy")
        sandbox_payment(US_ACCOUNT, amount=12050)
        stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)
        sandbox_payment(US_ACCOUNT, amount=2000)
        sandbox_payment(US_ACCOUNT, currency="jpy", amount=5000)

    balances = stripe_target.gateway().balances(US_ACCOUNT)

    assert balances == [GatewayBalance("JPY", 0, 5000 - 180),  # 3.6 % of 5000 yen
                        GatewayBalance("USD", 0, 2000 - 88)]  # 2.9 % of 20.00 + 0.30
    assert sent(vcr) == [("GET", "/v1/balance", {})]
    as_account(vcr, US_ACCOUNT)
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_an_unknown_entry_is_rejected_with_stripes_code(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)

    with pytest.raises(GatewayRejected) as refused:
        stripe_target.gateway().balance_entry(US_ACCOUNT, "txn_1RemitNoSuchEntry0000000")

    assert refused.value.code == "resource_missing"
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_another_accounts_payment_is_not_found(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    stripe_target.connected(FR_ACCOUNT)
    payment = stripe_target.made(vcr, "pi", lambda: sandbox_payment(US_ACCOUNT).intent["id"])

    with pytest.raises(GatewayRejected) as refused:
        stripe_target.gateway().payment_settlement(FR_ACCOUNT, payment)

    assert refused.value.code == "resource_missing"
    as_account(vcr, FR_ACCOUNT)


@pytest.mark.vcr
def test_reading_an_account_not_connected_is_auth_error(stripe_target, vcr):
    with pytest.raises(GatewayAuthError):
        stripe_target.gateway().balances(US_ACCOUNT)
    assert vcr.responses[0]["status"]["code"] == 403


@pytest.mark.vcr
def test_a_throttled_read_is_rate_limited_after_exactly_one_request(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    stripe_target.force_next("429")

    with pytest.raises(GatewayRateLimited):
        stripe_target.gateway().payout(US_ACCOUNT, "po_1RemitAnyPayout000000000")

    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_a_read_during_an_outage_is_unavailable_after_exactly_one_request(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    stripe_target.force_next("503")

    with pytest.raises(GatewayUnavailable):
        stripe_target.gateway().payout_entries(US_ACCOUNT, "po_1RemitAnyPayout000000000")

    assert requests_made(vcr) == 1
