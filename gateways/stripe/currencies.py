"""How Stripe writes amounts: the decimal places of its minor unit per currency
(https://docs.stripe.com/currencies#zero-decimal, #three-decimal). Pure.

Stripe's table is its own, not ISO 4217's: ISK is two-decimal at Stripe (ISO: none) and MGA
zero-decimal (ISO: two). [verify] ISK, HUF, TWD and UGX have Stripe-specific rules on which
amounts are allowed; their exponent here is the one Stripe uses to express amounts.
"""

from __future__ import annotations

from gateways.stripe.const import THREE_DECIMAL

ZERO_DECIMAL = frozenset(
    ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
     "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]
)


def exponent(currency: str) -> int:
    """Decimal places of Stripe's integer amounts in `currency` (any other code: two)."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2
