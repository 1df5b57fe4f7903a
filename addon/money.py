"""Money as `Decimal` in major units; Stripe's minor units converted only at the edge.

Exponents follow Stripe's currency list (docs: stripe.com/docs/currencies). [verify] ISK, HUF,
TWD and UGX have Stripe-specific rules on which amounts are allowed; their exponent here is the
one Stripe uses to express amounts.
"""

from __future__ import annotations

from decimal import Decimal

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
