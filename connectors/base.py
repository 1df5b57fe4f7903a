"""The connector contract: typed records and errors every accounting platform maps onto.

Kept free of Flask, the ORM and vendor SDKs so the add-on, the posting engine and the tests can
speak about ledgers without knowing which platform is behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class CompanyInfo:
    """What Remit needs to know about a connected ledger before offering currencies."""

    name: str
    home_currency: str  # ISO 4217
    multicurrency: bool
    country: str | None  # as the platform reports it (QuickBooks: "US", "GB", ...)


@dataclass(frozen=True)
class Currency:
    """A currency the ledger has enabled."""

    code: str  # ISO 4217
    name: str | None = None


@dataclass(frozen=True)
class LedgerAccount:
    """One chart-of-accounts entry, as offered in the deposit/receivable pickers."""

    id: str
    name: str
    account_type: str
    account_subtype: str | None
    currency: str
    active: bool
    payments_enabled: bool = False  # Xero: EnablePaymentsToAccount
    system_account: str | None = None  # Xero: e.g. "DEBTORS"


@dataclass(frozen=True)
class Invoice:
    """An invoice as the pay-now page and the posting engine need it. Amounts are Decimal in
    the invoice currency's exponent."""

    id: str
    number: str | None
    customer_id: str
    customer_name: str
    currency: str
    total: Decimal
    balance: Decimal  # still due
    # "open", "paid", "void" or "draft" (Xero DRAFT or SUBMITTED: not approved, takes no
    # payment). Only an open invoice gets a pay link.
    status: str
    exchange_rate: Decimal | None = None  # home units per invoice unit, for foreign invoices
    # The first line's item (QuickBooks ItemRef) or account code (Xero): a refund credits it.
    income_ref: str | None = None
    due_date: date | None = None  # as the ledger shows it, for the pay-link picker


@dataclass(frozen=True)
class InvoiceApplication:
    invoice_id: str
    amount: Decimal  # in the payment's (= the invoice's) currency


@dataclass(frozen=True)
class PaymentPosting:
    """One customer payment to record in the ledger, already mapped to the company's accounts.

    `idempotency_key` is derived from the source object (the Stripe payment) and the posting's
    attempt generation, so a retry after a crash sends the same key (QuickBooks `requestid`, Xero
    `Idempotency-Key`), and only a payment the ledger refused is tried under a new one.
    """

    idempotency_key: str  # <= 50 characters (QuickBooks' requestid limit)
    customer_id: str
    currency: str
    amount: Decimal  # total received, = sum of the applications + credit
    paid_on: date
    deposit_account_id: str
    receivable_account_id: str | None  # QuickBooks; Xero uses its single AR account
    applications: tuple[InvoiceApplication, ...]
    reference: str  # shown in the ledger, e.g. the Stripe charge id (<= 21 chars for QBO)
    memo: str  # longer note with every Stripe id (QBO PrivateNote; Xero ignores it)
    exchange_rate: Decimal | None = None  # home units per foreign unit, when foreign
    # What was paid beyond the invoices' balances due: kept as the customer's credit in the
    # ledger (QuickBooks UnappliedAmt, a Xero Overpayment). Applications may then be empty.
    credit: Decimal = Decimal(0)
    # When the gateway converted the payment into the home currency: what it settled, exactly.
    # A ledger that rounds each invoice's share on its own (Xero: one Payment per invoice) must
    # make the shares add up to it, or the clearing account drifts by a cent.
    settled_amount: Decimal | None = None


@dataclass(frozen=True)
class JournalLine:
    """One line of a balanced movement between accounts: positive debits, negative credits."""

    account_id: str
    amount: Decimal  # in the posting's currency
    description: str


@dataclass(frozen=True)
class JournalPosting:
    """Money moved between two or more accounts with no customer involved: a gateway fee
    (fees account debited, clearing credited) or a dispute step (losses and fees debited,
    clearing credited; reversed when won). Lines sum to zero. QuickBooks: JournalEntry; Xero:
    ManualJournal (in the base currency, converted at `exchange_rate`)."""

    idempotency_key: str
    currency: str
    posted_on: date
    lines: tuple[JournalLine, ...]
    reference: str  # e.g. the balance transaction id, cut to the ledger's reference limit
    memo: str
    exchange_rate: Decimal | None = None  # home units per unit of `currency`, when foreign
    # The lines' accounts that are bank accounts, as the add-on's cached chart knows them, so
    # a ledger that books bank movements differently (Xero) need not read its chart first.
    # None: unknown, the connector reads them.
    bank_account_ids: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if len(self.lines) < 2 or sum(line.amount for line in self.lines) != 0:
            raise ValueError("a journal needs two or more lines that sum to zero")


@dataclass(frozen=True)
class PayoutItem:
    """One balance entry a payout contains, as a line of the payout's ledger transaction."""

    description: str  # e.g. "ch_... gross 100.00, fee 3.20" or "re_... refund"
    amount: Decimal  # the entry's net, signed, in the payout's currency


