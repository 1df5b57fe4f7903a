"""The one hook every ledger call passes (connectors/calls.py): each transport shows the call
to the installed observer before it leaves (which may refuse it: nothing is sent) and tells
what the answer said about the platform's limits, in no vendor's words."""

from __future__ import annotations

import json

import pytest
import requests
from requests.adapters import BaseAdapter

from connectors import calls
from connectors.base import RateLimited
from connectors.quickbooks.client import BearerSession
from connectors.xero import transport as xero


class Recorder:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse, self.seen = refuse, []

    def before(self) -> None:
        self.seen.append("before")
        if self.refuse:
            raise RateLimited("held back", 12)

    def after(self, answer: calls.Answer) -> None:
        self.seen.append(answer)


class Canned(BaseAdapter):
    """Answers every request with one status, headers and body; counts what was sent."""

    def __init__(self, status: int, headers: dict | None = None, body: object = None) -> None:
        super().__init__()
        self.status, self.headers, self.body, self.sent = status, headers or {}, body, 0

    def send(self, request, **kwargs):
        self.sent += 1
        response = requests.Response()
        response.status_code, response.request, response.url = self.status, request, request.url
        response.headers.update(self.headers)
        response._content = json.dumps(self.body).encode() if self.body is not None else b""
        return response

    def close(self) -> None:
        pass


def _intuit(adapter: Canned) -> BearerSession:
    session = BearerSession("token", timeout=5)
    session.mount("https://", adapter)
    return session


def test_without_an_observer_the_hook_does_nothing():
    adapter = Canned(200)
    assert _intuit(adapter).get("https://quickbooks.test/v3/x").status_code == 200
    assert adapter.sent == 1


def test_an_intuit_throttle_without_retry_after_means_wait_60_seconds():
    recorder, adapter = Recorder(), Canned(429)
    with calls.observed_by(recorder):
        _intuit(adapter).get("https://quickbooks.test/v3/x")
    assert recorder.seen == ["before", calls.Answer(429, True, 60.0)]


def test_an_intuit_fault_3001_under_another_status_is_a_throttle_too():
    fault = {"Fault": {"Error": [{"code": "3001", "Message": "ThrottleExceeded"}],
                       "type": "SERVICE"}}
    recorder = Recorder()
    with calls.observed_by(recorder):
        _intuit(Canned(403, {"Retry-After": "7"}, fault)).get("https://quickbooks.test/v3/x")
        _intuit(Canned(400, body={"Fault": {"Error": [{"code": "6000"}]}})).get(
            "https://quickbooks.test/v3/x")
        _intuit(Canned(200, body={"Invoice": {}})).get("https://quickbooks.test/v3/x")
    assert recorder.seen[1] == calls.Answer(403, True, 7.0)
    assert recorder.seen[3] == calls.Answer(400) and recorder.seen[5] == calls.Answer(200)


def test_a_refused_call_is_never_sent():
    recorder, adapter = Recorder(refuse=True), Canned(200)
    with calls.observed_by(recorder), pytest.raises(RateLimited):
        _intuit(adapter).get("https://quickbooks.test/v3/x")
    assert adapter.sent == 0 and recorder.seen == ["before"]


@pytest.mark.parametrize(("status", "headers", "answer"), [
    (200, {"X-MinLimit-Remaining": "58", "X-DayLimit-Remaining": "4983",
           "X-AppMinLimit-Remaining": "9999"}, calls.Answer(200, False, None, 58, 4983)),
    (429, {"Retry-After": "45", "X-Rate-Limit-Problem": "minute"},
     calls.Answer(429, True, 45.0)),
    (429, {"X-Rate-Limit-Problem": "concurrent"}, calls.Answer(429, True, 60.0)),
    (200, {"X-MinLimit-Remaining": "many"}, calls.Answer(200)),
])
def test_xero_answers_tell_the_remaining_counts_and_the_wait(status, headers, answer):
    assert xero.answer(status, headers.get) == answer


def test_every_xero_sdk_call_passes_the_hook_once():
    class Answered:
        status, headers = 200, {"X-MinLimit-Remaining": "0"}

    class Pool:
        sent = 0

        def request(self, *args, **kwargs):
            Pool.sent += 1
            return Answered()

    pool, recorder = Pool(), Recorder()
    xero.observe(pool)
    with calls.observed_by(recorder):
        pool.request("GET", "https://api.xero.test/api.xro/2.0/Invoices")
    assert Pool.sent == 1
    assert recorder.seen == ["before", calls.Answer(200, False, None, 0, None)]
    refusing = Recorder(refuse=True)
    with calls.observed_by(refusing), pytest.raises(RateLimited):
        pool.request("GET", "https://api.xero.test/api.xro/2.0/Invoices")
    assert Pool.sent == 1
