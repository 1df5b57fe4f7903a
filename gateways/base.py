"""The gateway contract: typed records, errors and the provider protocol every payment gateway
implements, so the add-on connects, inspects and disconnects a gateway without knowing which
one it is. No Flask, no ORM and no vendor SDK here (ARCHITECTURE.md § Layers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal, Protocol

Landing = Literal["login", "register"]
CURRENCY = re.compile(r"[A-Z]{3}")

# Metadata keys Remit puts on a payment it asks for (Checkout Session and PaymentIntent), so
# every event of the payment carries them back. Values are strings (gateways store no other).
METADATA_COMPANY = "remit_company"  # the add-on's company id
METADATA_GATEWAY = "remit_gateway"  # the add-on's gateway id
METADATA_INVOICES = "remit_invoices"  # comma-separated ledger invoice ids
METADATA_CUSTOMER = "remit_customer"  # the ledger customer the invoices belong to
METADATA_AMOUNTS = "remit_amounts"  # comma-separated Decimal strings, same order as invoices
# What a bookkeeper knows them by, for the Activity page only (never used to post): the
# invoices' numbers (same order, comma-separated) and the customer's name.
METADATA_NUMBERS = "remit_numbers"
METADATA_CUSTOMER_NAME = "remit_customer_name"
METADATA_VALUE_LIMIT = 500  # characters: Stripe refuses a longer metadata value


def payment_metadata(*, company_id: int, gateway_id: int, customer_id: str,
                     invoices: Sequence[tuple[str, Decimal]], customer_name: str = "",
                     numbers: Sequence[str | None] = ()) -> dict[str, str]:
    """The metadata Remit puts on a payment it asks for, naming its company, gateway, customer
    and each invoice with the amount paid for it (read back by addon.posting.engine), and the
    invoices' numbers and customer's name as the ledger shows them. Those two are shown, not
    posted: a name too long for the gateway is shortened, numbers too long are left out."""
    metadata = {METADATA_COMPANY: str(company_id), METADATA_GATEWAY: str(gateway_id),
                METADATA_INVOICES: ",".join(invoice_id for invoice_id, _ in invoices),
                METADATA_AMOUNTS: ",".join(str(amount) for _, amount in invoices),
                METADATA_CUSTOMER: customer_id}
    joined = ",".join(number or "" for number in numbers)
    if any(numbers) and len(joined) <= METADATA_VALUE_LIMIT \
            and not any("," in (number or "") for number in numbers):
        metadata[METADATA_NUMBERS] = joined
    if customer_name.strip():
        metadata[METADATA_CUSTOMER_NAME] = customer_name.strip()[:METADATA_VALUE_LIMIT]
    return metadata


@dataclass(frozen=True)
class Setting:
    """One REMIT_* setting a gateway plugin reads (`name` without the prefix; also the config
    key), as connectors.platform.Setting declares a ledger's. `required`: production does not
    start without it."""

    name: str
    kind: type
    default: object
    help: str
    secret: bool = False
    required: bool = False


@dataclass(frozen=True)
class ConnectedAccount:
    """What one successful authorization-code exchange yields: which account, in which mode, with
    which scope. No tokens: every call uses the platform key on behalf of the account, so what
    is never used is never handed over or stored."""

    account_id: str
    livemode: bool
    scope: str


@dataclass(frozen=True)
class AccountProfile:
    """The connected account as the settings page shows it and the currency picker filters by.
    Currencies are ISO 4217 codes in upper case, sorted."""

    account_id: str
    display_name: str
    country: str
    default_currency: str
    currencies: tuple[str, ...]  # those the account can accept payments in
    livemode: bool
    email: str | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    """A hosted payment page to open for a customer, on the connected account (the merchant of
    record). `idempotency_key` makes a retried create return the session the first one made;
    reusing it with other values is refused (GatewayRejected)."""

    account_id: str
    currency: str  # ISO 4217, upper case
    amount_minor: int  # in the currency's minor unit (cents, yen, fils)
    description: str  # what the customer sees they are paying for
    customer_email: str | None
    metadata: dict[str, str]
    success_url: str
    cancel_url: str
    idempotency_key: str
    expires_at: int | None = None  # Unix time the page stops taking payments; None: gateway's

    def __post_init__(self) -> None:
        """Refuse what the gateway would refuse anyway, before any HTTP call."""
        if not CURRENCY.fullmatch(self.currency):
            raise ValueError(f"currency must be an upper-case ISO code, not {self.currency!r}")
        if isinstance(self.amount_minor, bool) or not isinstance(self.amount_minor, int) \
                or self.amount_minor <= 0:
            raise ValueError("amount_minor must be a positive whole number of minor units")
        if not self.description.strip():
            raise ValueError("a description is required: the customer sees it")
        if not 0 < len(self.idempotency_key) <= 255:
            raise ValueError("idempotency_key must have 1 to 255 characters")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in self.metadata.items()):
            raise ValueError("metadata keys and values must be strings")


@dataclass(frozen=True)
class CheckoutSession:
    """Where to send the customer's browser to pay: the gateway's hosted page."""

    id: str
    url: str


@dataclass(frozen=True)
class CheckoutState:
    """Where a hosted payment page stands: `open` (payable), `complete` (paid: `payment_id`
    names the payment, for Stripe the PaymentIntent) or `expired` (can never be paid)."""

    id: str
    status: str
    payment_id: str | None = None


# Why a gateway refuses an amount (Stripe's error codes, used by every gateway).
AMOUNT_TOO_SMALL = "amount_too_small"
AMOUNT_TOO_LARGE = "amount_too_large"
AMOUNT_INVALID = "invalid_charge_amount"


@dataclass(frozen=True)
class ChargeLimits:
    """What one charge in a currency may be, in minor units: at least `minimum` (None: the
    gateway decides at the day's rate), at most `maximum`, a multiple of `step`."""

    currency: str
    minimum: int | None
    maximum: int
    step: int = 1

    def problem(self, amount_minor: int) -> str | None:
        """The refusal code the gateway would answer for this amount, or None."""
        if amount_minor % self.step:
            return AMOUNT_INVALID
        if amount_minor <= 0 or (self.minimum is not None and amount_minor < self.minimum):
            return AMOUNT_TOO_SMALL
        if amount_minor > self.maximum:
            return AMOUNT_TOO_LARGE
        return None


@dataclass(frozen=True)
class MoneyMovement:
    """Money that moved on a connected account, read from one gateway event. Several events of
    one payment give equal movements with the same `source_id` (for Stripe the PaymentIntent
    id), which is what the add-on deduplicates on. Amounts stay in minor units: the add-on
    converts them with the gateway's exponent (GatewayProvider.exponent)."""

    kind: str  # "payment"
    source_id: str
    charge_id: str | None  # known only to some events of the payment
    account_id: str
    livemode: bool
    currency: str  # ISO 4217, upper case
    amount_minor: int
    metadata: dict[str, str]  # as set at checkout; may lack Remit's keys (paid elsewhere)
    occurred_at: datetime  # aware, UTC


# What a gateway's money items are, once normalised (BalanceEntry.category).
ENTRY_PAYMENT = "payment"  # a charge: gross in, fee out
ENTRY_REFUND = "refund"  # money back to the customer (and a failed refund's return)
ENTRY_DISPUTE = "dispute"  # funds withdrawn for a dispute, or reinstated when it is won
ENTRY_PAYOUT = "payout"  # the balance paid out to the bank
ENTRY_PAYOUT_FAILURE = "payout_failure"  # a failed or cancelled payout's money coming back
ENTRY_OTHER = "other"  # anything else (adjustments, application fees...): shown, not posted


@dataclass(frozen=True)
class BalanceEntry:
    """One line of the gateway balance (a Stripe balance transaction), in the currency the
    gateway settles in: what moved, its fee and the net. Signed: money into the balance is
    positive (a charge), money out negative (a refund, a withdrawn dispute, a payout). Every
    ledger movement after the payment itself is derived from these, so the clearing account
    follows the gateway's balance to the minor unit."""

    id: str  # txn_...
    type: str  # the gateway's own (charge, payment, refund, adjustment, payout, ...)
    category: str  # ENTRY_*
    currency: str  # settlement currency, upper case
    amount_minor: int  # gross, signed
    fee_minor: int  # what the gateway kept (dispute fees included), >= 0 normally
    net_minor: int  # amount - fee
    # Presentment amount x rate = settlement amount; None when no conversion happened.
    exchange_rate: Decimal | None
    source_id: str | None  # the object it records: ch_, re_, dp_, po_...
    payment_id: str | None  # the payment (for Stripe the PaymentIntent) it belongs to, if known
    created_at: datetime  # aware, UTC
    available_at: datetime | None = None
    payout_id: str | None = None  # the payout that took it, when listed by payout

    def as_payload(self) -> dict:
        """JSON-ready, exact (minor units as ints, the rate as a string)."""
        return {"id": self.id, "type": self.type, "category": self.category,
                "currency": self.currency, "amount_minor": self.amount_minor,
                "fee_minor": self.fee_minor, "net_minor": self.net_minor,
                "exchange_rate": None if self.exchange_rate is None else str(self.exchange_rate),
                "source_id": self.source_id, "payment_id": self.payment_id,
                "created_at": self.created_at.isoformat(),
                "available_at": self.available_at.isoformat() if self.available_at else None,
                "payout_id": self.payout_id}

    @classmethod
    def from_payload(cls, stored: Mapping) -> BalanceEntry:
        rate, available = stored.get("exchange_rate"), stored.get("available_at")
        return cls(id=stored["id"], type=stored["type"], category=stored["category"],
                   currency=stored["currency"], amount_minor=stored["amount_minor"],
                   fee_minor=stored["fee_minor"], net_minor=stored["net_minor"],
                   exchange_rate=None if rate is None else Decimal(rate),
                   source_id=stored.get("source_id"), payment_id=stored.get("payment_id"),
                   created_at=datetime.fromisoformat(stored["created_at"]),
                   available_at=datetime.fromisoformat(available) if available else None,
                   payout_id=stored.get("payout_id"))


@dataclass(frozen=True)
class ChargeSettled:
    """A payment's charge now has its balance entry (Stripe: `balance_transaction` on the
    charge, often only on `charge.updated`): its fee can be recorded. `entry` is None when the
    event names the entry without its contents (webhooks never expand): fetch it by id."""

    kind = "fee"
    payment_id: str  # the payment's source id (PaymentIntent)
    charge_id: str
    account_id: str
    livemode: bool
    entry_id: str  # txn_...
    metadata: dict[str, str]
    occurred_at: datetime
    entry: BalanceEntry | None = None


@dataclass(frozen=True)
class RefundMovement:
    """Money sent back to a customer for a payment, whoever started it (Remit, the gateway's
    dashboard). Amount in the payment's (presentment) currency; its balance entry, once known,
    says what left the balance in the settlement currency."""

    kind = "refund"
    refund_id: str  # re_...
    payment_id: str | None  # the refunded payment's source id
    charge_id: str | None
    account_id: str
    livemode: bool
    currency: str  # presentment, upper case
    amount_minor: int  # > 0
    status: str  # "pending", "succeeded", "failed", "canceled", "requires_action"
    entry_id: str | None  # its balance entry (txn_...), once it has one
    metadata: dict[str, str]  # the refunded payment's (so Remit's keys route it)
    occurred_at: datetime


@dataclass(frozen=True)
class DisputeMovement:
    """Where a dispute (chargeback) stands, with the balance entries it caused so far
    (funds withdrawn: amount plus dispute fee; reinstated when won)."""

    kind = "dispute"
    dispute_id: str  # dp_...
    payment_id: str | None
    charge_id: str | None
    account_id: str
    livemode: bool
    currency: str  # presentment
    amount_minor: int
    status: str  # the gateway's (needs_response, under_review, won, lost, ...)
    closed: bool  # won or lost: final
    won: bool
    entries: tuple[BalanceEntry, ...]
    metadata: dict[str, str]
    occurred_at: datetime


@dataclass(frozen=True)
class PayoutMovement:
    """A payout of the balance to the bank. Its contents can be listed (payout_entries) only
    once `reconciled`; `status` failed or canceled after it was recorded means the money came
    back to the balance."""

    kind = "payout"
    payout_id: str  # po_...
    account_id: str
    livemode: bool
    currency: str  # upper case
    amount_minor: int  # > 0: what reaches the bank
    status: str  # "pending", "in_transit", "paid", "failed", "canceled"
    reconciled: bool  # the gateway finished listing what it contains
    arrival_date: date
    automatic: bool
    occurred_at: datetime
    # The entry that brought a failed or cancelled payout's money back (Stripe:
    # failure_balance_transaction): its creation dates the reversal.
    failure_entry_id: str | None = None


@dataclass(frozen=True)
class GatewayBalance:
    """The gateway's balance for one currency of an account, as it reports it now."""

    currency: str
    available_minor: int
    pending_minor: int


class EventKind(StrEnum):
    """What a gateway event means to the add-on, whatever the gateway calls it."""

    PAYMENT = "payment"  # money moved: the add-on reads it through movements()
    # (payments, charges settled with their fee, refunds, disputes and payouts alike)
    DEAUTHORIZED = "deauthorized"  # the account disconnected the platform
    OTHER = "other"  # kept, changes nothing the add-on tracks


@dataclass(frozen=True)
class ReceivedEvent:
    """One verified gateway event. `id` is unique per gateway (the add-on stores each once);
    `type` is the gateway's own name for it, kept for people and logs; `payload` is the event
    as the gateway sent it (JSON-ready), from which GatewayProvider.event and movements read
    it again later."""

    id: str
    type: str
    account_id: str | None
    livemode: bool
    payload: dict
    kind: EventKind
    occurred_at: datetime | None = None  # aware, UTC, when the gateway dated it


Movement = MoneyMovement | ChargeSettled | RefundMovement | DisputeMovement | PayoutMovement


class GatewayNotConfigured(RuntimeError):
    """Real mode without the gateway's platform credentials: it cannot be offered."""


class GatewayError(Exception):
    """A gateway call failed. Messages are for logs and the activity page: never put a key,
    token, authorization code or Authorization header in one."""


class GatewayAuthError(GatewayError):
    """The gateway refused the platform's credentials, or the account is no longer connected
    (deauthorized, revoked): reconnect; retrying unchanged will not help."""


class GatewayRateLimited(GatewayError):
    """Throttled; retry after `retry_after` seconds (None: the gateway did not say)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GatewayUnavailable(GatewayError):
    """Timeout, connection failure, 5xx or an unreadable answer: transient, retry later."""


class GatewayRejected(GatewayError):
    """The gateway understood the request and said no (unknown object, bad parameter): show
    `detail`; retrying unchanged fails the same way. `code` is the gateway's error code to
    branch on (e.g. AMOUNT_TOO_SMALL), "" when it sent none."""

    def __init__(self, message: str, detail: str = "", code: str = "") -> None:
        super().__init__(message)
        self.detail, self.code = detail, code


class ConnectRefused(GatewayError):
    """The connect flow ended without a connection: the user denied it (`access_denied`) or the
    gateway refused the code (`invalid_grant`: expired, already used, unknown), ... `code` is
    the OAuth error code to branch on; `description` is the gateway's text, safe to show."""

    def __init__(self, code: str, description: str = "") -> None:
        super().__init__(f"Connection refused: {code}")
        self.code, self.description = code, description


class WebhookRejected(Exception):
    """An incoming event failed verification; refuse it (HTTP 400). `reason` is safe to log:
    it never holds the secret or the signature."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def authorization_code(callback: Mapping[str, str]) -> str:
    """The code from the redirect back from the authorize page (RFC 6749 §4.1.2), or
    ConnectRefused with the error it carries. The caller checks `state` first."""
    error = callback.get("error")
    if error:
        raise ConnectRefused(error, callback.get("error_description", ""))
    code = callback.get("code")
    if not code:
        raise ConnectRefused("invalid_request", "The redirect carried neither a code nor an "
                                                "error.")
    return code


class GatewayProvider(Protocol):
    """One payment gateway as the add-on uses it. Every method calling the gateway may raise
    GatewayError (or ConnectRefused during the connect flow)."""

    kind: str  # registry key, e.g. "stripe"
    display_name: str

    def authorize_url(self, *, redirect_uri: str, state: str, landing: Landing,
                      prefill: Mapping[str, str]) -> str:
        """Where to send the browser to connect an account; `landing` opens the sign-in
        ("login") or sign-up ("register") page first; `prefill` suggests the new account's
        details (empty values are dropped)."""
        ...

    def exchange_code(self, code: str) -> ConnectedAccount:
        """Exactly one HTTP attempt: a code used twice makes the gateway revoke the
        connection it created."""
        ...

    def account_profile(self, account_id: str) -> AccountProfile: ...

    def deauthorize(self, account_id: str) -> None:
        """Disconnect the account from the platform (GatewayAuthError: it already was)."""
        ...

    # How long a hosted payment page the add-on opens stays payable, in seconds.
    session_lifetime: int
    # Origins of the gateway's pages a form of the add-on may lead to (connect, checkout):
    # the Content-Security-Policy's form-action lists them.
    page_origins: tuple[str, ...]
    # The event types checkout_update() may read a page's end from (to find stored ones).
    checkout_event_types: frozenset[str]

    def receive(self, body: bytes, headers: Mapping[str, str],
                secret: str | None) -> list[ReceivedEvent]:
        """The events of one webhook request (a batch is several), once the gateway's own
        check of the whole request (a signature header, or one inside the body) passes; else
        WebhookRejected. Pure: no HTTP."""
        ...

    def event(self, payload: Mapping) -> ReceivedEvent:
        """A stored event's payload read again (what receive() gave as `payload`). Pure."""
        ...

    def checkout_update(self, payload: Mapping) -> CheckoutState | None:
        """The hosted payment page a stored event says was paid ("complete") or closed
        ("expired"), else None. Pure."""
        ...

    def exponent(self, currency: str) -> int:
        """The decimal places of the gateway's minor unit in `currency` (2 for cents): every
        minor-unit amount of this gateway is read with it. Pure: no HTTP."""
        ...

    def payment_label(self, *, source_id: str, charge_id: str | None, account_id: str) -> str:
        """How a payment is named in the ledger's memo, in the gateway's words. Pure."""
        ...

    def dashboard_url(self, *, account_id: str, source_id: str, livemode: bool) -> str | None:
        """The payment's page in the gateway's own dashboard, or None. Pure."""
        ...

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """Open a hosted payment page on the connected account (one HTTP request)."""
        ...

    def expire_checkout(self, account_id: str, session_id: str) -> CheckoutState:
        """Close a hosted payment page so it can no longer be paid; a page that was not open
        any more (paid meanwhile, or expired) is read back instead, so the caller learns
        whether it was paid."""
        ...

    def checkout_state(self, account_id: str, session_id: str) -> CheckoutState:
        """Read where a hosted payment page stands (one request)."""
        ...

    def charge_limits(self, currency: str) -> ChargeLimits:
        """What the gateway accepts as one charge in `currency`. Pure: no HTTP."""
        ...

    def movements(self, event: dict) -> list[Movement]:
        """The money a verified event records; [] for events that record none. Pure: no HTTP.
        ValueError when a money event lacks what it needs. Besides payments: ChargeSettled
        (a charge's fee is known), RefundMovement, DisputeMovement and PayoutMovement."""
        ...

    def balance_entry(self, account_id: str, entry_id: str) -> BalanceEntry:
        """One balance entry by id, its source expanded so `payment_id` is known (one
        request). GatewayRejected when there is no such entry."""
        ...

    def payment_settlement(self, account_id: str, payment_id: str) -> BalanceEntry | None:
        """The balance entry of a payment's charge, read from the gateway (one request);
        None while the gateway has not made it yet (asynchronous capture)."""
        ...

    def payment(self, account_id: str, payment_id: str) -> MoneyMovement | None:
        """One payment as it stands now, with the metadata its checkout set (one request):
        whether it names a Remit gateway. None unless it succeeded."""
        ...

    def payout(self, account_id: str, payout_id: str) -> PayoutMovement:
        """One payout as it stands now (one request)."""
        ...

    def payout_entries(self, account_id: str, payout_id: str) -> list[BalanceEntry]:
        """Every balance entry a reconciled payout contains, the payout's own entry
        included, sources expanded (as many requests as pages, 100 entries a page)."""
        ...

    def balances(self, account_id: str) -> list[GatewayBalance]:
        """The account's available and pending balance per currency (one request)."""
        ...
