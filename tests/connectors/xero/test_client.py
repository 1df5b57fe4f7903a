"""XeroClient's transport rules (reference §5) and the error table rows no cassette covers.

The SDK's urllib3 pool is swapped for a recorder where only the request matters; the retry
test uses a real loopback server, since what it proves lives inside urllib3.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import urllib3
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response
from xero_python.exceptions import HTTPStatusException
from xero_python.rest import RESTResponse

from connectors.base import (
    AuthError,
    RateLimited,
    Rejected,
    ScopeMissing,
    UnexpectedAnswer,
    VendorUnavailable,
)
from connectors.xero.client import (
    AccessTokenRejected,
    NewPayment,
    NotFound,
    XeroClient,
    translate,
)
from tests.connectors.xero.conftest import UK_ORG

ORGANISATION = {"Organisations": [{"Name": "A", "BaseCurrency": "GBP"}]}
ANSWERS = {  # path pattern (anchored at the end) -> body; DELETE answers 204
    r"/Organisation": ORGANISATION, r"/Currencies": {"Currencies": []},
    r"/Accounts": {"Accounts": []}, r"/Connections": [],
    r"/Accounts/[^/]+": {"Accounts": [{"AccountID": "a", "Name": "Bank", "Type": "BANK"}]},
    r"/Invoices/[^/]+": {"Invoices": [{"InvoiceID": "i", "Type": "ACCREC"}]},
    r"/Payments": {"Payments": [{"PaymentID": "p", "HasValidationErrors": False}]},
}
PAYMENT = NewPayment(invoice_id="i", account_id="a", amount=Decimal("120.50"),
                     paid_on=date(2026, 3, 9), reference="ch_1",
                     currency_rate=Decimal("1.183221"))


class RecordingPool:
    """Stands in for urllib3's PoolManager: keeps each request's kwargs, answers from ANSWERS."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.connection_pool_kw: dict = {}

    def request(self, method, url, **kwargs):
        self.calls.append({"method": method, "url": url, **kwargs})
        path = urlsplit(url).path
        found = [body for pattern, body in ANSWERS.items() if re.search(pattern + "$", path)]
        body = json.dumps(found[-1]).encode() if method != "DELETE" else b""
        return urllib3.HTTPResponse(body=body, status=200 if body else 204,
                                    headers={"Content-Type": "application/json"})


def recorded_client(token_pool: RecordingPool, timeout: float = 7.0) -> XeroClient:
    client = XeroClient("client-id", "https://api.xero.com", timeout)
    client._accounting.api_client.rest_client.pool_manager = token_pool
    return client


def every_call(client: XeroClient, token: str) -> None:
    client.organisation(token, UK_ORG)
    client.currencies(token, UK_ORG)
    client.accounts(token, UK_ORG)
    client.connections(token)
    client.delete_connection(token, "7cb59f93-2964-421d-bb5e-a0f7a4572a44")
    client.account(token, UK_ORG, "a")
    client.invoice(token, UK_ORG, "i")
    client.create_payments(token, UK_ORG, [PAYMENT], "remit-1-payment-ch_1")


def test_every_call_has_a_connect_and_a_read_timeout():
    pool = RecordingPool()

    every_call(recorded_client(pool, timeout=7.0), "token")

    assert len(pool.calls) == 8
    for call in pool.calls:
        assert (call["timeout"].connect_timeout, call["timeout"].read_timeout) == (7.0, 7.0)


def test_each_client_sends_its_own_token_and_never_refreshes():
    """The Configuration trap (§5.1): a second client must not reuse the first one's token."""
    first_pool, second_pool = RecordingPool(), RecordingPool()
    first, second = recorded_client(first_pool), recorded_client(second_pool)

    every_call(first, "token-of-company-a")
    every_call(second, "token-of-company-b")

    assert {c["headers"]["Authorization"] for c in first_pool.calls} == {
        "Bearer token-of-company-a"}
    assert {c["headers"]["Authorization"] for c in second_pool.calls} == {
        "Bearer token-of-company-b"}
    assert not first._accounting.api_client.configuration.oauth2_token.can_refresh_access_token()


