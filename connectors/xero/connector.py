"""Xero behind Remit's Connector contract: one connected organisation (tenant)."""

from __future__ import annotations

from typing import Any

from connectors.base import (
    CompanyInfo,
    Currency,
    Invoice,
    LedgerAccount,
    LedgerWrite,
    NewAccount,
    OAuthClient,
    PaymentPosting,
    Rejected,
    TokenKeeper,
)
from connectors.xero import account_create, invoice_search, transformers
from connectors.xero.client import NewOverpayment, NewPayment, NotFound, XeroClient
from connectors.xero.const import API_BASE, DEFAULT_TIMEOUT
from connectors.xero.postings import XeroPostings
from connectors.xero.rules import RULES
from connectors.xero.session import TokenSession

OVERPAYMENT_KEY_SUFFIX = "-credit"  # the overpayment's Idempotency-Key: the posting's + this
OVERPAYMENT_DESCRIPTION = "Paid beyond the invoice balance: customer credit (recorded by Remit)"


class XeroConnector(XeroPostings):
    """One Xero organisation reached through one grant's tokens. Fees, payouts, refunds and
    balances are in postings.py.

    `api_base` is Xero's real API origin; sandbox mode passes the stand-in's equivalent
    (`sandbox.hosts.to_sandbox`). `timeout` (seconds) bounds connecting and reading, each, on
    every HTTP call. Tokens are refreshed ahead of expiry and once on a 401, always through
    `tokens` (a TokenKeeper). Every method raises ConnectorError subclasses.

    The Organisation is read at most once per instance (its base currency prices every
    non-bank account), so build a connector per job or request, not per process. Pass
    `base_currency` when it is known (the company's home currency) and no call reads it.
    """

    def __init__(self, tenant_id: str, tokens: TokenKeeper, client: OAuthClient,
                 api_base: str = API_BASE, timeout: float = DEFAULT_TIMEOUT,
                 base_currency: str | None = None) -> None:
        self.tenant_id = tenant_id
        self._session = TokenSession(tokens, client, timeout)
        self._xero = XeroClient(client.client_id, api_base, timeout)
        self._organisation: Any = None
        self._base_currency = base_currency

    def company_info(self) -> CompanyInfo:
        """Two reads: Organisation (name, base currency, country) and Currencies."""
        return transformers.company_info(self._organisation_model(), self._currency_models())

    def currencies(self) -> list[Currency]:
        return [transformers.currency(model) for model in self._currency_models()]

    def accounts(self) -> list[LedgerAccount]:
        """The whole chart (active and archived) in one read: /Accounts is not paged."""
        base = self._base()
        models = self._session.run(lambda token: self._xero.accounts(token, self.tenant_id))
        return [transformers.ledger_account(model, base) for model in models]

    def deposit_accounts(self, currency: str) -> list[LedgerAccount]:
        return [account for account in self.accounts() if RULES.is_deposit(account, currency)]

    def receivable_accounts(self, currency: str) -> list[LedgerAccount]:
        return [account for account in self.accounts()
                if RULES.is_receivable(account, currency)]

    def account(self, account_id: str) -> LedgerAccount | None:
        """One read (GET /Accounts/{id}); a second for the Organisation only when the account
        is not a BANK account and the base currency was not given. None when Xero has no such
        account (404) or it is DELETED; archived ones come back inactive."""
        try:
            model = self._session.run(
                lambda token: self._xero.account(token, self.tenant_id, account_id))
        except NotFound:
            return None
        if transformers.is_deleted(model):
            return None
        return transformers.ledger_account(model, transformers.own_currency(model)
                                           or self._base())

    def accounts_by_id(self, account_ids: list[str]) -> dict[str, LedgerAccount]:
        """The accounts that still exist, in one read: GET /Accounts/{id} for one, the whole
        (unpaged) chart for several — Xero's `where` needs Guid() syntax for ids, and one list
        costs the same single call."""
        wanted = list(dict.fromkeys(account_ids))
        if len(wanted) == 1:
            found = self.account(wanted[0])
            return {found.id: found} if found is not None else {}
        return {account.id: account for account in self.accounts() if account.id in wanted}

    def create_account(self, account: NewAccount) -> LedgerAccount:
        """GET /Accounts for a free Code, then PUT /Accounts (account_create.py): a clearing
        CURRENT account with payments enabled (base currency only), or a fees EXPENSE."""
        return account_create.create(
            account, self._base,
            lambda: self._session.run(lambda token: self._xero.accounts(token, self.tenant_id)),
            lambda fields: self._session.run(lambda token: self._xero.create_account(
                token, self.tenant_id, fields, account.idempotency_key)))

    def invoice(self, invoice_id: str) -> Invoice:
        """One read (plus the Organisation's when the base currency was not given: it tells a
        foreign invoice, whose exchange_rate is then set). Rejected when Xero has no such
        invoice or when it is not a sales invoice; one not approved yet (DRAFT, SUBMITTED:
        Xero takes no payment on those) comes back with status "draft"."""
        try:
            model = self._session.run(
                lambda token: self._xero.invoice(token, self.tenant_id, invoice_id))
        except NotFound:
            raise Rejected(f"Xero has no invoice {invoice_id} (HTTP 404).",
                           f"Invoice {invoice_id} no longer exists in Xero.") from None
        return transformers.invoice(model, self._base())

    def find_invoices(self, text: str, limit: int) -> list[Invoice]:
        """invoice_search.py: the sales invoice numbered `text` (any status), open ones whose
        number or reference contains it, and open ones of contacts whose name matches; empty:
        the newest open ones. Up to four reads (plus the Organisation's without a base
        currency)."""
        base = self._base()
        return invoice_search.find(
            lambda **filters: self._session.run(
                lambda token: self._xero.invoices(token, self.tenant_id, **filters)),
            lambda **filters: self._session.run(
                lambda token: self._xero.contacts(token, self.tenant_id, **filters)),
            base, text, limit)

    def record_payment(self, posting: PaymentPosting) -> LedgerWrite:
        """PUT /Payments with one Xero Payment per invoice application (Xero pays one document
        per Payment), summarizeErrors=true so either all are recorded or none, and
        `posting.idempotency_key` as the Idempotency-Key so a retry records nothing new. Then,
        when part of the money is `posting.credit`, a second write: PUT /BankTransactions
        RECEIVE-OVERPAYMENT for the invoices' contact under the key + OVERPAYMENT_KEY_SUFFIX,
        so a retry after a crash between the two writes replays the first and makes the
        second once. Xero has no field for `posting.memo` and one AR account, so `memo` and
        `receivable_account_id` are not sent. A ValidationException is Rejected with every
        message in `detail`. The ids: the PaymentIDs, then the OverpaymentID."""
        payments = _new_payments(posting)
        if posting.credit and posting.exchange_rate is not None:
            self._check_credit_account(posting)
        ids: tuple[str, ...] = ()
        if payments:
            created = self._session.run(lambda token: self._xero.create_payments(
                token, self.tenant_id, payments, posting.idempotency_key))
            ids = transformers.ledger_write(created).object_ids
        if posting.credit:
            overpayment = _new_overpayment(posting)
            answered = self._session.run(lambda token: self._xero.create_overpayment(
                token, self.tenant_id, overpayment,
                posting.idempotency_key + OVERPAYMENT_KEY_SUFFIX))
            ids += (transformers.overpayment_id(answered),)
        return LedgerWrite("Payment", ids)

    def _check_credit_account(self, posting: PaymentPosting) -> None:
        """A bank transaction is in its account's currency, so a foreign payment's excess can
        be an Overpayment only in an account of that currency: refused before the Payment is
        written (one read, only for foreign credit), never half-recorded."""
        account = self.account(posting.deposit_account_id)
        if account is None or account.currency != posting.currency:
            raise Rejected(
                f"Xero books an overpayment in its account's currency, not {posting.currency}.",
                f"{posting.credit} {posting.currency} paid beyond the invoice can be kept as "
                f"credit only in a {posting.currency} account: map one for {posting.currency}.")

    def _base(self) -> str:
        if self._base_currency is None:
            self._base_currency = transformers.base_currency(self._organisation_model())
        return self._base_currency

    def _organisation_model(self) -> Any:
        if self._organisation is None:
            self._organisation = self._session.run(
                lambda token: self._xero.organisation(token, self.tenant_id))
        return self._organisation

    def _currency_models(self) -> list[Any]:
        return self._session.run(lambda token: self._xero.currencies(token, self.tenant_id))


