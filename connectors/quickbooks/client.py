"""The one module that imports python-quickbooks: builds the SDK per connection and turns
everything it raises into Remit's ConnectorError taxonomy.

python-quickbooks traps worked around here (reference §5): it refreshes tokens while being
constructed when it has no access token, sends requests without a timeout, and loses the HTTP
status of every failure except 401 (so 429 and Retry-After are invisible in its exceptions).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from quickbooks import QuickBooks
from quickbooks.exceptions import ObjectNotFoundException, QuickbooksException
from quickbooks.objects.account import Account
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.companycurrency import CompanyCurrency
from quickbooks.objects.customer import Customer
from quickbooks.objects.deposit import Deposit
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.journalentry import JournalEntry
from quickbooks.objects.payment import Payment
from quickbooks.objects.preferences import Preferences
from quickbooks.objects.refundreceipt import RefundReceipt
from quickbooks.objects.transfer import Transfer

from connectors.base import (
    AuthError,
    ConnectorError,
    RateLimited,
    Rejected,
    UnexpectedAnswer,
    VendorUnavailable,
)
from connectors.quickbooks import const
from connectors.quickbooks.transport import CallPolicyMixin, retry_after

__all__ = ["BearerSession", "CallPolicyMixin", "QuickBooksClient", "sdk_payment", "translate"]

T = TypeVar("T")
UNREADABLE = ("QuickBooks answered in a shape Remit cannot read. Check in QuickBooks whether "
              "the transaction (the payment, journal, deposit, transfer or refund) is there "
              "before retrying or ignoring it; updating Remit may be needed.")
# The writes Remit makes besides Payment, by the entity name QuickBooks answers with.
WRITABLE = {entity.qbo_object_name: entity
            for entity in (JournalEntry, Deposit, Transfer, RefundReceipt)}


class BearerSession(CallPolicyMixin, requests.Session):
    """A session holding one access token; python-quickbooks reads `access_token` and sends it
    as `Authorization: Bearer ...` itself. Nothing here ever refreshes it."""

    def __init__(self, access_token: str, timeout: float) -> None:
        super().__init__()
        self.access_token = access_token
        self._apply_call_policy(timeout)


class QuickBooksClient:
    """python-quickbooks bound to one company, one session and one API base URL.

    Not thread-safe: errors are read from the session's last response, so give each worker its
    own client (they are cheap: construction makes no network call).
    """

    def __init__(self, realm_id: str, session: CallPolicyMixin, api_base: str) -> None:
        if not getattr(session, "access_token", None):
            # python-quickbooks would try to refresh; Remit refreshes elsewhere, on purpose.
            raise AuthError("No QuickBooks access token for this connection; reconnect needed.")
        self.session = session
        self.qb = _build_qb(realm_id, session, api_base)

    @classmethod
    def with_access_token(
        cls, realm_id: str, access_token: str, api_base: str, timeout: float
    ) -> QuickBooksClient:
        return cls(realm_id, BearerSession(access_token, timeout), api_base)

    def company_info(self) -> CompanyInfo:
        """GET /company/{realm}/companyinfo/{realm}."""
        return self.call(lambda: CompanyInfo.get(self.qb.company_id, qb=self.qb))

    def preferences(self) -> Preferences:
        """GET /company/{realm}/preferences."""
        return self.call(lambda: Preferences.get(qb=self.qb))

    def accounts(self, where: str, start: int, max_results: int) -> list[Account]:
        """One page of `SELECT * FROM Account [WHERE where] STARTPOSITION .. MAXRESULTS ..`."""
        return self.call(lambda: Account.where(
            where, start_position=start, max_results=max_results, qb=self.qb))

    def company_currencies(self, start: int, max_results: int) -> list[CompanyCurrency]:
        """One page of the company's active foreign currencies (multicurrency companies)."""
        return self.call(lambda: CompanyCurrency.where(
            "", start_position=start, max_results=max_results, qb=self.qb))

    def account(self, account_id: str) -> Account | None:
        """GET /company/{realm}/account/{id}, inactive accounts included; None on Intuit's 610
        Object Not Found."""
        return self.call(lambda: _unless_missing(lambda: Account.get(account_id, qb=self.qb)))

    def create_account(self, fields: dict, request_id: str | None) -> Account:
        """POST /company/{realm}/account?requestid=...: `fields` sent exactly as given (no SDK
        defaults such as an empty Description or AcctNum). A repeated requestid gets the
        account first created."""
        account = _only(Account.from_json(fields), fields)
        saved = self.call(lambda: account.save(qb=self.qb, request_id=request_id))
        if not getattr(saved, "Id", None):
            raise UnexpectedAnswer("QuickBooks answered the account create without an Id.",
                                   UNREADABLE)
        return saved

    def invoice(self, invoice_id: str) -> Invoice:
        """GET /company/{realm}/invoice/{id}; an unknown id is a Rejected (610)."""
        return self.call(lambda: Invoice.get(invoice_id, qb=self.qb))

    def invoices(self, where: str, max_results: int, order_by: str = "") -> list[Invoice]:
        """One page of `SELECT * FROM Invoice [WHERE where] [ORDERBY order_by] MAXRESULTS n`;
        `where` must already be escaped (connector.quoted)."""
        return self.call(lambda: Invoice.where(
            where, order_by=order_by, max_results=max_results, qb=self.qb))

    def customers(self, where: str, max_results: int) -> list[Customer]:
        """One page of `SELECT * FROM Customer WHERE where MAXRESULTS n` (active ones only, as
        Intuit answers name lists)."""
        return self.call(lambda: Customer.where(where, max_results=max_results, qb=self.qb))

    def create_payment(self, fields: dict, request_id: str) -> Payment:
        """POST /company/{realm}/payment?requestid=...: `fields` sent exactly as given. Intuit
        answers a repeated requestid with the payment it already created."""
        payment = sdk_payment(fields)
        saved = self.call(lambda: payment.save(qb=self.qb, request_id=request_id))
        if not getattr(saved, "Id", None):
            raise UnexpectedAnswer("QuickBooks answered the payment create without an Id.",
                                   UNREADABLE)
        return saved

    def create(self, entity: str, fields: dict, request_id: str) -> Any:
        """POST /company/{realm}/<entity>?requestid=...: a JournalEntry, Deposit, Transfer or
        RefundReceipt, `fields` sent exactly as given; a repeated requestid is answered with
        what QuickBooks made the first time."""
        sdk_object = _only(WRITABLE[entity].from_json(fields), fields)
        saved = self.call(lambda: sdk_object.save(qb=self.qb, request_id=request_id))
        if not getattr(saved, "Id", None):
            raise UnexpectedAnswer(f"QuickBooks answered the {entity} create without an Id.",
                                   UNREADABLE)
        return saved

    def call(self, operation: Callable[[], T]) -> T:
        """Run one SDK operation; whatever fails comes out as a ConnectorError."""
        try:
            return operation()
        except (QuickbooksException, requests.RequestException) as exc:
            secret = getattr(self.session, "access_token", "")
            raise translate(exc, self.session.last_response, secret) from None
        except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError) as exc:
            # python-quickbooks reading a successful answer of another shape (a missing
            # entity or field, a string where it wants a list): a person must look.
            response = self.session.last_response
            if response is None or not response.ok:
                raise
            raise UnexpectedAnswer(f"python-quickbooks could not read QuickBooks' answer "
                                   f"(HTTP {response.status_code}, {type(exc).__name__}).",
                                   UNREADABLE) from None


