"""Amounts typed on the pay page, read in the page's locale through Babel, and the gateway's
per-currency charge limits (zero- and three-decimal currencies included)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from addon.money import MoneyError, format_amount, parse_amount
from gateways.base import AMOUNT_INVALID, AMOUNT_TOO_LARGE, AMOUNT_TOO_SMALL
from gateways.stripe import StripeGateway


@pytest.mark.parametrize(("typed", "currency", "locale", "read"), [
    ("1 234,56", "EUR", "fr", Decimal("1234.56")),
    ("1\u202f234,56", "EUR", "fr", Decimal("1234.56")),  # Babel's French group separator
    ("1\u00a0234,56", "EUR", "fr", Decimal("1234.56")),
    ("1234,5", "EUR", "fr", Decimal("1234.50")),
    ("1,234.56", "USD", "en", Decimal("1234.56")),
    ("1500", "JPY", "en", Decimal("1500")),
    ("0.150", "KWD", "en", Decimal("0.150")),
])
def test_amounts_are_read_in_the_pages_locale(typed, currency, locale, read):
    assert parse_amount(typed, currency, locale) == read


@pytest.mark.parametrize(("typed", "currency", "locale"), [
    ("Infinity", "USD", "en"), ("NaN", "USD", "en"), ("-Infinity", "USD", "en"),
    ("1e3", "USD", "en"), ("", "USD", "en"), ("abc", "USD", "en"),
    ("1.5", "JPY", "en"), ("0.0001", "KWD", "en"), ("12.345", "USD", "en"),
    ("1.234,56", "USD", "en"), ("1 234,56", "USD", "en"),
])
def test_what_is_not_an_amount_in_the_currency_is_refused(typed, currency, locale):
    with pytest.raises(MoneyError):
        parse_amount(typed, currency, locale)


@pytest.mark.parametrize(("amount", "currency", "locale", "shown"), [
    (Decimal("1234.5"), "EUR", "fr", "1\u202f234,50"),
    (Decimal("1234.5"), "USD", "en", "1,234.50"),
    (Decimal("1500"), "JPY", "en", "1,500"),
    (Decimal("0.15"), "KWD", "en", "0.150"),
])
def test_amounts_are_shown_with_the_currencys_decimals(amount, currency, locale, shown):
    assert format_amount(amount, currency, locale) == shown
    assert parse_amount(shown, currency, locale) == amount


@pytest.mark.parametrize(("currency", "amount_minor", "problem"), [
    ("USD", 10, AMOUNT_TOO_SMALL), ("USD", 49, AMOUNT_TOO_SMALL), ("USD", 50, None),
    ("EUR", 49, AMOUNT_TOO_SMALL), ("GBP", 30, None), ("GBP", 29, AMOUNT_TOO_SMALL),
    ("JPY", 49, AMOUNT_TOO_SMALL), ("JPY", 50, None),
    ("KWD", 1, AMOUNT_INVALID), ("KWD", 1505, AMOUNT_INVALID), ("KWD", 1500, None),
    ("USD", 99_999_999, None), ("USD", 100_000_000, AMOUNT_TOO_LARGE),
])
def test_stripes_charge_limits_come_from_the_provider(currency, amount_minor, problem):
    limits = StripeGateway("ca_x", "sk_test_x").charge_limits(currency)
    assert limits.problem(amount_minor) == problem