@dataclass(frozen=True)
class PayoutPosting:
    """A payout: its net moves from the clearing account to the settlement bank in one ledger
    transaction that lists every payment, fee, refund and dispute movement it contains (their
    amounts sum to `amount`), dated the arrival date with the payout id as reference, so the
    bank feed's line matches one transaction. `reverse`: the payout failed or was cancelled
    after it was recorded, the money goes back from the bank to clearing (no items).
    QuickBooks: Deposit (a Transfer to reverse); Xero: a RECEIVE BankTransaction on the bank
    (SPEND to reverse)."""

    idempotency_key: str
    currency: str
    arrival_date: date
    amount: Decimal  # > 0
    bank_account_id: str
    clearing_account_id: str
    items: tuple[PayoutItem, ...]
    reference: str  # the payout id, cut to the ledger's reference limit
    memo: str
    exchange_rate: Decimal | None = None
    reverse: bool = False
    # Which of the two accounts are bank accounts, as the add-on's cached chart knows them (see
    # JournalPosting.bank_account_ids). None: the connector reads them.
    bank_account_ids: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError("a payout moves a positive amount")
        if not self.reverse and sum(item.amount for item in self.items) != self.amount:
            raise ValueError("a payout's items must add up to its amount")


@dataclass(frozen=True)
class RefundPosting:
    """Money sent back to a customer out of the clearing account, in the refunded payment's
    currency, per platform's idiom: QuickBooks RefundReceipt; Xero an ACCRECCREDIT credit note
    paid out from clearing (two writes, keys derived from `idempotency_key`). The invoice stays
    paid; the refund document reduces the sale on the invoice's own item or account."""

    idempotency_key: str
    customer_id: str
    currency: str
    amount: Decimal  # > 0
    refunded_on: date
    from_account_id: str  # the clearing account the money leaves
    invoice_id: str  # the invoice the refunded payment paid
    income_ref: str | None  # the invoice's first line's item (QuickBooks) or account code (Xero)
    reference: str
    memo: str
    exchange_rate: Decimal | None = None  # home units per unit, when foreign


@dataclass(frozen=True)
class NewAccount:
    """An account Remit offers to create in one click: a clearing account (QuickBooks Other
    Current Asset, Xero CURRENT with payments enabled) or a fees account (expense)."""

    role: str  # "clearing" or "fees"
    name: str  # e.g. "Stripe Clearing EUR"
    currency: str
    # The ledger's idempotency key for this one write (QuickBooks `requestid`, Xero
    # `Idempotency-Key`): the same click sent twice creates one account. Empty: none sent.
    idempotency_key: str = ""


@dataclass(frozen=True)
class LedgerWrite:
    """What a write created in the ledger (one object, or one per invoice for Xero, plus its
    Overpayment when part of the payment is kept as credit)."""

    object_type: str  # "Payment", "JournalEntry", "Deposit", "RefundReceipt", ...
    object_ids: tuple[str, ...]


class ConnectorError(Exception):
    """A platform call failed. Messages are for logs and the activity page: never put a token,
    secret or Authorization header in one."""


class AuthError(ConnectorError):
    """The platform refused the credentials (expired, revoked, wrong company): refresh or
    reconnect; retrying the same call as-is will not help."""


