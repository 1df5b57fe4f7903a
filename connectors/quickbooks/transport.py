"""Remit's transport rules for every requests session talking to Intuit (python-quickbooks'
Accounting API session and Authlib's token session alike)."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

from connectors import calls
from connectors.quickbooks.const import THROTTLE_FAULT, THROTTLE_WAIT_SECONDS


class CallPolicyMixin:
    """A timeout on every call, no urllib3 retries, every call shown to the caller's observer
    (connectors/calls.py), and the last response kept so its status and headers survive the
    exceptions python-quickbooks and Authlib raise without them."""

    timeout: float
    last_response: requests.Response | None = None

    def _apply_call_policy(self, timeout: float) -> None:
        self.timeout = timeout
        # Retries belong to the job runner, which knows which calls are safe to repeat.
        adapter = HTTPAdapter(max_retries=0)
        self.mount("https://", adapter)  # type: ignore[attr-defined]
        self.mount("http://", adapter)  # type: ignore[attr-defined]

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("timeout", self.timeout)
        self.last_response = None
        calls.calling()  # may refuse the call (RateLimited) before anything is sent
        response = super().request(method, url, *args, **kwargs)  # type: ignore[misc]
        self.last_response = response
        calls.answered(answer(response))
        return response


def answer(response: requests.Response) -> calls.Answer:
    """What an Intuit answer says about its limits: Intuit sends no remaining counts, only
    its throttle (HTTP 429, or fault 3001 under another status), which means wait 60 s
    unless a Retry-After says otherwise."""
    throttled = response.status_code == 429 or (
        response.status_code >= 400 and _fault_code(response) == THROTTLE_FAULT)
    return calls.Answer(response.status_code, throttled,
                        (retry_after(response) or THROTTLE_WAIT_SECONDS) if throttled else None)


def _fault_code(response: requests.Response) -> str | None:
    try:
        body = response.json()
        fault = body.get("Fault") or body.get("fault") or {}
        errors = fault.get("Error") or fault.get("error") or [{}]
        return str(errors[0].get("code"))
    except (ValueError, AttributeError, IndexError, TypeError):
        return None


def retry_after(response: requests.Response) -> float | None:
    """Seconds from a delta-seconds Retry-After header (Intuit sends no HTTP-date form)."""
    return calls.header_seconds(response.headers.get("Retry-After"))
