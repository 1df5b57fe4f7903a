"""Money as `Decimal` in major units; a gateway's integer minor units converted only at the edge.

The arithmetic is here; which exponent an amount was written with is the gateway's (its
`exponent(currency)`, reached through addon.gateways.registry), passed in as `places`. Without
one, ISO 4217's minor unit applies (the neutral table below).
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal

# ISO 4217 currencies whose minor unit is not the hundredth (ISO 4217 list one, 2024).
ISO_MINOR_UNITS = {
    **dict.fromkeys(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                     "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}


class MoneyError(ValueError):
    """An amount cannot be expressed exactly in its currency."""


def exponent(currency: str, places: int | None = None) -> int:
    """`places` when given (the gateway's exponent for the amount), else ISO 4217's; either
    way MoneyError unless `currency` is a three-letter code."""
    code = currency.upper()
    if len(code) != 3 or not code.isalpha():
        raise MoneyError(f"{currency!r} is not an ISO 4217 currency code.")
    return ISO_MINOR_UNITS.get(code, 2) if places is None else places


def from_minor(amount: int, currency: str, places: int | None = None) -> Decimal:
    """An integer amount (cents, yen, fils) → the ledger's Decimal, exact."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise MoneyError("Minor-unit amounts are whole numbers.")
    places = exponent(currency, places)
    return Decimal(amount).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def to_minor(amount: Decimal, currency: str, places: int | None = None) -> int:
    """The ledger's Decimal → an integer amount; refuses anything finer than the currency."""
    if not isinstance(amount, Decimal):
        raise MoneyError("Amounts are Decimal, never float.")
    places = exponent(currency, places)
    scaled = amount.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} has more than {places} decimals, the most {currency} allows.")
    return int(scaled)


# Group separators people type or Babel writes for a "space" grouping locale (French): a space,
# a no-break space (U+00A0) or a narrow no-break space (U+202F, CLDR's French group).
SPACES = (" ", "\u00a0", "\u202f", "\u2009")


def parse_amount(text: str, currency: str, locale: str, places: int | None = None) -> Decimal:
    """What a customer typed, read in the page's locale (`1 234,56` in French, `1,234.56` in
    English) and exact in `currency`; MoneyError when it is not a finite amount the currency
    can express (`NaN`, `Infinity`, `1.5` yen, `0.0001` dinar)."""
    group = get_group_symbol(locale)
    cleaned = text.strip()
    if any(character.isalpha() for character in cleaned):  # NaN, Infinity, 1e3
        raise MoneyError(f"{text!r} is not an amount.")
    if group in SPACES:
        for space in SPACES:
            cleaned = cleaned.replace(space, group)
    try:
        amount = parse_decimal(cleaned, locale=locale, strict=True)
    except NumberFormatError as error:
        raise MoneyError(f"{text!r} is not an amount.") from error
    to_minor(amount, currency, places)  # refuses more decimals than the currency has
    return amount.quantize(Decimal(1).scaleb(-exponent(currency, places)))


def format_amount(amount: Decimal, currency: str, locale: str,
                  places: int | None = None) -> str:
    """The amount as the page's locale writes it, with the currency's own decimals
    (`1 234,56` in French, `1,234.56` in English, `1,500` yen, `0.150` dinar)."""
    places = exponent(currency, places)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(amount, format=pattern, locale=locale, decimal_quantization=False)
