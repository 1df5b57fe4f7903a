"""The client's transport rules and the error table rows no cassette covers, through the real
python-quickbooks SDK with a canned transport adapter in place of the network.

Cassettes prove what Intuit's answers look like; these prove what the client does with the
answers Intuit is documented to give but the sandbox cannot sensibly produce for company_info.
"""

from __future__ import annotations

import json

import pytest
import requests
from requests.adapters import HTTPAdapter

from connectors.base import AuthError, RateLimited, Rejected, UnexpectedAnswer, VendorUnavailable
from connectors.quickbooks import const
from connectors.quickbooks.client import BearerSession, QuickBooksClient
from tests.connectors.quickbooks.conftest import US_REALM

TOKEN = "secret-access-token-abc"


class CannedAdapter(HTTPAdapter):
    """Answers every request with one prepared response (or error) and keeps what it was sent."""

    def __init__(self, status: int = 200, body: object = None, headers: dict | None = None,
                 error: Exception | None = None) -> None:
        super().__init__()
        self.answer = (status, body, headers or {}, error)
        self.sent: list[dict] = []

    def send(self, request, **kwargs):
        self.sent.append({"url": request.url, **kwargs})
        status, body, headers, error = self.answer
        if error is not None:
            raise error
        response = requests.Response()
        response.status_code, response.request, response.url = status, request, request.url
        response._content = (body if isinstance(body, str) else json.dumps(body)).encode()
        response.headers.update(headers)
        return response


def client_with(adapter: CannedAdapter, timeout: float = 7.5) -> QuickBooksClient:
    session = BearerSession(TOKEN, timeout)
    session.mount("https://", adapter)
    return QuickBooksClient(US_REALM, session, const.PRODUCTION_API_BASE)


def fault(code: str, message: str, detail: str, fault_type: str = "ValidationFault") -> dict:
    error = {"Message": message, "Detail": detail, "code": code}
    return {"Fault": {"Error": [error], "type": fault_type}, "time": "2026-01-20T11:02:13-08:00"}


def test_every_call_has_the_timeout_and_is_tried_once():
    adapter = CannedAdapter(error=requests.ConnectTimeout("connect timed out"))

    with pytest.raises(VendorUnavailable):
        client_with(adapter, timeout=7.5).company_info()

    assert [call["timeout"] for call in adapter.sent] == [7.5]
    assert adapter.sent[0]["url"] == (
        f"{const.PRODUCTION_API_BASE}/company/{US_REALM}/companyinfo/{US_REALM}?minorversion=75"
    )
    assert BearerSession(TOKEN, 1.0).get_adapter("https://x").max_retries.total == 0


def test_no_token_fails_before_any_call():
    with pytest.raises(AuthError):
        QuickBooksClient.with_access_token(US_REALM, "", const.PRODUCTION_API_BASE, 5.0)


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected", "retry_after"),
    [
        (200, fault("3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                    "The request limit was reached.", "SERVICE"), {}, RateLimited, None),
        (500, fault("10000", "An application error has occurred while processing your request",
                    "System Failure Error", "SystemFault"), {}, VendorUnavailable, None),
        (403, {"fault": {"error": [{"message": "message=ApplicationAuthorizationFailed; "
                                    "errorCode=003100; statusCode=403", "code": "3100"}],
                         "type": "SERVICE"}}, {}, AuthError, None),
        (200, "<html>maintenance</html>", {}, VendorUnavailable, None),
        (429, {"fault": {"error": [{"code": "3001"}]}}, {"Retry-After": "12"}, RateLimited, 12.0),
    ],
)
def test_error_table(status, body, headers, expected, retry_after):
    with pytest.raises(expected) as caught:
        client_with(CannedAdapter(status, body, headers)).preferences()

    assert type(caught.value) is expected
    assert getattr(caught.value, "retry_after", None) == retry_after


def test_validation_fault_is_rejected_with_detail_and_no_token():
    body = fault("2050", "Invalid String", f"Name is too long (sent with {TOKEN})")

    with pytest.raises(Rejected) as caught:
        client_with(CannedAdapter(400, body)).company_info()

    assert "fault 2050" in str(caught.value) and "Invalid String" in str(caught.value)
    assert caught.value.detail == "Name is too long (sent with [redacted])"
    assert TOKEN not in str(caught.value) + caught.value.detail
    assert caught.value.code == "2050"


PAYMENT_FIELDS = {"CustomerRef": {"value": "1"}, "TotalAmt": "1.00"}


@pytest.mark.parametrize("body", [
    {"time": "2026-01-20T11:02:13-08:00"},  # no Payment entity at all
    {"Payment": {"TotalAmt": 1.0}, "time": "2026-01-20T11:02:13-08:00"},  # no Id
    {"Payment": ["not", "an", "object"]},  # a wrong type
    ["a", "list"],  # JSON, but not the envelope
])
def test_a_successful_answer_of_another_shape_is_an_unexpected_answer(body):
    """A readable answer the SDK cannot use is a refusal a person looks at (the payment may be
    there), not an outage retried for ever."""
    with pytest.raises(UnexpectedAnswer) as caught:
        client_with(CannedAdapter(200, body)).create_payment(PAYMENT_FIELDS, "rp-1")

    assert caught.value.may_have_written and caught.value.detail
    assert TOKEN not in str(caught.value) + caught.value.detail


def test_a_server_error_page_stays_an_outage():
    with pytest.raises(VendorUnavailable):
        client_with(CannedAdapter(502, "<html>bad gateway</html>")).create_payment(
            PAYMENT_FIELDS, "rp-1")


@pytest.mark.parametrize("entity", ["JournalEntry", "Deposit", "Transfer", "RefundReceipt"])
@pytest.mark.parametrize("body", [
    {"time": "2026-01-20T11:02:13-08:00"},  # no entity at all
    {"Payment": {"Id": "201"}, "time": "2026-01-20T11:02:13-08:00"},  # another entity
    {"JournalEntry": {"TotalAmt": 1.0}, "Deposit": {}, "Transfer": {}, "RefundReceipt": {}},
])
def test_a_create_answered_in_another_shape_is_an_unexpected_answer(entity, body):
    """The writes besides Payment: what QuickBooks made cannot be read, so it may be there."""
    adapter = CannedAdapter(200, body)
    with pytest.raises(UnexpectedAnswer) as caught:
        client_with(adapter).create(entity, {"PrivateNote": "x"}, "key-1")

    assert caught.value.may_have_written and caught.value.detail
    assert adapter.sent[0]["url"].startswith(
        f"{const.PRODUCTION_API_BASE}/company/{US_REALM}/{entity.lower()}?")
    assert "requestid=key-1" in adapter.sent[0]["url"]
