"""The data model (ARCHITECTURE.md § The data model), as SQLAlchemy 2 typed models.

Amounts are stored as integer minor units next to their currency: exact on SQLite and
PostgreSQL alike, and read back as `Decimal` through `addon.money`.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from addon import money, platforms
from addon.crypto import EncryptedText
from addon.extensions import db
from addon.platforms import Platform, PlatformKey  # noqa: F401 (Platform: re-exported)
from connectors.platform import LedgerPlatform


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in and out, on every database (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are ambiguous; pass an aware UTC datetime.")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """Stored as its value in a VARCHAR with a CHECK, so both databases agree."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class PlatformColumn(TypeDecorator):
    """A registered ledger's key (addon/platforms.py) in a VARCHAR. Checked against the registry
    on write rather than by a CHECK constraint, so a plugin ledger needs no migration."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else platforms.get(value).key

    def process_result_value(self, value, dialect):
        return None if value is None else PlatformKey(value)


class ConnectionStatus(enum.StrEnum):
    ACTIVE = "active"
    NEEDS_RECONNECT = "needs_reconnect"
    DISCONNECTED = "disconnected"


class GatewayStatus(enum.StrEnum):
    NEEDS_SETUP = "needs_setup"
    ACTIVE = "active"
    DISCONNECTED = "disconnected"
    ARCHIVED = "archived"


class WorkStatus(enum.StrEnum):
    """Life of a webhook event or a posting: unknown outcomes stay pending, never success."""

    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    IGNORED = "ignored"
    # A payment on a connected account that names no Remit gateway of this company (a shop
    # sale, a Payment Link, a subscription): kept for a person to apply, never posted or retried.
    UNMATCHED = "unmatched"


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Company(Timestamped, db.Model):
    """One ledger: a QuickBooks realm or a Xero organisation."""

    __tablename__ = "company"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(PlatformColumn())
    external_id: Mapped[str] = mapped_column(String(64))  # realmId / tenantId
    name: Mapped[str] = mapped_column(String(255))
    home_currency: Mapped[str] = mapped_column(String(3))
    multicurrency: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str | None] = mapped_column(String(8))
    currencies: Mapped[list[str]] = mapped_column(JSON, default=list)  # as last fetched
    connection_id: Mapped[int | None] = mapped_column(
        ForeignKey("platform_connection.id"), index=True
    )
    xero_connection_id: Mapped[str | None] = mapped_column(String(64))  # for DELETE /Connections
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accounts_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accounts_error: Mapped[str | None] = mapped_column(Text)  # why the last refresh failed

    connection: Mapped[PlatformConnection | None] = relationship(back_populates="companies")
    gateways: Mapped[list[Gateway]] = relationship(back_populates="company")
    memberships: Mapped[list[Membership]] = relationship(back_populates="company")

    @property
    def ledger(self) -> LedgerPlatform:
        """The descriptor of the platform this company lives on."""
        return platforms.get(self.platform)

    @property
    def status(self) -> ConnectionStatus:
        if self.disconnected_at is not None or self.connection is None:
            return ConnectionStatus.DISCONNECTED
        return self.connection.status


class PlatformConnection(Timestamped, db.Model):
    """An OAuth grant: the tokens that let Remit act on one or more ledgers, encrypted at rest.

    QuickBooks grants one realm per consent; one Xero consent can cover several organisations,
    which must then share one token set (refreshing it from two places breaks it).
    """

    __tablename__ = "platform_connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(PlatformColumn())
    access_token: Mapped[str | None] = mapped_column(EncryptedText)
    refresh_token: Mapped[str | None] = mapped_column(EncryptedText)
    access_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refresh_hard_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scopes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ConnectionStatus] = mapped_column(
        _enum(ConnectionStatus, "connection_status"), default=ConnectionStatus.ACTIVE
    )
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    companies: Mapped[list[Company]] = relationship(back_populates="connection")


class OAuthHandoff(db.Model):
    """Tokens between a Xero consent and the user's choice of organisations: kept server-side
    (the session cookie is signed, not encrypted) and only for a few minutes."""

    __tablename__ = "oauth_handoff"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(PlatformColumn())
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    tokens: Mapped[str] = mapped_column(EncryptedText)  # JSON
    tenants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Timestamped, db.Model):
    """A person who signed in through a platform's OpenID Connect."""

    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("platform", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(PlatformColumn())
    subject: Mapped[str] = mapped_column(String(255))  # OpenID `sub`
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(16))  # the platform's locale, e.g. fr-CA

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Membership(Timestamped, db.Model):
    """Which companies a user may manage."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))

    user: Mapped[User] = relationship(back_populates="memberships")
    company: Mapped[Company] = relationship(back_populates="memberships")


class Gateway(Timestamped, db.Model):
    """A payment gateway a company collects through (a connected Stripe account)."""

    __tablename__ = "gateway"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # key in the gateway registry, e.g. "stripe"
    description: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[GatewayStatus] = mapped_column(
        _enum(GatewayStatus, "gateway_status"), default=GatewayStatus.NEEDS_SETUP
    )
    account_id: Mapped[str | None] = mapped_column(String(255), index=True)  # acct_…
    account_name: Mapped[str | None] = mapped_column(String(255))
    livemode: Mapped[bool] = mapped_column(Boolean, default=False)
    connected_via: Mapped[str] = mapped_column(String(32), default="oauth")
    credentials: Mapped[str | None] = mapped_column(EncryptedText)  # JSON, encrypted
    scope: Mapped[str | None] = mapped_column(String(64))  # as granted by the Connect OAuth
    account_country: Mapped[str | None] = mapped_column(String(2))
    account_default_currency: Mapped[str | None] = mapped_column(String(3))
    account_currencies: Mapped[list[str]] = mapped_column(JSON, default=list)  # it can accept
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised by every save of the set-up form: a form rendered from an older version is told
    # the gateway changed meanwhile instead of overwriting it (addon/gateways/configure.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    company: Mapped[Company] = relationship(back_populates="gateways")
    currencies: Mapped[list[GatewayCurrency]] = relationship(
        back_populates="gateway", cascade="all, delete-orphan", order_by="GatewayCurrency.currency"
    )
    audit: Mapped[list[GatewayAudit]] = relationship(
        back_populates="gateway", order_by="GatewayAudit.id.desc()"
    )


class GatewayAudit(db.Model):
    """Who changed what on a gateway and when (old → new); changes apply to future postings."""

    __tablename__ = "gateway_audit"
    # The form's history, newest first, a page at a time: read in order from this index
    # (migration 0009; it replaces the index on gateway_id alone).
    __table_args__ = (Index("ix_gateway_audit_gateway_id_id", "gateway_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway_id: Mapped[int] = mapped_column(ForeignKey("gateway.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    change: Mapped[str] = mapped_column(String(64))  # e.g. "description", "deposit_account:EUR"
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    gateway: Mapped[Gateway] = relationship(back_populates="audit")
    user: Mapped[User | None] = relationship()


class GatewayCurrency(Timestamped, db.Model):
    """The ledger accounts one currency of a gateway posts to, one column per account role."""

    __tablename__ = "gateway_currency"
    __table_args__ = (UniqueConstraint("gateway_id", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway_id: Mapped[int] = mapped_column(ForeignKey("gateway.id"))
    currency: Mapped[str] = mapped_column(String(3))
    deposit_account_id: Mapped[str | None] = mapped_column(String(64))
    receivable_account_id: Mapped[str | None] = mapped_column(String(64))
    fees_account_id: Mapped[str | None] = mapped_column(String(64))
    settlement_account_id: Mapped[str | None] = mapped_column(String(64))
    # Empty: lost disputes go to the fees account.
    dispute_losses_account_id: Mapped[str | None] = mapped_column(String(64))
    # Pay links in this currency use this gateway when several active gateways of the company
    # collect it (none marked: the oldest); set from the settings page, one per currency.
    pay_links: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    gateway: Mapped[Gateway] = relationship(back_populates="currencies")


class AccountSnapshot(db.Model):
    """One account of a company's chart of accounts as last fetched; pages render from this."""

    __tablename__ = "account_snapshot"
    __table_args__ = (
        UniqueConstraint("company_id", "external_id"),
        # Candidate accounts for a role in one currency (migration 0008).
        Index("ix_account_snapshot_company_id_currency_account_type", "company_id", "currency",
              "account_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    account_type: Mapped[str] = mapped_column(String(64))
    account_subtype: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str | None] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    payments_enabled: Mapped[bool] = mapped_column(Boolean, default=False)  # Xero
    system_account: Mapped[str | None] = mapped_column(String(64))  # Xero, e.g. DEBTORS
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GatewayEvent(db.Model):
    """A webhook event as received; the unique (source, event_id) makes redelivery harmless."""

    __tablename__ = "gateway_event"
    __table_args__ = (
        UniqueConstraint("source", "event_id"),
        # The events whose payload is still kept, by when they finished: the retention task
        # (addon/webhooks/retention.py) finds the ones to drop without reading the others
        # (migration 0009).
        Index("ix_gateway_event_processed_at_kept", "processed_at", "id",
              sqlite_where=text("payload IS NOT NULL"),
              postgresql_where=text("payload IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))  # "stripe", "quickbooks", "xero"
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(128))
    account_id: Mapped[str | None] = mapped_column(String(255), index=True)
    livemode: Mapped[bool] = mapped_column(Boolean, default=False)
    # None once the event finished longer ago than the gateway redelivers (retention.py):
    # the row and (source, event_id) stay, so a late redelivery is still a duplicate.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[WorkStatus] = mapped_column(
        _enum(WorkStatus, "event_status"), default=WorkStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Posting(Timestamped, db.Model):
    """A ledger write Remit made or will make; unique per (company, kind, source id)."""

    __tablename__ = "posting"
    __table_args__ = (
        UniqueConstraint("company_id", "kind", "source_id"),
        # Activity pages a company's postings newest first by (created_at, id): keyset paging
        # reads one page from this index instead of sorting every posting (migration 0008).
        Index("ix_posting_company_id_created_at_id", "company_id", "created_at", "id"),
        # Activity's filters: one status's newest rows read in order, and its bounded count,
        # from the index alone (migration 0009; 0008 had (company_id, status)).
        Index("ix_posting_company_id_status_created_at_id", "company_id", "status",
              "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    gateway_id: Mapped[int | None] = mapped_column(ForeignKey("gateway.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("gateway_event.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # "payment", later "fee", "refund", "payout"
    source_id: Mapped[str] = mapped_column(String(255))  # e.g. the Stripe charge id
    ledger_object_id: Mapped[str | None] = mapped_column(String(255))  # comma-separated ids
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[WorkStatus] = mapped_column(
        _enum(WorkStatus, "posting_status"), default=WorkStatus.PENDING, index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Attempt generation: network retries reuse the key; a Retry after a definitive refusal
    # starts a new generation, hence a new key (the vendors replay the refusal for an old one).
    generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # What was paid beyond the invoices' balance, kept as the customer's credit in the ledger.
    credit_minor: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the gateway payment, as seen
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def amount(self) -> Decimal:
        return money.from_minor(self.amount_minor, self.currency, self._exponent())

    @amount.setter
    def amount(self, value: Decimal) -> None:
        self.amount_minor = money.to_minor(value, self.currency, self._exponent())

    @property
    def credit(self) -> Decimal:
        """What was kept as the customer's credit (zero when all was applied)."""
        return money.from_minor(self.credit_minor or 0, self.currency, self._exponent())

    def _exponent(self) -> int | None:
        """The amount is in its gateway's minor unit (ISO 4217's without a gateway)."""
        from addon.gateways.registry import exponent  # the registry imports the models

        gateway = db.session.get(Gateway, self.gateway_id) if self.gateway_id else None
        return exponent(gateway.kind, self.currency) if gateway is not None else None


class CheckoutSession(Timestamped, db.Model):
    """A hosted payment page Remit opened for an invoice: kept so that opening or completing
    one can expire the invoice's other open pages (no second charge from an old tab)."""

    __tablename__ = "checkout_session"
    __table_args__ = (UniqueConstraint("gateway_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    gateway_id: Mapped[int] = mapped_column(ForeignKey("gateway.id"))
    invoice_id: Mapped[str] = mapped_column(String(64), index=True)
    session_id: Mapped[str] = mapped_column(String(255))  # cs_…
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, complete, expired
    # The gateway's payment, once completed: read from the completion event, whose payload is
    # not kept for ever (migration 0009).
    payment_id: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
