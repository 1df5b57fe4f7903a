"""QuickBooks Online behind Remit's Connector contract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from connectors.base import (
    CompanyInfo,
    Currency,
    Invoice,
    JournalPosting,
    LedgerAccount,
    LedgerWrite,
    NewAccount,
    OAuthClient,
    PaymentPosting,
    PayoutPosting,
    RefundPosting,
    Rejected,
    TokenKeeper,
    TokenSet,
)
from connectors.quickbooks import (
    account_create,
    const,
    invoice_search,
    oauth,
    postings,
    transformers,
)
from connectors.quickbooks.client import QuickBooksClient
from connectors.quickbooks.rules import DEPOSIT_TYPES, RECEIVABLE_TYPE, RULES

T = TypeVar("T")

# Name lists answer only active rows unless asked otherwise; the cache wants them all.
EVERY_ACCOUNT = "Active IN (true, false)"
DEPOSIT_CANDIDATES = "AccountType IN ({}) AND Active = true".format(
    ", ".join(f"'{kind}'" for kind in sorted(DEPOSIT_TYPES)))
RECEIVABLE_CANDIDATES = f"AccountType = '{RECEIVABLE_TYPE}' AND Active = true"


class QuickBooksConnector:
    """One connected QuickBooks company (realm).

    `api_base` is the Accounting API root: Intuit's (const.SANDBOX_API_BASE or
    const.PRODUCTION_API_BASE) or its sandbox stand-in. `client` names the app and its token
    endpoints; `timeout` (seconds) bounds every HTTP call; `page_size` rows per query page.

    Tokens: before each call, tokens expiring within const.REFRESH_AHEAD_SECONDS are rotated
    through `tokens`; a 401 rotates once and retries the call once. Nothing else refreshes
    (python-quickbooks and Authlib never do it on their own here). Every method raises
    ConnectorError subclasses; a refused refresh token is AuthError.

    `home_currency` (optional, e.g. from the add-on's company record) saves the Preferences
    read otherwise made when an invoice or account needs it.
    """

    def __init__(self, realm_id: str, tokens: TokenKeeper, client: OAuthClient, api_base: str,
                 timeout: float, page_size: int = const.MAX_PAGE_SIZE,
                 home_currency: str | None = None) -> None:
        if not 1 <= page_size <= const.MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {const.MAX_PAGE_SIZE}")
        self.realm_id = realm_id
        self._tokens = tokens
        self._oauth_client = client
        self._api_base = api_base
        self._timeout = timeout
        self._page_size = page_size
        self._client: QuickBooksClient | None = None
        self._home: str | None = home_currency

    def company_info(self) -> CompanyInfo:
        """Two reads: CompanyInfo (name, country) and Preferences (currency settings)."""
        info = self._call(QuickBooksClient.company_info)
        preferences = self._call(QuickBooksClient.preferences)
        return transformers.company_info(info, preferences)

    def currencies(self) -> list[Currency]:
        """The home currency, plus the active CompanyCurrency list when multicurrency is on."""
        preferences = self._call(QuickBooksClient.preferences)
        home, multicurrency = transformers.currency_settings(preferences)
        if not multicurrency:
            return [Currency(home)]
        return transformers.currencies(home, self._pages(QuickBooksClient.company_currencies))

    def accounts(self) -> list[LedgerAccount]:
        return self._ledger_accounts(EVERY_ACCOUNT)

    def deposit_accounts(self, currency: str) -> list[LedgerAccount]:
        """Intuit filters type and status; the currency is matched here (RULES), because
        filtering on CurrencyRef in a query is not documented."""
        candidates = self._ledger_accounts(DEPOSIT_CANDIDATES)
        return [account for account in candidates if RULES.is_deposit(account, currency)]

    def receivable_accounts(self, currency: str) -> list[LedgerAccount]:
        candidates = self._ledger_accounts(RECEIVABLE_CANDIDATES)
        return [account for account in candidates if RULES.is_receivable(account, currency)]

    def account(self, account_id: str) -> LedgerAccount | None:
        """One account read by Id, inactive ones included; None when QuickBooks has none."""
        if not _is_intuit_id(account_id):
            return None
        found = self._call(partial(QuickBooksClient.account, account_id=account_id))
        if found is None:
            return None
        return transformers.ledger_account(found, self._home_currency_unless([found]))

    def accounts_by_id(self, account_ids: list[str]) -> dict[str, LedgerAccount]:
        """Several accounts, inactive ones included, in one query (the re-validation before a
        write); ids QuickBooks does not have are absent from the answer."""
        wanted = sorted({i for i in account_ids if _is_intuit_id(i)}, key=int)
        if not wanted:
            return {}
        where = "Id IN ({}) AND {}".format(", ".join(f"'{i}'" for i in wanted), EVERY_ACCOUNT)
        return {account.id: account for account in self._ledger_accounts(where)}

    def create_account(self, account: NewAccount) -> LedgerAccount:
        """One POST /account (account_create.py): a clearing Other Current Asset in the
        account's currency, or a fees Expense; Rejected (6240) when the name is taken."""
        return account_create.create(self._call, account, self._home_currency)

    def invoice(self, invoice_id: str) -> Invoice:
        """One invoice with its balance due, and its exchange rate when foreign (which takes the
        home currency: given to the constructor, or read once). Rejected when QuickBooks has no
        such invoice (fault 610, or an id that cannot be one of Intuit's)."""
        if not _is_intuit_id(invoice_id):
            raise Rejected("QuickBooks has no such invoice (its ids are numbers).",
                           "Object Not Found")
        found = self._call(partial(QuickBooksClient.invoice, invoice_id=invoice_id))
        return transformers.invoice(found, self._home_currency())

    def find_invoices(self, text: str, limit: int) -> list[Invoice]:
        """invoice_search.py: the invoice numbered `text` (any status), then open invoices of
        customers whose DisplayName contains it; empty: the newest open ones. Up to three
        queries (plus the Preferences read when the home currency was not given)."""
        return invoice_search.find(self._call, self._home_currency(), text, limit)

    def record_payment(self, posting: PaymentPosting) -> LedgerWrite:
        """Create one Payment applied to the posting's invoices, with the idempotency key as
        Intuit's `requestid`: sent again (a retry, a 401 refresh), QuickBooks answers with the
        payment it already made. ValueError for a posting QuickBooks must not receive;
        StaleObject (a Rejected with `transient` True) when an invoice changed meanwhile."""
        fields = transformers.payment_request(posting)
        saved = self._call(partial(QuickBooksClient.create_payment, fields=fields,
                                   request_id=posting.idempotency_key))
        return LedgerWrite("Payment", (str(saved.Id),))

    def record_journal(self, posting: JournalPosting) -> LedgerWrite:
        """One JournalEntry (a fee, a dispute step) under the posting's key as `requestid`.
        ValueError for a posting QuickBooks must not receive."""
        return self._create("JournalEntry", postings.journal_request(posting),
                            posting.idempotency_key)

    def record_payout(self, posting: PayoutPosting) -> LedgerWrite:
        """One Deposit into the settlement bank listing the payout's items from clearing; a
        reversed payout is one Transfer from the bank back to clearing."""
        if posting.reverse:
            return self._create("Transfer", postings.transfer_request(posting),
                                posting.idempotency_key)
        return self._create("Deposit", postings.deposit_request(posting),
                            posting.idempotency_key)

    def record_refund(self, posting: RefundPosting) -> LedgerWrite:
        """One RefundReceipt out of clearing on the invoice's item, under the posting's key."""
        return self._create("RefundReceipt", postings.refund_request(posting),
                            posting.idempotency_key)

    def account_balance(self, account_id: str) -> Decimal:
        """The account's CurrentBalance in its own currency (one read); Rejected when
        QuickBooks has no such account."""
        found = self._call(partial(QuickBooksClient.account, account_id=account_id)
                           ) if _is_intuit_id(account_id) else None
        if found is None:
            raise Rejected("QuickBooks has no such account.", "Object Not Found")
        return transformers.balance(found)

    def _create(self, entity: str, fields: dict, request_id: str) -> LedgerWrite:
        saved = self._call(partial(QuickBooksClient.create, entity=entity, fields=fields,
                                   request_id=request_id))
        return LedgerWrite(entity, (str(saved.Id),))

    def _ledger_accounts(self, where: str) -> list[LedgerAccount]:
        found = self._pages(partial(_accounts_page, where=where))
        home = self._home_currency_unless(found)
        return [transformers.ledger_account(account, home) for account in found]

    def _home_currency_unless(self, entities: list[Any]) -> str | None:
        """The home currency, read only when one of `entities` lacks a CurrencyRef."""
        if all(transformers.has_currency(entity) for entity in entities):
            return None
        return self._home_currency()

    def _home_currency(self) -> str:
        """Read once per connector: QuickBooks never changes a company's home currency."""
        if self._home is None:
            preferences = self._call(QuickBooksClient.preferences)
            self._home = transformers.currency_settings(preferences)[0]
        return self._home

    def _pages(self, fetch: Callable[..., list[Any]]) -> list[Any]:
        """Every page of a query: `fetch(client, start=, max_results=)` until a short page."""
        rows: list[Any] = []
        while True:
            page = self._call(partial(fetch, start=len(rows) + 1, max_results=self._page_size))
            rows.extend(page)
            if len(page) < self._page_size:
                return rows

    def _call(self, operation: Callable[[QuickBooksClient], T]) -> T:
        tokens = self._usable_tokens()
        try:
            return operation(self._client_for(tokens))
        except const.TokenRejected:
            tokens = self._tokens.rotate(tokens, self._exchange)
            return operation(self._client_for(tokens))

    def _usable_tokens(self) -> TokenSet:
        tokens = self._tokens.current()
        ahead = timedelta(seconds=const.REFRESH_AHEAD_SECONDS)
        if not tokens.access_token or tokens.expires_at - datetime.now(UTC) <= ahead:
            tokens = self._tokens.rotate(tokens, self._exchange)
        return tokens

    def _exchange(self, refresh_token: str) -> TokenSet:
        return oauth.refresh(self._oauth_client, refresh_token, self._timeout)

    def _client_for(self, tokens: TokenSet) -> QuickBooksClient:
        """Clients are cheap (no network on construction); keep one per access token."""
        if self._client is None or self._client.session.access_token != tokens.access_token:
            self._client = QuickBooksClient.with_access_token(
                self.realm_id, tokens.access_token, self._api_base, self._timeout)
        return self._client


def _is_intuit_id(value: str) -> bool:
    """Intuit ids are numeric strings; anything else would only build a strange URL."""
    return value.isascii() and value.isdigit() and len(value) <= 20


def _accounts_page(client: QuickBooksClient, where: str, start: int,
                   max_results: int) -> list[Any]:
    return client.accounts(where, start, max_results)
