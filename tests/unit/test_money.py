from decimal import Decimal

import pytest

from addon.money import MoneyError, exponent, from_minor, to_minor


@pytest.mark.parametrize(
    ("minor", "currency", "expected"),
    [
        (12345, "usd", Decimal("123.45")),
        (5, "EUR", Decimal("0.05")),
        (1500, "JPY", Decimal("1500")),
        (1234, "KWD", Decimal("1.234")),
        (-250, "GBP", Decimal("-2.50")),
    ],
)
def test_minor_units_become_exact_decimals(minor, currency, expected):
    amount = from_minor(minor, currency)
    assert amount == expected
    assert amount.as_tuple().exponent == -exponent(currency)
    assert to_minor(amount, currency) == minor


def test_an_amount_finer_than_the_currency_is_refused():
    with pytest.raises(MoneyError, match="more than 0 decimals"):
        to_minor(Decimal("10.5"), "JPY")
    with pytest.raises(MoneyError, match="more than 2 decimals"):
        to_minor(Decimal("1.005"), "USD")


def test_floats_and_bad_codes_are_refused():
    with pytest.raises(MoneyError, match="never float"):
        to_minor(1.5, "USD")
    with pytest.raises(MoneyError, match="whole numbers"):
        from_minor(1.5, "USD")
    with pytest.raises(MoneyError, match="ISO 4217"):
        exponent("US")
