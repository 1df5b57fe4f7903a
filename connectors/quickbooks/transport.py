"""Remit's transport rules for every requests session talking to Intuit (python-quickbooks'
Accounting API session and Authlib's token session alike)."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter


class CallPolicyMixin:
    """A timeout on every call, no urllib3 retries, and the last response kept so its status and
    headers survive the exceptions python-quickbooks and Authlib raise without them."""

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
        response = super().request(method, url, *args, **kwargs)  # type: ignore[misc]
        self.last_response = response
        return response


def retry_after(response: requests.Response) -> float | None:
    """Seconds from a delta-seconds Retry-After header (Intuit sends no HTTP-date form)."""
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
