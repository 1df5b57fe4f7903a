"""FX settlement in the Stripe stand-in: an account settles in its default currency unless it
also settles in the charge's; a converted charge's balance transaction is in the settlement
currency with `exchange_rate` (presentment x rate = settlement, between major units: JPY has no
decimals, KWD three), half up to the settlement minor unit, its fee on the settled amount; a
refund converts back at the rate of its own time."""

from __future__ import annotations

from decimal import Decimal

import pytest

import sandbox.stripe as stripe_sandbox
from sandbox import stripe_fx
from tests.sandbox.stripe_money import FR, US, entry_of, get, pay


@pytest.fixture(autouse=True)
def connected(fresh_sandbox):
    stripe_sandbox.connect(US)
    stripe_sandbox.connect(FR)


@pytest.mark.parametrize("amount, currency, account, rate, settled, settlement, fee", [
    (10000, "eur", US, "1.08", 10800, "usd", 343),  # 2.9 % of 108.00 = 3.132 -> 3.13 + 0.30
    (12345, "jpy", US, "0.0067", 8271, "usd", 270),  # 12345 yen x 0.0067 = 82.7115 USD
    (12340, "kwd", US, "3.2545", 4016, "usd", 146),  # 12.340 KWD x 3.2545 = 40.16053 USD
    (2500, "jpy", FR, "0.00621", 1553, "eur", 48),  # 15.525 EUR: half up, not to even
    (10000, "usd", FR, "0.925", 9250, "eur", 164),  # 1.5 % of 92.50 = 1.3875 -> 1.39 + 0.25
])
def test_a_charge_in_another_currency_settles_converted(client, amount, currency, account,
                                                        rate, settled, settlement, fee):
    stripe_sandbox.set_rate(currency, settlement, rate)

    entry = entry_of(client, pay(client, amount, currency, account), account)

    assert (entry["amount"], entry["currency"], entry["fee"], entry["net"]) == (
        settled, settlement, fee, settled - fee)
    assert Decimal(str(entry["exchange_rate"])) == Decimal(rate)
    assert entry["fee_details"][0]["currency"] == settlement


def test_an_account_settling_in_the_charges_currency_does_not_convert(client):
    stripe_sandbox.settle_in(US, "eur", "jpy")
    eur = entry_of(client, pay(client, 10000, "eur"))
    jpy = entry_of(client, pay(client, 12345, "jpy"))
    usd = entry_of(client, pay(client, 10000, "usd"))
    assert [(e["amount"], e["currency"], e["exchange_rate"]) for e in (eur, jpy, usd)] == [
        (10000, "eur", None), (12345, "jpy", None), (10000, "usd", None)]
    gbp = entry_of(client, pay(client, 10000, "gbp"))  # not one of them: converted
    assert gbp["currency"] == "usd" and gbp["exchange_rate"] is not None


def test_default_rates_exist_for_the_usual_pairs_and_reset_forgets_set_ones():
    for source in ("eur", "jpy", "kwd", "gbp", "usd"):
        for target in ("eur", "jpy", "kwd", "gbp", "usd"):
            assert stripe_fx.rate(source, target) > 0
    assert stripe_fx.rate("usd", "usd") == 1
    default = stripe_fx.rate("eur", "usd")
    stripe_sandbox.set_rate("eur", "usd", "1.5")
    stripe_sandbox.settle_in(US, "eur")
    stripe_sandbox.reset()
    assert stripe_fx.rate("eur", "usd") == default
    assert stripe_fx.settlement_currency(US, "eur") == "usd"
    with pytest.raises(ValueError):
        stripe_sandbox.set_rate("eur", "usd", "0")


def test_a_refund_converts_back_at_the_rate_of_its_own_time(client):
    stripe_sandbox.set_rate("eur", "usd", "1.08")
    intent = pay(client, 6000, "eur")
    charged = entry_of(client, intent)
    stripe_sandbox.set_rate("eur", "usd", "1.10")

    refund = stripe_sandbox.refund(intent["id"], 6000)

    back = get(client, f"balance_transactions/{refund['balance_transaction']}").json
    assert (charged["amount"], back["amount"], back["currency"], back["fee"]) == (
        6480, -6600, "usd", 0)
    assert Decimal(str(back["exchange_rate"])) == Decimal("1.10")
    assert (refund["amount"], refund["currency"]) == (6000, "eur")  # presentment


def test_zero_and_three_decimal_refunds_convert_to_whole_minor_units(client):
    stripe_sandbox.set_rate("jpy", "usd", "0.0067")
    stripe_sandbox.set_rate("kwd", "usd", "3.2545")
    yen = pay(client, 12345, "jpy")
    dinar = pay(client, 12340, "kwd")
    stripe_sandbox.set_rate("jpy", "usd", "0.0071")
    stripe_sandbox.set_rate("kwd", "usd", "3.25")

    yen_back = stripe_sandbox.refund(yen["id"], 345)  # 345 yen x 0.0071 = 2.4495 USD
    dinar_back = stripe_sandbox.refund(dinar["id"], 1230)  # 1.230 KWD x 3.25 = 3.9975 USD

    assert [get(client, f"balance_transactions/{r['balance_transaction']}").json["amount"]
            for r in (yen_back, dinar_back)] == [-245, -400]
