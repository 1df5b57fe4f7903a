"""What POST /v1/checkout/sessions accepts in the Stripe stand-in: `mode=payment` with line
items priced inline (`price_data`), the customer's email, metadata (on the session and, through
`payment_intent_data`, on the PaymentIntent), success and cancel URLs
(https://docs.stripe.com/api/checkout/sessions/create). Anything else Remit does not send is
refused with Stripe's error shape rather than silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sandbox import stripe_seed as seed

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
METADATA_KEYS, METADATA_KEY_LENGTH, METADATA_VALUE_LENGTH = 50, 40, 500  # Stripe's limits
ACCEPTED = {"mode", "line_items", "customer_email", "metadata", "payment_intent_data",
            "success_url", "cancel_url", "expires_at"}
# expires_at: 30 minutes to 24 hours after creation (Stripe's bounds; default 24 hours).
MIN_LIFETIME, MAX_LIFETIME = 30 * 60, 24 * 3600


class ParamError(Exception):
    """A parameter Stripe would refuse: answered 400 `invalid_request_error`."""

    def __init__(self, message: str, param: str, code: str = "parameter_invalid") -> None:
        super().__init__(message)
        self.message, self.param, self.code = message, param, code


@dataclass(frozen=True)
class SessionRequest:
    currency: str  # lower case, as Stripe writes it
    amount_total: int
    description: str  # the line items' product names, as the hosted page lists them
    customer_email: str | None
    success_url: str | None
    cancel_url: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    intent_metadata: dict[str, str] = field(default_factory=dict)
    expires_at: int | None = None


def read(params: dict, now: int | None = None) -> SessionRequest:
    """The parameters as a SessionRequest, or ParamError naming the first one refused."""
    unknown = sorted(set(params) - ACCEPTED)
    if unknown:
        raise ParamError(f"The Stripe sandbox does not support the parameter: {unknown[0]}.",
                         unknown[0], "parameter_unknown")
    if not params.get("mode"):
        raise ParamError("Missing required param: mode.", "mode", "parameter_missing")
    if params["mode"] != "payment":
        raise ParamError(f"The Stripe sandbox only opens Checkout Sessions in payment mode, "
                         f"not {params['mode']}.", "mode")
    currency, total, names = _line_items(params.get("line_items"))
    intent_data = params.get("payment_intent_data") or {}
    if not isinstance(intent_data, dict) or set(intent_data) - {"metadata"}:
        raise ParamError("The Stripe sandbox only supports payment_intent_data[metadata].",
                         "payment_intent_data", "parameter_unknown")
    return SessionRequest(
        currency=currency, amount_total=total, description=", ".join(names),
        customer_email=_email(params.get("customer_email")),
        success_url=_url(params.get("success_url"), "success_url"),
        cancel_url=_url(params.get("cancel_url"), "cancel_url"),
        metadata=_metadata(params.get("metadata"), "metadata"),
        intent_metadata=_metadata(intent_data.get("metadata"), "payment_intent_data[metadata]"),
        expires_at=_expires_at(params.get("expires_at"), now))


def _expires_at(value: object, now: int | None) -> int | None:
    if value in (None, ""):
        return None
    moment = _integer(value, "expires_at", 0)
    if now is not None and moment < now + MIN_LIFETIME:
        raise ParamError("The `expires_at` timestamp must be at least 30 minutes from Checkout "
                         "Session creation.", "expires_at")
    if now is not None and moment > now + MAX_LIFETIME:
        raise ParamError("The `expires_at` timestamp must be less than 24 hours from Checkout "
                         "Session creation.", "expires_at")
    return moment


def _line_items(items: object) -> tuple[str, int, list[str]]:
    if not items or not isinstance(items, list):
        raise ParamError("line_items is required in payment mode.", "line_items",
                         "parameter_missing")
    currencies, total, names = set(), 0, []
    for index, item in enumerate(items):
        where = f"line_items[{index}]"
        if not isinstance(item, dict) or "price" in item:
            raise ParamError("The Stripe sandbox only supports price_data line items.",
                             f"{where}[price]", "resource_missing")
        price = _required(item, "price_data", where)
        product = _required(price, "product_data", f"{where}[price_data]")
        currency = _currency(_required(price, "currency", f"{where}[price_data]"),
                             f"{where}[price_data][currency]")
        currencies.add(currency)
        quantity = _integer(_required(item, "quantity", where), f"{where}[quantity]", 1)
        unit = _integer(_required(price, "unit_amount", f"{where}[price_data]"),
                        f"{where}[price_data][unit_amount]", 0)
        total += unit * quantity
        names.append(_required(product, "name", f"{where}[price_data][product_data]"))
    if len(currencies) > 1:
        raise ParamError("All line_items must have the same currency.", "line_items")
    currency = currencies.pop()
    _charge_limits(currency, total)
    return currency, total, names


def _charge_limits(currency: str, total: int) -> None:
    """Stripe's per-currency limits on one charge (seed.MINIMUM_CHARGE and what follows)."""
    if currency in seed.THREE_DECIMAL_CURRENCIES and total % 10:
        raise ParamError("Amounts in three-decimal currencies must be rounded to the nearest "
                         "ten: the last digit must be 0.", "line_items", "invalid_charge_amount")
    minimum = seed.MINIMUM_CHARGE.get(currency, 1)
    if total < minimum:
        raise ParamError(f"The Checkout Session's total amount due must add up to at least "
                         f"{_display(minimum, currency)}.", "line_items",
                         "amount_too_small")
    if total > seed.MAXIMUM_CHARGE:
        raise ParamError(f"The Checkout Session's total amount due must be no more than "
                         f"{_display(seed.MAXIMUM_CHARGE, currency)}.", "line_items",
                         "amount_too_large")


