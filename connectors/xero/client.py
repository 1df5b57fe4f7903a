"""The one module that imports xero-python: builds the SDK per connection and turns everything
it raises into Remit's ConnectorError taxonomy.

xero-python traps fixed here (reference §5):
- `Configuration()` is a singleton-ish copy and its OAuth2Token is shared by every copy (§5.1):
  each XeroClient gets its own OAuth2Token, so no token is shared across companies.
- urllib3 silently retries 429/503 with Retry-After, sleeping meanwhile (§5.4): retries are off.
- no timeout by default, and a float timeout is ignored (§5.4): every call passes a
  `(connect, read)` tuple.
- the SDK refreshes tokens on its own when it thinks they expire (§5.2): its token getter gets
  no refresh token and an expiry an hour away, so it never tries; connectors refresh through
  their TokenKeeper instead.
- the SDK writes every Decimal as a binary float (§5.9: `float(value)`, then `json.dumps`):
  amounts and rates are checked to survive that exactly before anything is sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

import urllib3
from xero_python.accounting import (
    Account,
    AccountingApi,
    AccountType,
    BankTransaction,
    BankTransactions,
    BankTransfer,
    BankTransfers,
    Contact,
    CreditNote,
    CreditNotes,
    CurrencyCode,
    Invoice,
    LineAmountTypes,
    LineItem,
    ManualJournal,
    ManualJournalLine,
    ManualJournals,
    Payment,
    Payments,
)
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.exceptions import ApiException, HTTPStatusException, OAuth2Error
from xero_python.identity import IdentityApi

from connectors.base import (
    AuthError,
    ConnectorError,
    RateLimited,
    Rejected,
    ScopeMissing,
    UnexpectedAnswer,
    VendorUnavailable,
)
from connectors.xero import transport
from connectors.xero.const import ACCOUNTING_PATH

T = TypeVar("T")
UNREADABLE = ("Xero answered in a shape Remit cannot read. Check in Xero whether the payment is "
              "there before retrying or ignoring it; updating Remit may be needed.")


class AccessTokenRejected(AuthError):
    """HTTP 401: the access token expired or was revoked. Connectors refresh once and retry;
    anywhere else it is an ordinary AuthError."""


class NotFound(Rejected):
    """HTTP 404: Xero has no object with that id (never existed, or deleted)."""


@dataclass(frozen=True)
class NewPayment:
    """One Xero Payment to create: a customer payment applied to one sales invoice, or cash
    paid out of a sales credit note (`credit_note_id`, invoice_id empty: ARCREDITPAYMENT)."""

    invoice_id: str
    account_id: str  # the bank or payments-enabled account the money went to (or left)
    amount: Decimal  # in the invoice's currency
    paid_on: date
    reference: str
    currency_rate: Decimal | None = None  # Xero's CurrencyRate (foreign units per base unit)
    credit_note_id: str | None = None


@dataclass(frozen=True)
class NewLine:
    """One line of a manual journal (debits positive) or of a bank transaction or credit note
    (its amount), on an account named by its AccountID, or by its Code (an invoice's line
    names its account so)."""

    account_id: str | None
    amount: Decimal
    description: str
    account_code: str | None = None


@dataclass(frozen=True)
class NewJournal:
    """A POSTED manual journal in the base currency (Xero's have no currency), untaxed."""

    narration: str
    posted_on: date
    lines: tuple[NewLine, ...]


@dataclass(frozen=True)
class NewBankTransaction:
    """A RECEIVE or SPEND bank transaction on a BANK account, untaxed (NoTax)."""

    kind: str  # "RECEIVE" or "SPEND"
    bank_account_id: str
    contact_name: str  # Xero matches the name to a contact, or creates it
    on: date
    reference: str
    currency: str
    lines: tuple[NewLine, ...]
    currency_rate: Decimal | None = None


@dataclass(frozen=True)
class NewTransfer:
    """Money moved between two BANK accounts of one currency."""

    from_account_id: str
    to_account_id: str
    amount: Decimal
    on: date
    reference: str


@dataclass(frozen=True)
class NewCreditNote:
    """An AUTHORISED sales credit note (ACCRECCREDIT) for a contact, untaxed."""

    contact_id: str
    on: date
    reference: str
    currency: str
    lines: tuple[NewLine, ...]
    currency_rate: Decimal | None = None


@dataclass(frozen=True)
class NewOverpayment:
    """What a customer paid beyond their invoices, kept as their credit: a RECEIVE-OVERPAYMENT
    bank transaction (reference §2.7) with Xero's one untaxed line, coded by Xero to AR."""

    contact_id: str
    account_id: str  # the bank account the money went to (its currency is the transaction's)
    amount: Decimal
    currency: str
    paid_on: date
    reference: str
    description: str
    currency_rate: Decimal | None = None  # Xero's CurrencyRate, for a foreign currency


class XeroClient:
    """xero-python bound to one connection's app registration and API base URL.

    Not thread-safe (the access token for the current call is held on the instance): give
    each worker its own client; construction makes no network call.
    """

    def __init__(self, client_id: str, api_base: str, timeout: float) -> None:
        self._access_token = ""
        self._timeout = (timeout, timeout)  # (connect, read): the SDK ignores a bare float
        api_client = _api_client(client_id, self._token_for_sdk)
        base = api_base.rstrip("/")
        self._accounting = AccountingApi(api_client, base_url=base + ACCOUNTING_PATH)
        self._identity = IdentityApi(api_client, base_url=base)

    def organisation(self, access_token: str, tenant_id: str):
        """GET /api.xro/2.0/Organisation -> the Organisation model."""
        answer = self._call(access_token, lambda: self._accounting.get_organisations(
            tenant_id, _request_timeout=self._timeout))
        return answer.organisations[0]

    def currencies(self, access_token: str, tenant_id: str) -> list:
        """GET /api.xro/2.0/Currencies -> Currency models (the org's enabled currencies)."""
        answer = self._call(access_token, lambda: self._accounting.get_currencies(
            tenant_id, _request_timeout=self._timeout))
        return list(answer.currencies or [])

    def accounts(self, access_token: str, tenant_id: str) -> list:
        """GET /api.xro/2.0/Accounts -> every Account model; the endpoint is not paged."""
        answer = self._call(access_token, lambda: self._accounting.get_accounts(
            tenant_id, _request_timeout=self._timeout))
        return list(answer.accounts or [])

    def account(self, access_token: str, tenant_id: str, account_id: str):
        """GET /api.xro/2.0/Accounts/{AccountID} -> the Account model; NotFound when unknown."""
        answer = self._call(access_token, lambda: self._accounting.get_account(
            tenant_id, account_id, _request_timeout=self._timeout))
        return _only(answer.accounts, "account")

    def create_account(self, access_token: str, tenant_id: str, fields: dict,
                       idempotency_key: str | None):
        """PUT /api.xro/2.0/Accounts with an Idempotency-Key (the spec takes one Account, which
        may carry EnablePaymentsToAccount): the Account model Xero created."""
        body = Account(**{**fields, "type": AccountType(fields["type"])})  # the SDK's enum
        keyed = {"idempotency_key": idempotency_key} if idempotency_key else {}
        answer = self._call(access_token, lambda: self._accounting.create_account(
            tenant_id, body, _request_timeout=self._timeout, **keyed))
        created = _only(answer.accounts, "account")
        if not created.account_id:
            raise UnexpectedAnswer("Xero answered the account create without its AccountID.",
                                   UNREADABLE)
        return created

    def invoice(self, access_token: str, tenant_id: str, invoice_id: str):
        """GET /api.xro/2.0/Invoices/{InvoiceID} -> the Invoice model; NotFound when unknown."""
        answer = self._call(access_token, lambda: self._accounting.get_invoice(
            tenant_id, invoice_id, _request_timeout=self._timeout))
        return _only(answer.invoices, "invoice")

    def invoices(self, access_token: str, tenant_id: str, **filters) -> list:
        """GET /api.xro/2.0/Invoices with Xero's documented filters (`where`, `order`,
        `invoice_numbers`, `contact_i_ds`, `statuses`, `search_term`, `page`, `page_size`,
        `summary_only`, as xero-python names them) -> Invoice models."""
        answer = self._call(access_token, lambda: self._accounting.get_invoices(
            tenant_id, _request_timeout=self._timeout, **filters))
        return list(answer.invoices or [])

    def contacts(self, access_token: str, tenant_id: str, **filters) -> list:
        """GET /api.xro/2.0/Contacts with Xero's filters (`search_term`, `page`, `page_size`,
        `summary_only`) -> Contact models."""
        answer = self._call(access_token, lambda: self._accounting.get_contacts(
            tenant_id, _request_timeout=self._timeout, **filters))
        return list(answer.contacts or [])

    def create_payments(self, access_token: str, tenant_id: str,
                        payments: Sequence[NewPayment], idempotency_key: str) -> list:
        """PUT /api.xro/2.0/Payments?summarizeErrors=true with an Idempotency-Key: every payment
        is recorded, or none and Xero answers 400 (Rejected). The Payment models, in order."""
        body = Payments(payments=[_payment_model(payment) for payment in payments])
        answer = self._call(access_token, lambda: self._accounting.create_payments(
            tenant_id, body, summarize_errors=True, idempotency_key=idempotency_key,
            _request_timeout=self._timeout))
        created = list(getattr(answer, "payments", None) or [])
        if any(not p.payment_id and not p.has_validation_errors for p in created):
            raise UnexpectedAnswer("Xero answered a payment without its PaymentID.", UNREADABLE)
        return created

    def create_overpayment(self, access_token: str, tenant_id: str,
                           overpayment: NewOverpayment, idempotency_key: str) -> list:
        """PUT /api.xro/2.0/BankTransactions?summarizeErrors=true with an Idempotency-Key: the
        BankTransaction models answered (each carrying its OverpaymentID)."""
        body = BankTransactions(bank_transactions=[_overpayment_model(overpayment)])
        answer = self._call(access_token, lambda: self._accounting.create_bank_transactions(
            tenant_id, body, summarize_errors=True, idempotency_key=idempotency_key,
            _request_timeout=self._timeout))
        return list(answer.bank_transactions or [])

    def create_manual_journal(self, access_token: str, tenant_id: str, journal: NewJournal,
                              idempotency_key: str):
        """PUT /api.xro/2.0/ManualJournals?summarizeErrors=true: the ManualJournal model."""
        return self._create_one(
            access_token, self._accounting.create_manual_journals, tenant_id,
            ManualJournals(manual_journals=[_journal_model(journal)]), idempotency_key,
            "manual_journals", "manual_journal_id", "manual journal", summarize_errors=True)

    def create_bank_transaction(self, access_token: str, tenant_id: str,
                                transaction: NewBankTransaction, idempotency_key: str):
        """PUT /api.xro/2.0/BankTransactions?summarizeErrors=true: the BankTransaction."""
        return self._create_one(
            access_token, self._accounting.create_bank_transactions, tenant_id,
            BankTransactions(bank_transactions=[_bank_transaction_model(transaction)]),
            idempotency_key, "bank_transactions", "bank_transaction_id", "bank transaction",
            summarize_errors=True)

    def create_bank_transfer(self, access_token: str, tenant_id: str, transfer: NewTransfer,
                             idempotency_key: str):
        """PUT /api.xro/2.0/BankTransfers: the BankTransfer model."""
        body = BankTransfers(bank_transfers=[BankTransfer(
            from_bank_account=Account(account_id=transfer.from_account_id),
            to_bank_account=Account(account_id=transfer.to_account_id),
            amount=exact_on_the_wire(transfer.amount), date=transfer.on,
            reference=transfer.reference)])
        return self._create_one(access_token, self._accounting.create_bank_transfer, tenant_id,
                                body, idempotency_key, "bank_transfers", "bank_transfer_id",
                                "bank transfer")

    def create_credit_note(self, access_token: str, tenant_id: str, credit_note: NewCreditNote,
                           idempotency_key: str):
        """PUT /api.xro/2.0/CreditNotes?summarizeErrors=true: the CreditNote model."""
        return self._create_one(
            access_token, self._accounting.create_credit_notes, tenant_id,
            CreditNotes(credit_notes=[_credit_note_model(credit_note)]), idempotency_key,
            "credit_notes", "credit_note_id", "credit note", summarize_errors=True)

    def trial_balance(self, access_token: str, tenant_id: str):
        """GET /api.xro/2.0/Reports/TrialBalance (today): the ReportWithRow model."""
        answer = self._call(access_token, lambda: self._accounting.get_report_trial_balance(
            tenant_id, _request_timeout=self._timeout))
        return _only(getattr(answer, "reports", None), "trial balance")

    def connections(self, access_token: str, auth_event_id: str | None = None) -> list:
        """GET /Connections -> Connection models (no tenant header: bearer only); with
        `auth_event_id`, only those one consent authorised."""
        filters = {"auth_event_id": auth_event_id} if auth_event_id else {}
        return self._call(access_token, lambda: self._identity.get_connections(
            **filters, _request_timeout=self._timeout))

    def delete_connection(self, access_token: str, connection_id: str) -> None:
        """DELETE /Connections/{id}: disconnect one organisation."""
        self._call(access_token, lambda: self._identity.delete_connection(
            connection_id, _request_timeout=self._timeout))

    def _create_one(self, access_token: str, write: Callable, tenant_id: str, body,
                    idempotency_key: str, answered_in: str, id_field: str, what: str,
                    **options):
        """PUT one object through the SDK's `write` with its Idempotency-Key: the one object
        Xero answered in `answered_in` (_created)."""
        answer = self._call(access_token, lambda: write(
            tenant_id, body, idempotency_key=idempotency_key, _request_timeout=self._timeout,
            **options))
        return _created(getattr(answer, answered_in, None), id_field, what)

    def _call(self, access_token: str, operation: Callable[[], T]) -> T:
        self._access_token = access_token
        try:
            return operation()
        except (ApiException, OAuth2Error, urllib3.exceptions.HTTPError, ValueError,
                TypeError, KeyError, AttributeError) as exc:
            raise translate(exc) from None
        finally:
            self._access_token = ""

    def _token_for_sdk(self) -> dict:
        """Exactly the keys OAuth2Token.update_token takes (an Authlib dict would break it)."""
        return {"access_token": self._access_token, "token_type": "Bearer", "scope": [],
                "expires_in": 3600, "expires_at": time.time() + 3600,
                "refresh_token": None, "id_token": None}


def _api_client(client_id: str, token_getter: Callable[[], dict]) -> ApiClient:
    configuration = Configuration()
    # This client's own token object (the copies Configuration() hands out share the default's).
    # No client secret: the SDK could not refresh even if it decided to.
    configuration.oauth2_token = OAuth2Token(client_id=client_id)
    api_client = ApiClient(configuration, oauth2_token_getter=token_getter,
                           oauth2_token_saver=_refuse_sdk_refresh)
    # Must be set before the first request creates a connection pool.
    api_client.rest_client.pool_manager.connection_pool_kw["retries"] = False
    transport.observe(api_client.rest_client.pool_manager)  # the caller's call budget
    return api_client


def _payment_model(payment: NewPayment) -> Payment:
    target = ({"credit_note": CreditNote(credit_note_id=payment.credit_note_id)}
              if payment.credit_note_id else
              {"invoice": Invoice(invoice_id=payment.invoice_id)})
    return Payment(**target, account=Account(account_id=payment.account_id),
                   amount=exact_on_the_wire(payment.amount), date=payment.paid_on,
                   currency_rate=_rate_on_the_wire(payment.currency_rate),
                   reference=payment.reference)


def _overpayment_model(overpayment: NewOverpayment) -> BankTransaction:
    return BankTransaction(
        type="RECEIVE-OVERPAYMENT", contact=Contact(contact_id=overpayment.contact_id),
        bank_account=Account(account_id=overpayment.account_id), date=overpayment.paid_on,
        reference=overpayment.reference, currency_code=_currency_code(overpayment.currency),
        currency_rate=_rate_on_the_wire(overpayment.currency_rate),
        line_amount_types=LineAmountTypes.NOTAX,
        line_items=[LineItem(description=overpayment.description,
                             line_amount=exact_on_the_wire(overpayment.amount))])


def _journal_model(journal: NewJournal) -> ManualJournal:
    return ManualJournal(
        narration=journal.narration, date=journal.posted_on, status="POSTED",
        line_amount_types=LineAmountTypes.NOTAX,
        journal_lines=[ManualJournalLine(account_id=line.account_id,
                                         account_code=line.account_code,
                                         line_amount=exact_on_the_wire(line.amount),
                                         description=line.description)
                       for line in journal.lines])


def _line_items(lines: Sequence[NewLine]) -> list[LineItem]:
    return [LineItem(account_id=line.account_id, account_code=line.account_code,
                     description=line.description,
                     line_amount=exact_on_the_wire(line.amount)) for line in lines]


def _bank_transaction_model(transaction: NewBankTransaction) -> BankTransaction:
    return BankTransaction(
        type=transaction.kind, contact=Contact(name=transaction.contact_name),
        bank_account=Account(account_id=transaction.bank_account_id), date=transaction.on,
        reference=transaction.reference, currency_code=_currency_code(transaction.currency),
        currency_rate=_rate_on_the_wire(transaction.currency_rate),
        line_amount_types=LineAmountTypes.NOTAX, line_items=_line_items(transaction.lines))


def _credit_note_model(credit_note: NewCreditNote) -> CreditNote:
    return CreditNote(
        type="ACCRECCREDIT", status="AUTHORISED",
        contact=Contact(contact_id=credit_note.contact_id),
        date=credit_note.on, reference=credit_note.reference,
        currency_code=_currency_code(credit_note.currency),
        currency_rate=_rate_on_the_wire(credit_note.currency_rate),
        line_amount_types=LineAmountTypes.NOTAX, line_items=_line_items(credit_note.lines))


def _created(found: list | None, id_field: str, what: str):
    """The one object a write created; Rejected when Xero answered it with validation errors
    (summarizeErrors=true answers them as a 400, but an element may still carry some)."""
    found = list(found or [])
    if len(found) != 1:
        raise UnexpectedAnswer(f"Xero answered {len(found)} objects for one {what}.", UNREADABLE)
    created = found[0]
    messages = [error.message for error in getattr(created, "validation_errors", None) or []]
    if messages:
        raise Rejected(f"Xero refused the {what}.", "; ".join(messages))
    if not getattr(created, id_field, None):
        raise UnexpectedAnswer(f"Xero answered a {what} without its id.", UNREADABLE)
    return created


def _currency_code(code: str) -> CurrencyCode:
    """The SDK serialises only its own enum; a code it lacks is refused before any call."""
    try:
        return CurrencyCode(code)
    except ValueError:
        raise Rejected(f"xero-python knows no currency {code}.",
                       f"Xero cannot be sent the currency {code}.") from None


def _rate_on_the_wire(rate: Decimal | None) -> Decimal | None:
    """Xero's CurrencyRate when one is given (None: Xero takes its own)."""
    return None if rate is None else exact_on_the_wire(rate)


def exact_on_the_wire(value: Decimal) -> Decimal:
    """`value` if xero-python's float serialisation writes exactly it, else Rejected.

    The SDK sends `json.dumps(float(value))`, i.e. the shortest decimal that reads back as the
    same binary float: that equals `value` for every amount with up to 15 significant digits
    (any 2-place amount below 10^13); beyond, it may not, and Xero would record another
    amount without a word (tests/connectors/xero/test_payment_mapping.py)."""
    if not value.is_finite() or Decimal(repr(float(value))) != value:
        raise Rejected(f"Xero cannot be sent {value} exactly: xero-python writes numbers as "
                       "binary floats.", f"{value} has too many digits for Xero.")
    return value


def _only(found: list | None, what: str):
    if not found:  # an empty envelope: treat as Xero's 404
        raise NotFound(f"Xero answered no {what} for that id.")
    return found[0]


def _refuse_sdk_refresh(token: dict) -> None:
    raise AuthError("xero-python tried to store a token it refreshed; Remit refreshes itself.")


def translate(exc: Exception) -> ConnectorError:
    """Map whatever xero-python or urllib3 raised to Remit's taxonomy (reference §3.2, §5.7)."""
    if isinstance(exc, HTTPStatusException) and exc.http_resp is not None:
        return _status_error(exc)
    if isinstance(exc, OAuth2Error):
        return AuthError(f"xero-python could not authenticate: {type(exc).__name__}.")
    if isinstance(exc, (ValueError, TypeError, KeyError, AttributeError)):
        # A successful answer xero-python cannot read: "'FOOBAR' is not a valid AccountType"
        # (§5.9), a missing or mistyped field, JSON of another shape. Not an outage: the same
        # answer would come back, so a person must look.
        return UnexpectedAnswer(f"Xero answered with something this xero-python cannot read "
                                f"({type(exc).__name__}: {exc}); upgrading xero-python may be "
                                "needed.", UNREADABLE)
    return VendorUnavailable(f"Xero did not answer: {type(exc).__name__}.")


def _status_error(exc: HTTPStatusException) -> ConnectorError:
    status, response = exc.http_resp.status, exc.http_resp
    if status == 403 and "insufficient_scope" in (response.getheader("WWW-Authenticate") or ""):
        # The grant is alive but lacks this call's scope (reference §1.3): not a dead grant.
        return ScopeMissing(f"Xero refused a scope this call needs (HTTP 403{_detail(response)}).")
    if status in (401, 403):  # 403: tenant not connected (or header missing)
        error = AccessTokenRejected if status == 401 else AuthError
        what = "the access token" if status == 401 else "access to this organisation"
        return error(f"Xero refused {what} (HTTP {status}{_detail(response)}).")
    if status == 429:
        problem = response.getheader("X-Rate-Limit-Problem") or "unstated"
        return RateLimited(f"Xero throttled the request (HTTP 429, {problem} limit).",
                           _retry_after(response.getheader("Retry-After")))
    if status >= 500:
        return VendorUnavailable(f"Xero is unavailable (HTTP {status}).")
    if status == 404:
        return NotFound("Xero has no object with that id (HTTP 404).", "Not found in Xero.")
    body = _json_body(response)
    if body.get("error") == "invalid_grant":
        return AuthError("Xero refused the grant (invalid_grant): reconnect needed.")
    messages = _validation_messages(body)
    kind = body.get("Type") or f"HTTP {status}"
    summary = body.get("Message") or getattr(response, "reason", "") or "refused"
    return Rejected(f"Xero rejected the request ({kind}): {summary}", "; ".join(messages),
                    body.get("Type") or str(status))


def _json_body(response) -> dict:
    try:
        body = json.loads(response.text)
    except (ValueError, AttributeError):  # not JSON (429 and 503 bodies are short texts)
        return {}
    return body if isinstance(body, dict) else {}


def _validation_messages(body: dict) -> list[str]:
    """Every ValidationErrors message of every element (the SDK's .reason keeps only one)."""
    return [error.get("Message", "") for element in body.get("Elements") or []
            for error in element.get("ValidationErrors") or []]


def _detail(response) -> str:
    """The first word of Xero's problem `Detail` (e.g. TokenExpired), never more: a message
    must not carry anything the vendor echoed back."""
    words = str(_json_body(response).get("Detail") or "").split(":")[0].split()
    return f", {words[0]}" if words and words[0].isalnum() else ""


def _retry_after(value: str | None) -> float | None:
    """Seconds from a delta-seconds Retry-After header (Xero sends no HTTP-date form)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
