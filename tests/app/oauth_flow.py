"""Walk the add-on's Connect flow through the sandbox consent pages, as a browser would."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from tests.browserless import press

CONSENT_BUTTONS = {"quickbooks": ("Approve", "Deny"), "xero": ("Allow access", "Cancel")}


def consent_redirect(client, platform: str, approve: bool = True,
                     choices: dict | None = None) -> str:
    """Start at /connect/<platform>, answer the consent page, return the callback path."""
    start = client.get(f"/connect/{platform}")
    assert start.status_code == 302, start.get_data(as_text=True)
    approve_text, deny_text = CONSENT_BUTTONS[platform]
    answer = press(requests.Session(), start.headers["Location"],
                   approve_text if approve else deny_text, choices)
    assert answer.status_code in (302, 303), answer.text
    location = urlsplit(answer.headers["Location"])
    assert location.path == f"/auth/{platform}/callback"
    return f"{location.path}?{location.query}"


def connect(client, platform: str, approve: bool = True, choices: dict | None = None):
    """The whole round trip; returns the add-on's answer to the callback."""
    return client.get(consent_redirect(client, platform, approve, choices))


def with_params(path: str, **changes) -> str:
    """The same callback with some query parameters replaced (None removes one)."""
    parts = urlsplit(path)
    params = dict(parse_qsl(parts.query))
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return f"{parts.path}?{urlencode(params)}"
