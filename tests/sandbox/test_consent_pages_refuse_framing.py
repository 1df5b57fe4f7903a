"""The stand-ins' sign-in, consent and checkout pages refuse to be framed, as Intuit's, Xero's and
Stripe's do: a Remit shown inside QuickBooks or Xero that opened one of them in its own frame
would show the browser's refusal, so the browser tests see what real users would."""

from __future__ import annotations

import pytest

import sandbox
from tests.sandbox import test_stripe_sandbox as stripe_pages
from tests.sandbox import test_xero_sandbox as xero_pages
from tests.sandbox.quickbooks_client import AUTHORIZE as INTUIT_AUTHORIZE
from tests.sandbox.quickbooks_client import authorize_query as intuit_query
from tests.sandbox.quickbooks_client import seeded_client


@pytest.fixture
def web():
    yield from seeded_client()


def assert_refuses_framing(answer):
    assert answer.mimetype == "text/html"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_intuit_consent_page_refuses_framing(web):
    answer = web.get(f"{INTUIT_AUTHORIZE}?{intuit_query()}")
    assert answer.status_code == 200
    assert_refuses_framing(answer)


def test_xero_consent_page_refuses_framing():
    client = sandbox.create_app().test_client()
    answer = client.get(xero_pages.AUTHORIZE, query_string=xero_pages.authorize_query())
    assert answer.status_code == 200
    assert_refuses_framing(answer)


def test_stripe_connect_page_refuses_framing():
    client = sandbox.create_app().test_client()
    answer = client.get(stripe_pages.AUTHORIZE, query_string=stripe_pages.authorize_query())
    assert answer.status_code == 200
    assert_refuses_framing(answer)


def test_machine_answers_are_left_alone():
    """JSON endpoints (token, API) are not pages: no framing headers to send."""
    client = sandbox.create_app().test_client()
    answer = client.get("/xero/identity/.well-known/openid-configuration")
    assert answer.mimetype == "application/json"
    assert "X-Frame-Options" not in answer.headers