def _new_payments(posting: PaymentPosting) -> list[NewPayment]:
    """The posting as Xero Payments, refused before any call when it cannot be right."""
    if not posting.applications and not posting.credit:
        raise Rejected("A payment with no invoice and no credit cannot be recorded in Xero.",
                       "The payment is applied to no invoice.")
    if posting.credit < 0 or (sum(a.amount for a in posting.applications) + posting.credit
                              != posting.amount):
        raise Rejected("The invoice applications and the credit do not add up to the payment "
                       "amount.", f"{posting.amount} received, applications differ.")
    rate = transformers.currency_rate(posting.exchange_rate)
    rates = [rate] * len(posting.applications)
    if rate is not None and posting.settled_amount is not None and len(rates) > 1:
        rates = transformers.share_rates([a.amount for a in posting.applications],
                                         posting.settled_amount) or rates
    return [NewPayment(invoice_id=application.invoice_id,
                       account_id=posting.deposit_account_id, amount=application.amount,
                       paid_on=posting.paid_on, reference=posting.reference,
                       currency_rate=share_rate)
            for application, share_rate in zip(posting.applications, rates, strict=True)]


def _new_overpayment(posting: PaymentPosting) -> NewOverpayment:
    """The credit as Xero's Overpayment for the invoices' contact (`customer_id`), in the
    payment's currency, into the same deposit account as the payment."""
    return NewOverpayment(
        contact_id=posting.customer_id, account_id=posting.deposit_account_id,
        amount=posting.credit, currency=posting.currency, paid_on=posting.paid_on,
        reference=posting.reference, description=OVERPAYMENT_DESCRIPTION,
        currency_rate=transformers.currency_rate(posting.exchange_rate))
