"""The pay page's verdict on a typed amount in zero- and three-decimal currencies (JPY, KWD),
with Stripe's limits as the provider gives them: the reason the customer reads, in English and
French. (USD end to end, with no Stripe call for a refused amount: test_pay_page.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from addon.pay import amounts
from gateways.stripe import StripeGateway

PROVIDER = StripeGateway("ca_x", "sk_test_x")


@pytest.mark.parametrize(("typed", "currency", "due", "reason"), [
    ("49", "JPY", "5000", "The smallest amount that can be paid online in JPY is 50."),
    ("1.5", "JPY", "5000", "Enter an amount in JPY, for example 5,000."),
    ("0.001", "KWD", "10.000", "Amounts in KWD must end in 0, for example 0.150."),
    ("0.0001", "KWD", "10.000", "Enter an amount in KWD, for example 10.000."),
    ("Infinity", "JPY", "5000", "Enter an amount in JPY"),
    ("NaN", "KWD", "10.000", "Enter an amount in KWD"),
    ("0.10", "USD", "250.00", "The smallest amount that can be paid online in USD is 0.50."),
    ("1,000,000.00", "USD", "2000000.00",
     "The largest amount that can be paid online at once in USD is 999,999.99."),
])
def test_refused_amounts_say_why(app, typed, currency, due, reason):
    with app.test_request_context("/"), force_locale("en"):
        _, error = amounts.check(typed, currency, Decimal(due),
                                 PROVIDER.charge_limits(currency), "en")
    assert error is not None and error.startswith(reason)


@pytest.mark.parametrize(("typed", "currency", "read"), [
    ("50", "JPY", Decimal("50")), ("1,500", "JPY", Decimal("1500")),
    ("0.150", "KWD", Decimal("0.150")), ("1,234.56", "USD", Decimal("1234.56")),
])
def test_payable_amounts_pass(app, typed, currency, read):
    with app.test_request_context("/"), force_locale("en"):
        assert amounts.check(typed, currency, Decimal("5000"),
                             PROVIDER.charge_limits(currency), "en") == (read, None)


def test_the_reason_is_in_french_with_french_numbers(app):
    with app.test_request_context("/"), force_locale("fr"):
        _, error = amounts.check("1 234,56", "JPY", Decimal("5000"),
                                 PROVIDER.charge_limits("JPY"), "fr")
        assert error == "Saisissez un montant en JPY, par exemple 5\u202f000."
        amount, error = amounts.check("1 234,56", "EUR", Decimal("5000"),
                                      PROVIDER.charge_limits("EUR"), "fr")
        assert (amount, error) == (Decimal("1234.56"), None)
        _, error = amounts.check("0,001", "KWD", Decimal("10"), PROVIDER.charge_limits("KWD"),
                                 "fr")
        assert error == "Les montants en KWD doivent se terminer par 0, par exemple 0,150."
