"""The connector contract: typed records and errors every accounting platform maps onto.

Kept free of Flask, the ORM and vendor SDKs so the add-on, the posting engine and the tests can
speak about ledgers without knowing which platform is behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CompanyInfo:
    """What Remit needs to know about a connected ledger before offering currencies."""

    name: str
    home_currency: str  # ISO 4217
    multicurrency: bool
    country: str | None  # as the platform reports it (QuickBooks: "US", "GB", ...)


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


class ConnectorError(Exception):
    """A platform call failed. Messages are for logs and the activity page: never put a token,
    secret or Authorization header in one."""


class AuthError(ConnectorError):
    """The platform refused the credentials (expired, revoked, wrong company): refresh or
    reconnect; retrying the same call as-is will not help."""


class RateLimited(ConnectorError):
    """The platform throttled us; retry after `retry_after` seconds (None: not stated)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class VendorUnavailable(ConnectorError):
    """Timeout, connection failure, 5xx or an unreadable answer: transient, retry with backoff."""


class Rejected(ConnectorError):
    """The platform understood the request and said no (validation, business rule): show
    `detail` to the user; retrying unchanged will fail the same way."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class Connector(Protocol):
    """What the add-on asks of an accounting platform. Every method may raise ConnectorError.

    Only what is implemented is declared, so a connector type-checks as a Connector. Coming
    next: currencies(), deposit_accounts(currency), receivable_accounts(currency).
    """

    def company_info(self) -> CompanyInfo:
        """Name, home currency, multicurrency flag and country of the connected company."""
        ...