class ScopeMissing(AuthError):
    """The grant is alive but lacks a permission this call needs (Xero's 403 with
    `insufficient_scope`, or known beforehand from the granted scopes): what needs it waits for
    the user to reconnect with the full scopes; everything else keeps working. `scopes`: the
    missing ones, when known."""

    def __init__(self, message: str, scopes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.scopes = tuple(scopes)


class RateLimited(ConnectorError):
    """The platform throttled us; retry after `retry_after` seconds (None: not stated)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class VendorUnavailable(ConnectorError):
    """Timeout, connection failure or 5xx: transient, retry with backoff."""


class Rejected(ConnectorError):
    """The platform understood the request and said no (validation, business rule): show
    `detail` to the user; retrying unchanged will fail the same way. `code` is the platform's
    own (an Intuit fault code, a Xero error Type), for logs and tests; None when Remit refused
    before asking."""

    # True when the platform may have acted on the request all the same, so a retry must reuse
    # its idempotency key (which the platform then answers as before).
    may_have_written = False

    def __init__(self, message: str, detail: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail
        self.code = code


class UnexpectedAnswer(Rejected):
    """The platform answered, but not in a shape the vendor SDK can read (a missing field, a
    wrong type, unexpected JSON): a person must look, since retrying reads the same answer.
    After a write the platform may have recorded it, hence `may_have_written`."""

    may_have_written = True


@dataclass(frozen=True)
class TokenSet:
    """One OAuth grant's tokens. Times are timezone-aware UTC."""

    access_token: str
    refresh_token: str
    expires_at: datetime  # of the access token
    refresh_expires_at: datetime | None = None  # rolling expiry (QuickBooks 100 days, Xero 60)
    refresh_hard_expires_at: datetime | None = None  # QuickBooks' 5-year cap, when reported
    scope: str = ""  # space-separated, as granted

    def __repr__(self) -> str:  # never let a token reach a log line through repr()
        return f"TokenSet(expires_at={self.expires_at.isoformat()}, scope={self.scope!r})"


@dataclass(frozen=True)
class OAuthClient:
    """The app's registration at the platform plus the endpoints its tokens are managed at."""

    client_id: str
    client_secret: str
    token_url: str
    revoke_url: str

    def __repr__(self) -> str:
        return f"OAuthClient(client_id={self.client_id!r}, token_url={self.token_url!r})"


class TokenKeeper(Protocol):
    """Where a grant's tokens live (the add-on's database). Connectors read tokens from it and
    hand it every rotation, so a rotated refresh token is never held only in memory."""

    def current(self) -> TokenSet:
        """The newest stored tokens."""
        ...

    def rotate(self, stale: TokenSet, exchange: Callable[[str], TokenSet]) -> TokenSet:
        """Single-flight refresh. Under a lock on the stored grant: when the stored refresh
        token is no longer `stale.refresh_token`, someone else already rotated it: return the
        stored tokens. Otherwise call `exchange(refresh_token)`, persist its result in the same
        transaction and return it. When `exchange` raises AuthError (invalid_grant), mark the
        grant as needing reconnection and re-raise."""
        ...


class Connector(Protocol):
    """What the add-on asks of an accounting platform. Every method may raise ConnectorError."""

    def company_info(self) -> CompanyInfo:
        """Name, home currency, multicurrency flag and country of the connected company."""
        ...

    def currencies(self) -> list[Currency]:
        """Currencies the ledger can record in: only the home currency when multicurrency is
        off."""
        ...

    def accounts(self) -> list[LedgerAccount]:
        """The whole chart of accounts (every page), active and inactive, for the cache."""
        ...

    def deposit_accounts(self, currency: str) -> list[LedgerAccount]:
        """Accounts a payment in `currency` may be deposited to (ARCHITECTURE.md, roles)."""
        ...

    def receivable_accounts(self, currency: str) -> list[LedgerAccount]:
        """Accounts-receivable accounts for `currency` (QuickBooks: may be empty until the
        first invoice in that currency; Xero: the single DEBTORS account)."""
        ...

    def account(self, account_id: str) -> LedgerAccount | None:
        """One account, read fresh (re-validation just before a write); None when deleted."""
        ...

    def accounts_by_id(self, account_ids: list[str]) -> dict[str, LedgerAccount]:
        """Several accounts read fresh in as few calls as the platform allows; missing ones
        are absent from the answer."""
        ...

    def invoice(self, invoice_id: str) -> Invoice:
        """One invoice with its balance due; Rejected when it does not exist."""
        ...

    def find_invoices(self, text: str, limit: int) -> list[Invoice]:
        """Sales invoices a bookkeeper means by `text`, for the pay-link picker, in a few
        calls (never the whole ledger): every invoice numbered exactly `text` whatever its
        status (so the page can say why a paid, voided or draft one gets no link), then open
        invoices whose number or customer's name matches `text`, newest first. Empty `text`:
        the newest open invoices (one call). At most `limit` invoices, no duplicates."""
        ...

    def record_payment(self, posting: PaymentPosting) -> LedgerWrite:
        """Create the payment applied to its invoices, and `posting.credit` as the customer's
        credit, idempotently: sending the same posting twice (same key) creates one payment
        (and one credit) in the ledger."""
        ...


    def record_journal(self, posting: JournalPosting) -> LedgerWrite:
        """Record a balanced movement between accounts (a fee, a dispute step), idempotently
        under `posting.idempotency_key`."""
        ...

    def record_payout(self, posting: PayoutPosting) -> LedgerWrite:
        """Record a payout (or its reversal) as one transaction on the settlement bank,
        idempotently."""
        ...

    def record_refund(self, posting: RefundPosting) -> LedgerWrite:
        """Record money refunded to a customer out of clearing, idempotently (every write it
        takes under a key derived from `posting.idempotency_key`)."""
        ...

    def account_balance(self, account_id: str) -> Decimal:
        """An account's balance now, in its own currency (one read), for reconciliation."""
        ...

    def create_account(self, account: NewAccount) -> LedgerAccount:
        """Create a clearing or fees account (one write); Rejected when the ledger refuses
        it (a name already taken, a currency not enabled)."""
        ...


class AccountRules(Protocol):
    """A platform's account-role rules as pure functions, so the add-on can filter its cached
    chart of accounts with zero platform calls, exactly as the connector filters live data."""

    def is_deposit(self, account: LedgerAccount, currency: str) -> bool: ...

    def is_receivable(self, account: LedgerAccount, currency: str) -> bool: ...

    def is_settlement(self, account: LedgerAccount, currency: str) -> bool:
        """A bank account in `currency` that the gateway pays out to."""
        ...

    def is_fees(self, account: LedgerAccount, currency: str) -> bool:
        """An expense account the gateway's fees (and, by default, dispute losses) in
        `currency` are booked to."""
        ...
