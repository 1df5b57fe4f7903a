"""The connector's token behaviour over real HTTP, replayed from cassettes: refresh ahead of
expiry, refresh-and-retry once on a 401, invalid_grant as AuthError, and revocation.

Each cassette is asserted call by call (`calls`), so a refresh that happened in the wrong
place, or twice, fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from connectors.base import AuthError
from connectors.quickbooks import oauth
from tests.connectors.quickbooks.conftest import SINGLE_CURRENCY_REALM, US_REALM

API = "/v3/company/9341453050298431"
TOKEN = ("POST", "/oauth2/v1/tokens/bearer")


def calls(cassette) -> list[tuple[str, str, int]]:
    """(method, path, status) of each interaction, in order."""
    return [(request.method, urlsplit(request.uri).path, response["status"]["code"])
            for request, response in cassette.data]


@pytest.mark.vcr
def test_expired_access_token_is_refreshed_and_the_call_retried(qbo, vcr):
    keeper = qbo.keeper(US_REALM)
    stale = keeper.tokens
    qbo.expire_access_tokens()

    info = qbo.connector(US_REALM, keeper).company_info()

    assert info.name == "Remit Sandbox Company US"
    assert calls(vcr) == [("GET", f"{API}/companyinfo/{US_REALM}", 401), (*TOKEN, 200),
                          ("GET", f"{API}/companyinfo/{US_REALM}", 200),
                          ("GET", f"{API}/preferences", 200)]
    assert keeper.rotations == 1
    assert keeper.tokens.access_token != stale.access_token
    assert keeper.tokens.refresh_token != stale.refresh_token


@pytest.mark.vcr
def test_token_about_to_expire_is_refreshed_before_the_call(qbo, vcr):
    keeper = qbo.keeper(SINGLE_CURRENCY_REALM, expires_in=90)  # inside the 120 s margin

    qbo.connector(SINGLE_CURRENCY_REALM, keeper).currencies()

    realm_api = f"/v3/company/{SINGLE_CURRENCY_REALM}"
    assert calls(vcr) == [(*TOKEN, 200), ("GET", f"{realm_api}/preferences", 200)]
    assert keeper.rotations == 1
    assert keeper.tokens.expires_at > datetime.now(UTC) + timedelta(minutes=55)


@pytest.mark.vcr
def test_refresh_asks_for_and_keeps_the_hard_expiry(qbo, vcr):
    keeper = qbo.keeper(US_REALM, expires_in=0)

    qbo.connector(US_REALM, keeper).company_info()

    refresh = vcr.requests[0]
    assert refresh.headers["x-include-refresh-token-hard-expires-in"] == "true"
    assert refresh.body == b"grant_type=refresh_token&refresh_token=REDACTED"
    now = datetime.now(UTC)
    assert keeper.tokens.refresh_hard_expires_at > now + timedelta(days=4 * 365)
    assert now + timedelta(days=100) < keeper.tokens.refresh_expires_at < now + timedelta(days=102)


@pytest.mark.vcr
def test_revoked_refresh_token_is_auth_error_and_asks_for_reconnection(qbo, vcr):
    keeper = qbo.keeper(US_REALM)
    qbo.revoke_all()  # the user disconnected the app inside QuickBooks

    with pytest.raises(AuthError) as caught:
        qbo.connector(US_REALM, keeper).company_info()

    assert "invalid_grant" in str(caught.value)
    assert calls(vcr) == [("GET", f"{API}/companyinfo/{US_REALM}", 401), (*TOKEN, 400)]
    assert keeper.needs_reconnect


@pytest.mark.vcr
def test_a_second_401_after_refreshing_is_auth_error_without_a_second_refresh(qbo, vcr):
    keeper = qbo.keeper(US_REALM)
    qbo.force_next("401")
    qbo.force_next("401")

    with pytest.raises(AuthError) as caught:
        qbo.connector(US_REALM, keeper).company_info()

    assert "HTTP 401" in str(caught.value)
    assert calls(vcr) == [("GET", f"{API}/companyinfo/{US_REALM}", 401), (*TOKEN, 200),
                          ("GET", f"{API}/companyinfo/{US_REALM}", 401)]
    assert keeper.rotations == 1 and not keeper.needs_reconnect


@pytest.mark.vcr
def test_revoke_ends_the_connection(qbo, vcr):
    refresh_token = qbo.keeper(SINGLE_CURRENCY_REALM).tokens.refresh_token

    oauth.revoke(qbo.client, refresh_token, timeout=10.0)
    with pytest.raises(AuthError):
        oauth.refresh(qbo.client, refresh_token, timeout=10.0)

    assert calls(vcr) == [("POST", "/v2/oauth2/tokens/revoke", 200), (*TOKEN, 400)]
    revocation = vcr.requests[0]
    assert revocation.headers["Content-Type"] == "application/json"
    assert revocation.body == b'{"token": "REDACTED"}'