def test_the_sdk_pool_is_built_without_retries():
    client = XeroClient("client-id", "https://api.xero.com", 5.0)

    assert client._accounting.api_client.rest_client.pool_manager.connection_pool_kw[
        "retries"] is False


@pytest.fixture
def throttling_server():
    """Answers every request 429 with Retry-After, counting them."""
    hits = []

    @Request.application
    def app(request):
        hits.append(request.path)
        return Response("Rate limit exceeded", 429,
                        {"Retry-After": "1", "X-Rate-Limit-Problem": "minute"})

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_a_throttled_get_is_sent_once_not_retried(throttling_server):
    base, hits = throttling_server

    with pytest.raises(RateLimited) as caught:
        XeroClient("client-id", base, 5.0).currencies("token", UK_ORG)

    assert hits == ["/api.xro/2.0/Currencies"]
    assert caught.value.retry_after == 1.0


def status_error(status: int, body: str | dict = "", **headers: str) -> HTTPStatusException:
    text = body if isinstance(body, str) else json.dumps(body)
    answer = urllib3.HTTPResponse(body=text.encode(), status=status, headers=headers)
    return HTTPStatusException(http_resp=RESTResponse(answer))


@pytest.mark.parametrize(("error", "expected", "words"), [
    (status_error(401, {"Detail": "TokenExpired: token expired at 11/26/2026 14:25:39"}),
     AccessTokenRejected, "HTTP 401, TokenExpired"),
    (status_error(403, {"Detail": "AuthenticationUnsuccessful"}), AuthError, "HTTP 403"),
    # The grant lives but lacks the call's scope (reference §1.3): not a dead grant.
    (status_error(403, {"Detail": "AuthorizationUnsuccessful"},
                  **{"WWW-Authenticate": 'Bearer error="insufficient_scope"'}), ScopeMissing,
     "HTTP 403, AuthorizationUnsuccessful"),
    (status_error(429, "", **{"Retry-After": "66975", "X-Rate-Limit-Problem": "day"}),
     RateLimited, "day limit"),
    (status_error(502, "<html>bad gateway</html>"), VendorUnavailable, "HTTP 502"),
    (status_error(400, {"error": "invalid_grant"}), AuthError, "invalid_grant"),
    (status_error(404, "The resource you're looking for cannot be found"), NotFound,
     "HTTP 404"),
    # A readable answer of another shape: a refusal a person looks at, not an outage.
    (ValueError("'FOOBAR' is not a valid AccountType"), UnexpectedAnswer, "FOOBAR"),
    (KeyError("Payments"), UnexpectedAnswer, "KeyError"),
    (urllib3.exceptions.ReadTimeoutError(None, "/", "read timed out"), VendorUnavailable,
     "ReadTimeoutError"),
])
def test_error_table(error, expected, words):
    translated = translate(error)

    assert type(translated) is expected
    assert words in str(translated)


def test_daily_limit_retry_after_is_kept_as_said():
    assert translate(status_error(429, "", **{"Retry-After": "66975"})).retry_after == 66975.0


def test_validation_exception_keeps_every_message_and_no_echoed_secret():
    body = {"ErrorNumber": 10, "Type": "ValidationException",
            "Message": "A validation exception occurred", "Elements": [
                {"Reference": "Bearer sk_live_echoed", "ValidationErrors": [
                    {"Message": "Account must be valid."}, {"Message": "Date is required."}]},
                {"ValidationErrors": [{"Message": "Amount must be positive."}]}]}

    rejected = translate(status_error(400, body))

    assert isinstance(rejected, Rejected)
    assert rejected.detail == ("Account must be valid.; Date is required.; "
                               "Amount must be positive.")
    assert "sk_live" not in str(rejected) + rejected.detail
    assert rejected.code == "ValidationException" and not rejected.may_have_written
