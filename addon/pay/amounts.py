"""What the customer typed on the pay page, as an amount the gateway will take, or the reason
it cannot be paid (in the page's language) — decided before any gateway call, from the
gateway's own limits (GatewayProvider.charge_limits), so no Stripe fact is written here."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from addon import money
from gateways.base import AMOUNT_INVALID, AMOUNT_TOO_LARGE, AMOUNT_TOO_SMALL, ChargeLimits


def check(raw: str, currency: str, due: Decimal, limits: ChargeLimits, locale: str,
          places: int | None = None) -> tuple[Decimal, str | None]:
    """The amount typed, and None or the reason it cannot be paid. `places`: the gateway's
    exponent for `currency` (its limits are in its minor unit)."""
    try:
        amount = money.parse_amount(raw, currency, locale, places)
    except money.MoneyError:
        return Decimal(0), _("Enter an amount in %(currency)s, for example %(example)s.",
                             currency=currency,
                             example=money.format_amount(due, currency, locale, places))
    if amount <= 0:
        return amount, _("The amount must be more than zero.")
    if amount > due:
        return amount, too_much(due, currency, locale, places)
    problem = limits.problem(money.to_minor(amount, currency, places))
    return amount, limit_message(problem, limits, currency, locale, places) if problem else None


def limit_message(code: str, limits: ChargeLimits, currency: str, locale: str,
                  places: int | None = None) -> str | None:
    """What to tell the customer for a gateway's refusal code; None for other refusals."""
    if code == AMOUNT_TOO_SMALL and limits.minimum is not None:
        return _("The smallest amount that can be paid online in %(currency)s is %(minimum)s.",
                 currency=currency, minimum=_minor(limits.minimum, currency, locale, places))
    if code == AMOUNT_TOO_SMALL:
        return _("This amount is too small to be paid online in %(currency)s.",
                 currency=currency)
    if code == AMOUNT_TOO_LARGE:
        return _("The largest amount that can be paid online at once in %(currency)s is "
                 "%(maximum)s.", currency=currency,
                 maximum=_minor(limits.maximum, currency, locale, places))
    if code == AMOUNT_INVALID:
        return _("Amounts in %(currency)s must end in 0, for example %(example)s.",
                 currency=currency, example=_minor(limits.step * 15, currency, locale, places))
    return None


def too_much(due: Decimal, currency: str, locale: str, places: int | None = None) -> str:
    return _("The amount cannot be more than the %(due)s %(currency)s still due.",
             due=money.format_amount(due, currency, locale, places), currency=currency)


def _minor(amount_minor: int, currency: str, locale: str, places: int | None) -> str:
    return money.format_amount(money.from_minor(amount_minor, currency, places), currency,
                               locale, places)