def sdk_payment(fields: dict) -> Payment:
    """A python-quickbooks Payment that serialises to exactly `fields`. Its constructors add
    defaults Intuit would read as data (SyncToken 0, sparse, domain, Ref name/type "",
    LinkedTxn TxnLineId 0; reference §5.6); unset attributes are left out of the JSON."""
    return _only(Payment.from_json(fields), fields)


def _only(sdk_object: Any, fields: dict) -> Any:
    for key, value in list(vars(sdk_object).items()):
        if key.startswith("_"):
            continue
        given = fields.get(key)
        if given is None:
            setattr(sdk_object, key, None)
        elif isinstance(given, dict) and not isinstance(value, dict):
            _only(value, given)  # an SDK object (a plain dict is already exactly `given`)
        elif isinstance(given, list):
            for item, item_fields in zip(value, given, strict=True):
                if isinstance(item_fields, dict) and not isinstance(item, dict):
                    _only(item, item_fields)
    return sdk_object


def _unless_missing(read: Callable[[], T]) -> T | None:
    try:
        return read()
    except ObjectNotFoundException:
        return None


def _build_qb(realm_id: str, session: CallPolicyMixin, api_base: str) -> QuickBooks:
    """A QuickBooks object without an auth_client, so construction never touches the network."""
    qb = QuickBooks(company_id=realm_id, minorversion=const.MINOR_VERSION, use_decimal=True)
    qb.session = session
    qb.sandbox = False  # `api_url` then reads api_url_v3, which is ours:
    qb.api_url_v3 = api_base.rstrip("/")
    return qb


def translate(
    exc: Exception, response: requests.Response | None, secret: str = ""
) -> ConnectorError:
    """Map an SDK or transport failure to Remit's taxonomy: HTTP status first, then the Intuit
    fault code, then 5xx / answers that are not JSON; anything else is a Rejected request with
    Intuit's fault code. (JSON the SDK cannot read is an UnexpectedAnswer: see `call`.)"""
    if response is None or isinstance(exc, requests.RequestException):
        return VendorUnavailable(f"QuickBooks did not answer: {type(exc).__name__}.")
    body = _json_body(response)
    code = _fault_code(exc, body)
    status = response.status_code
    where = f"HTTP {status}" + (f", fault {code}" if code is not None else "")
    error_class = const.STATUS_ERRORS.get(status) or const.FAULT_CODE_ERRORS.get(code or 0)
    if error_class is RateLimited:
        return RateLimited(f"QuickBooks throttled the request ({where}).", retry_after(response))
    if error_class is not None:
        return error_class(f"QuickBooks refused the request ({where}).")
    if status >= 500 or body is None:  # not JSON: a maintenance page, a proxy's error
        return VendorUnavailable(f"QuickBooks is unavailable ({where}).")
    message, detail = _redact(getattr(exc, "message", ""), secret), _redact(_detail(exc), secret)
    rejected = const.REJECTED_FAULTS.get(code or 0, Rejected)
    return rejected(f"QuickBooks rejected the request ({where}): {message}", detail,
                    None if code is None else str(code))


def _json_body(response: requests.Response) -> dict | None:
    try:
        body = json.loads(response.text)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _fault_code(exc: Exception, body: dict | None) -> int | None:
    """The Intuit fault code, or None when the body held no Fault (python-quickbooks then
    reports its own placeholder 10000, which must not be read as a SystemFault)."""
    if body is None or "Fault" not in body:
        return None
    code = getattr(exc, "error_code", None)
    return code if isinstance(code, int) else None


def _detail(exc: Exception) -> str:
    detail = getattr(exc, "detail", "")
    return detail if isinstance(detail, str) else ""


def _redact(text: str, secret: str) -> str:
    """Belt and braces: a vendor message must never carry our token into logs."""
    return text.replace(secret, "[redacted]") if secret else text
