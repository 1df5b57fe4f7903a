"""The Stripe stand-in's payments: Checkout Sessions opened for connected accounts (direct
charges), and what paying one makes — a succeeded PaymentIntent and its captured Charge on the
same account, the session complete and paid.

Test cards, as in Stripe's test mode (https://docs.stripe.com/testing): 4242 4242 4242 4242
succeeds, 4000 0000 0000 0002 is declined; any other number is invalid. Spaces and dashes are
ignored. A declined or invalid card leaves the session open and makes nothing.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox import stripe_balance as balance
from sandbox import stripe_objects as objects
from sandbox import stripe_state as state
from sandbox.stripe_sessions import SessionRequest

SUCCEEDS, DECLINED = "4242424242424242", "4000000000000002"
DECLINED_MESSAGE = "Your card was declined."
INVALID_MESSAGE = "Your card number is invalid."
clock = time.time  # tests move time forward by replacing it
_lock = threading.RLock()


class CardRefused(Exception):
    """The card cannot pay; `message` is what the hosted page shows the customer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPayable(LookupError):
    """No such session, or it is complete or expired."""


@dataclass
class _Session:
    account_id: str
    request: SessionRequest
    obj: dict


@dataclass(frozen=True)
class Paid:
    """What one successful payment made, on `account_id`."""

    account_id: str
    session: dict
    intent: dict
    charge: dict  # as charge.succeeded shows it
    settled: dict | None = None  # as a later charge.updated shows it (async capture scenario)


@dataclass(frozen=True)
class Page:
    """What the hosted page shows for a session."""

    session: dict
    merchant: str
    description: str
    amount: str


_sessions: dict[str, _Session] = {}
_intents: dict[str, dict] = {}
_charges: dict[str, dict] = {}
_owners: dict[str, str] = {}  # PaymentIntent or Charge id -> its account


def reset() -> None:
    with _lock:
        _sessions.clear()
        _intents.clear()
        _charges.clear()
        _owners.clear()


def create_session(account_id: str, request: SessionRequest,
                   page_url: Callable[[str], str]) -> dict:
    """A new open session on the account; `page_url(id)` is its hosted page."""
    session_id = objects.new_id("cs_test_a1", 58)
    made = objects.checkout_session(session_id, request, url=page_url(session_id),
                                    created=int(clock()))
    with _lock:
        _sessions[session_id] = _Session(account_id, request, made)
    return copy.deepcopy(made)


def session(session_id: str, account_id: str) -> dict | None:
    """The session as its account sees it; None for another account's (Stripe: no such)."""
    with _lock:
        found = _sessions.get(session_id)
        if found is None or found.account_id != account_id:
            return None
        return copy.deepcopy(_expired_if_due(found).obj)


def sessions() -> list[dict]:
    with _lock:
        return [copy.deepcopy(_expired_if_due(found).obj) for found in _sessions.values()]


def page(session_id: str) -> Page | None:
    with _lock:
        found = _sessions.get(session_id)
        if found is None:
            return None
        account = state.account(found.account_id) or {}
        merchant = ((account.get("settings") or {}).get("dashboard") or {}).get(
            "display_name") or found.account_id
        request = found.request
        return Page(copy.deepcopy(_expired_if_due(found).obj), merchant, request.description,
                    objects.display_amount(request.amount_total, request.currency))


def pay(session_id: str, card: str) -> Paid:
    """Pay an open session with a test card: NotPayable, CardRefused, or what it made."""
    digits = re.sub(r"[\s-]", "", card or "")
    with _lock:
        found = _sessions.get(session_id)
        if found is None or _expired_if_due(found).obj["status"] != "open":
            raise NotPayable(f"{session_id} is not an open Checkout Session")
        if digits == DECLINED:
            raise CardRefused(DECLINED_MESSAGE)
        if digits != SUCCEEDS:
            raise CardRefused(INVALID_MESSAGE)
        return _succeed(found, last4=digits[-4:])


def _succeed(found: _Session, last4: str) -> Paid:
    suffix = objects.new_id("3Remit")
    intent = objects.payment_intent("pi_" + suffix, "ch_" + suffix, found.request,
                                    method_id=objects.new_id("pm_1Remit"),
                                    created=int(clock()))
    made = objects.charge("ch_" + suffix, intent,
                          account=state.account(found.account_id) or {}, last4=last4)
    found.obj = objects.completed(found.obj, intent["id"])
    settled = {**made, "balance_transaction": balance.record_charge(found.account_id, made)["id"]}
    shown_on = balance.balance_transaction_on()
    succeeded = settled if shown_on == "succeeded" else made
    _intents[intent["id"]], _charges[made["id"]] = intent, settled
    _owners[intent["id"]] = _owners[made["id"]] = found.account_id
    return Paid(found.account_id, copy.deepcopy(found.obj), copy.deepcopy(intent),
                copy.deepcopy(succeeded),
                copy.deepcopy(settled) if shown_on == "updated" else None)


def expire(session_id: str, account_id: str) -> dict:
    """POST …/expire: the open session, expired now; LookupError (no such session for this
    account) or NotPayable (it is no longer open: Stripe expires open sessions only)."""
    with _lock:
        found = _sessions.get(session_id)
        if found is None or found.account_id != account_id:
            raise LookupError(session_id)
        if _expired_if_due(found).obj["status"] != "open":
            raise NotPayable(found.obj["status"])
        found.obj = objects.expired(found.obj)
        return copy.deepcopy(found.obj)


def _expired_if_due(found: _Session) -> _Session:
    """Stripe expires an unpaid session at `expires_at` (24 h by default)."""
    if found.obj["status"] == "open" and clock() >= found.obj["expires_at"]:
        found.obj = objects.expired(found.obj)
    return found


def intent(intent_id: str, account_id: str | None = None) -> dict | None:
    """The PaymentIntent; with `account_id`, None when it is another account's (Stripe: no
    such)."""
    with _lock:
        found = _intents.get(intent_id)
        if found is None or account_id not in (None, _owners.get(intent_id)):
            return None
        return copy.deepcopy(found)


def charge(charge_id: str, account_id: str | None = None) -> dict | None:
    """The Charge as it is now (its balance transaction named); `account_id` as for
    `intent`."""
    with _lock:
        found = _charges.get(charge_id)
        if found is None or account_id not in (None, _owners.get(charge_id)):
            return None
        return copy.deepcopy(found)


def locked() -> threading.RLock:
    """The payments' lock: refunds and disputes check and change a charge under it."""
    return _lock


def owner(object_id: str) -> str | None:
    """The account a PaymentIntent or Charge belongs to."""
    with _lock:
        return _owners.get(object_id)


def update_charge(charge_id: str, **changes: object) -> dict:
    """A refund or dispute changed the charge (amount_refunded, refunded, disputed): the
    charge as it is now."""
    with _lock:
        _charges[charge_id].update(copy.deepcopy(changes))
        return copy.deepcopy(_charges[charge_id])