def _display(amount_minor: int, currency: str) -> str:
    places = seed.exponent(currency)
    major, minor = divmod(amount_minor, 10 ** places)
    return f"{major:,}.{minor:0{places}d} {currency}" if places else f"{major:,} {currency}"


def _required(holder: object, name: str, where: str) -> object:
    value = holder.get(name) if isinstance(holder, dict) else None
    if value in (None, "", {}, []):
        raise ParamError(f"Missing required param: {where}[{name}].", f"{where}[{name}]",
                         "parameter_missing")
    return value


def _currency(value: object, param: str) -> str:
    code = str(value).lower()
    if code not in seed.PAYMENT_CURRENCIES:
        raise ParamError(f"Invalid currency: {code}. The Stripe sandbox supports: "
                         f"{', '.join(seed.PAYMENT_CURRENCIES)}.", param)
    return code


def _integer(value: object, param: str, least: int) -> int:
    text = str(value)
    if not re.fullmatch(r"-?\d+", text):
        raise ParamError(f"Invalid integer: {text}", param, "parameter_invalid_integer")
    if int(text) < least:
        raise ParamError(f"This value must be greater than or equal to {least}.", param,
                         "parameter_invalid_integer")
    return int(text)


def _email(value: object) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not EMAIL.fullmatch(value):
        raise ParamError(f"Invalid email address: {value}", "customer_email", "email_invalid")
    return value


def _url(value: object, param: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.match(r"https?://[^/\s]+", value):
        raise ParamError("Not a valid URL", param, "url_invalid")
    return value


def _metadata(value: object, param: str) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ParamError("Invalid object", param)
    if len(value) > METADATA_KEYS:
        raise ParamError(f"You can have at most {METADATA_KEYS} metadata keys.", param)
    for key, text in value.items():
        if len(key) > METADATA_KEY_LENGTH:
            raise ParamError(f"Metadata keys can have up to {METADATA_KEY_LENGTH} characters, "
                             f"but you passed in a key that is {len(key)} characters.", param)
        if not isinstance(text, str) or len(text) > METADATA_VALUE_LENGTH:
            raise ParamError(f"Metadata values can have up to {METADATA_VALUE_LENGTH} "
                             f"characters, but you passed in a value that is "
                             f"{len(str(text))} characters.", f"{param}[{key}]")
    return {key: text for key, text in value.items() if text != ""}  # "" unsets a key
