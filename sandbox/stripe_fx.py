"""Currency conversion in the Stripe stand-in (reference §2.3): which currency an account
settles a charge in, and the stand-in's own exchange rates.

An account settles in its default currency (its country's) unless it also settles in the
charge's currency (`settle_in`). A converted amount uses Stripe's semantics: presentment amount
x `exchange_rate` = settlement amount, the rate between major units, so minor units are scaled
by the currencies' exponents (JPY 0, KWD 3; sandbox/stripe_seed.py), rounded half up to the
settlement minor unit. Rates are the stand-in's own (not market quotes) and tests may move them
(`set_rate`): refunds and disputes convert at the rate of their own time, as at Stripe.
"""

from __future__ import annotations

import threading
from decimal import ROUND_HALF_UP, Decimal

from sandbox import stripe_seed as seed
from sandbox import stripe_state as state

# US dollars per unit of each currency: the stand-in's own reference, from which default rates
# between any two of them are derived (6 significant digits, like Stripe's exchange_rate).
USD_PER_UNIT = {"usd": Decimal("1"), "eur": Decimal("1.08"), "gbp": Decimal("1.27"),
                "jpy": Decimal("0.0067"), "kwd": Decimal("3.25"), "cad": Decimal("0.73")}
_lock = threading.Lock()
_rates: dict[tuple[str, str], Decimal] = {}
_settles_in: dict[str, set[str]] = {}


def reset() -> None:
    with _lock:
        _rates.clear()
        _settles_in.clear()


def set_rate(from_currency: str, to_currency: str, rate: str | float | Decimal) -> None:
    """From now on, 1 `from_currency` converts to `rate` `to_currency` (one direction only)."""
    value = Decimal(str(rate))
    if value <= 0:
        raise ValueError("an exchange rate is positive")
    with _lock:
        _rates[(from_currency.lower(), to_currency.lower())] = value


def rate(from_currency: str, to_currency: str) -> Decimal:
    """The rate now: a set one, else the default derived from USD_PER_UNIT. LookupError for a
    currency the stand-in has no rate for."""
    pair = (from_currency.lower(), to_currency.lower())
    with _lock:
        if pair in _rates:
            return _rates[pair]
    if pair[0] == pair[1]:
        return Decimal(1)
    try:
        derived = USD_PER_UNIT[pair[0]] / USD_PER_UNIT[pair[1]]
    except KeyError as unknown:
        raise LookupError(f"the stand-in has no rate from {pair[0]} to {pair[1]}") from unknown
    return derived.quantize(Decimal(1).scaleb(derived.adjusted() - 5))


def settle_in(account_id: str, *currencies: str) -> None:
    """The account also settles charges in these currencies (Stripe: a bank account in that
    currency), so they are not converted."""
    with _lock:
        _settles_in.setdefault(account_id, set()).update(c.lower() for c in currencies)


def default_currency(account_id: str) -> str:
    found = state.account(account_id) or {}
    return found.get("default_currency") or "usd"


def settlement_currency(account_id: str, presentment: str) -> str:
    """The currency the account's balance receives a charge in `presentment` in."""
    with _lock:
        extra = set(_settles_in.get(account_id, ()))
    default = default_currency(account_id)
    return presentment if presentment == default or presentment in extra else default


def convert(amount_minor: int, from_currency: str, to_currency: str,
            exchange_rate: Decimal) -> int:
    """`amount_minor` of `from_currency` in minor units of `to_currency`, half up."""
    scale = Decimal(10) ** (seed.exponent(to_currency) - seed.exponent(from_currency))
    converted = Decimal(amount_minor) * exchange_rate * scale
    return int(converted.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def settle(account_id: str, amount_minor: int, presentment: str) -> tuple[int, str, float | None]:
    """What `amount_minor` in `presentment` becomes in the account's balance now: (amount,
    settlement currency, exchange_rate or None when not converted). Negative amounts (refunds,
    disputes) convert symmetrically (half away from zero)."""
    currency = settlement_currency(account_id, presentment)
    if currency == presentment:
        return amount_minor, currency, None
    now = rate(presentment, currency)
    magnitude = convert(abs(amount_minor), presentment, currency, now)
    return (magnitude if amount_minor >= 0 else -magnitude), currency, float(now)
