"""Connect events → money movements (reference §4.1, §4.3). Pure: no HTTP, no clock.
The payment itself is read here; what follows it (a charge's fee, refunds, disputes, payouts)
in balance_events.py, whose readers this module's READERS include.

One card payment through Checkout brings several events, in no guaranteed order and possibly
more than once: `charge.succeeded`, `payment_intent.succeeded`, `checkout.session.completed`,
and later `charge.updated` (when the balance transaction arrives, reference §2.2). Each gives
the same payment movement (a charge naming its balance transaction also a ChargeSettled),
keyed by the PaymentIntent id (`source_id`), the one id all of them carry; the add-on records
the first and recognises the others by that key. Only the charge events know the charge id.

Remit's metadata (set by the add-on at checkout, copied to the PaymentIntent and its Charge):

| key | value |
|---|---|
| `remit_company` | the add-on's company id |
| `remit_gateway` | the add-on's gateway id |
| `remit_invoices` | comma-separated ledger invoice ids |
| `remit_amounts` | comma-separated Decimal strings in major units, same order as the invoices |
| `remit_numbers` | the invoices' numbers as the ledger shows them, same order (shown, not posted) |
| `remit_customer_name` | the customer's name as the ledger shows it (shown, not posted) |

Movements are produced whether or not the metadata has these keys (a payment made in Stripe
directly has none): the add-on decides what to do with it. Stripe limits a metadata value to
500 characters, which bounds how many invoices one payment can name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from gateways.base import (
    CURRENCY,
    CheckoutState,
    EventKind,
    MoneyMovement,
    Movement,
    ReceivedEvent,
)
from gateways.stripe import balance_events

# The account's owner disconnected the platform in Stripe's dashboard (reference §4.1).
DEAUTHORIZED = "account.application.deauthorized"
# A Checkout Session was paid (or completed unpaid, for async methods) / expired unpaid.
CHECKOUT_COMPLETED = "checkout.session.completed"
CHECKOUT_EXPIRED = "checkout.session.expired"
CHECKOUT_EVENTS = frozenset({CHECKOUT_COMPLETED, CHECKOUT_EXPIRED})


def received(event: Mapping) -> ReceivedEvent:
    """A verified snapshot event as the add-on stores it, typed by what it means."""
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str):
        raise ValueError("a Stripe event has an id and a type")
    account, created = event.get("account"), event.get("created")
    if event_type == DEAUTHORIZED:
        kind = EventKind.DEAUTHORIZED
    elif event_type in READERS:
        kind = EventKind.PAYMENT
    else:
        kind = EventKind.OTHER
    return ReceivedEvent(id=event_id, type=event_type,
                         account_id=account if isinstance(account, str) else None,
                         livemode=bool(event.get("livemode")), payload=dict(event), kind=kind,
                         occurred_at=datetime.fromtimestamp(created, tz=UTC)
                         if isinstance(created, int) and not isinstance(created, bool) else None)


def checkout_update(event: Mapping) -> CheckoutState | None:
    """The Checkout Session a completion or expiry event is about, with its PaymentIntent
    (a string or expanded); None for any other event."""
    event_type = event.get("type")
    if event_type not in CHECKOUT_EVENTS:
        return None
    session = (event.get("data") or {}).get("object") or {}
    intent = session.get("payment_intent")
    if isinstance(intent, Mapping):
        intent = intent.get("id")
    return CheckoutState(id=session.get("id"),
                         status="complete" if event_type == CHECKOUT_COMPLETED else "expired",
                         payment_id=intent if isinstance(intent, str) and intent else None)


def movements(event: Mapping) -> list[Movement]:
    """The money an event records: a payment (with its ChargeSettled once a charge names its
    balance transaction), refunds, a dispute or a payout; [] for any other event, an unpaid or
    uncaptured payment, or one that is not about a connected account (no `account`).
    ValueError when a money event lacks a field it needs."""
    read = READERS.get(event.get("type", ""))
    account_id = event.get("account")
    if read is None or not isinstance(account_id, str) or not account_id:
        return []
    return read((event.get("data") or {}).get("object") or {}, event)


def read_payment(intent: Mapping, account_id: str) -> MoneyMovement | None:
    """A PaymentIntent read from the API (not from an event) as the payment its events would
    give: None unless it succeeded. ValueError when it lacks what a payment needs."""
    return _intent(intent, {"type": "payment_intent", "id": intent.get("id"),
                            "account": account_id, "livemode": intent.get("livemode"),
                            "created": intent.get("created")})


def _session(session: Mapping, event: Mapping) -> MoneyMovement | None:
    """A completed Checkout Session, once paid: async methods complete it unpaid first."""
    if session.get("payment_status") != "paid" or session.get("mode") != "payment":
        return None
    return _movement(event, source_id=_id(session.get("payment_intent"), "payment_intent"),
                     charge_id=None, paid=session, amount=session.get("amount_total"),
                     occurred=event.get("created"))


def _intent(intent: Mapping, event: Mapping) -> MoneyMovement | None:
    if intent.get("status") != "succeeded":
        return None
    charge = intent.get("latest_charge")
    return _movement(event, source_id=_id(intent.get("id"), "id"),
                     charge_id=_id(charge, "latest_charge") if charge else None, paid=intent,
                     amount=intent.get("amount_received"), occurred=event.get("created"))


def _charge_movements(charge: Mapping, event: Mapping) -> list[Movement]:
    """The charge's payment, and its fee's entry once the charge names it."""
    paid = _charge(charge, event)
    if paid is None:
        return []
    settled = balance_events.charge_settled(charge, event, paid)
    return [paid] if settled is None else [paid, settled]


def _charge(charge: Mapping, event: Mapping) -> MoneyMovement | None:
    """A succeeded, captured charge. Its own `created` dates it: `charge.updated` may come
    hours after the payment. A charge without a PaymentIntent (the legacy Charges API) is
    keyed by its own id."""
    if charge.get("status") != "succeeded" or charge.get("paid") is not True \
            or charge.get("captured") is not True:
        return None
    charge_id = _id(charge.get("id"), "id")
    intent = charge.get("payment_intent")
    return _movement(event, source_id=_id(intent, "payment_intent") if intent else charge_id,
                     charge_id=charge_id, paid=charge, amount=charge.get("amount_captured"),
                     occurred=charge.get("created"))


def _movement(event: Mapping, *, source_id: str, charge_id: str | None, paid: Mapping,
              amount: object, occurred: object) -> MoneyMovement | None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"{event.get('type')} {event.get('id')}: no whole minor-unit amount")
    if amount == 0:
        return None  # nothing moved
    currency = str(paid.get("currency") or "").upper()
    if not CURRENCY.fullmatch(currency):
        raise ValueError(f"{event.get('type')} {event.get('id')}: no currency")
    if isinstance(occurred, bool) or not isinstance(occurred, int):
        raise ValueError(f"{event.get('type')} {event.get('id')}: no creation time")
    metadata = paid.get("metadata") or {}
    return MoneyMovement(
        kind="payment", source_id=source_id, charge_id=charge_id, account_id=event["account"],
        livemode=event.get("livemode") is True, currency=currency, amount_minor=amount,
        metadata={str(key): str(value) for key, value in metadata.items()},
        occurred_at=datetime.fromtimestamp(occurred, tz=UTC))


def _id(value: object, field: str) -> str:
    """An object id, whether Stripe sent it as a string or expanded the object."""
    if isinstance(value, Mapping):
        value = value.get("id")
    if not isinstance(value, str) or not value:
        raise ValueError(f"the event's object has no {field}")
    return value


def _at_most_one(read: Callable[[Mapping, Mapping], MoneyMovement | None]
                 ) -> Callable[[Mapping, Mapping], list[Movement]]:
    def reader(obj: Mapping, event: Mapping) -> list[Movement]:
        found = read(obj, event)
        return [found] if found is not None else []
    return reader


READERS: dict[str, Callable[[Mapping, Mapping], list[Movement]]] = {
    "checkout.session.completed": _at_most_one(_session),
    "checkout.session.async_payment_succeeded": _at_most_one(_session),
    "payment_intent.succeeded": _at_most_one(_intent),
    "charge.succeeded": _charge_movements,
    "charge.updated": _charge_movements,
    **balance_events.READERS,
}
