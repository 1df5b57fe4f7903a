"""Money as `Decimal` in major units; Stripe's minor units converted only at the edge.

Exponents follow Stripe's currency list (docs: stripe.com/docs/currencies). [verify] ISK, HUF,
TWD and UGX have Stripe-specific rules on which amounts are allowed; their exponent here is the
one Stripe uses to express amounts.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal

ZERO_DECIMAL = frozenset(
    ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
     "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]
)
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])


class MoneyError(ValueError):
    """An amount cannot be expressed exactly in its currency."""


def exponent(currency: str) -> int:
    code = currency.upper()
    if len(code) != 3 or not code.isalpha():
        raise MoneyError(f"{currency!r} is not an ISO 4217 currency code.")
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def from_minor(amount: int, currency: str) -> Decimal:
    """Stripe's integer amount (cents, yen, fils) → the ledger's Decimal, exact."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise MoneyError("Minor-unit amounts are whole numbers.")
    places = exponent(currency)
    return Decimal(amount).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def to_minor(amount: Decimal, currency: str) -> int:
    """The ledger's Decimal → Stripe's integer amount; refuses anything finer than the currency."""
    if not isinstance(amount, Decimal):
        raise MoneyError("Amounts are Decimal, never float.")
    places = exponent(currency)
    scaled = amount.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} has more than {places} decimals, the most {currency} allows.")
    return int(scaled)


# Group separators people type or Babel writes for a "space" grouping locale (French): a space,
# a no-break space (U+00A0) or a narrow no-break space (U+202F, CLDR's French group).
SPACES = (" ", "\u00a0", "\u202f", "\u2009")


def parse_amount(text: str, currency: str, locale: str) -> Decimal:
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
    to_minor(amount, currency)  # refuses more decimals than the currency has
    return amount.quantize(Decimal(1).scaleb(-exponent(currency)))


def format_amount(amount: Decimal, currency: str, locale: str) -> str:
    """The amount as the page's locale writes it, with the currency's own decimals
    (`1 234,56` in French, `1,234.56` in English, `1,500` yen, `0.150` dinar)."""
    places = exponent(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(amount, format=pattern, locale=locale, decimal_quantization=False)
