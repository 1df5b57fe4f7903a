"""XeroConnections (GET/DELETE api.xero.com/Connections) through xero-python's IdentityApi,
replayed from cassettes. The connections list is not paged either: one request lists every
organisation, here the two the sandbox user authorised."""

from __future__ import annotations

import pytest

from connectors.base import AuthError, Rejected
from connectors.xero import XeroTenant
from connectors.xero.identity import consent_event
from tests.connectors.xero.conftest import FR_ORG, UK_ORG, requests_made


@pytest.mark.vcr
def test_lists_both_authorised_organisations(xero, vcr):
    tenants = xero.connections().list()

    assert [(t.tenant_id, t.tenant_type, t.tenant_name) for t in tenants] == [
        (UK_ORG, "ORGANISATION", "Remit Demo Company (UK)"),
        (FR_ORG, "ORGANISATION", "Remit Démo SARL"),
    ]
    assert all(isinstance(t, XeroTenant) for t in tenants)
    assert len({t.connection_id for t in tenants} | {UK_ORG, FR_ORG}) == 4  # id ≠ tenantId
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_deleting_one_connection_keeps_the_other(xero):
    connections = xero.connections()
    french = next(t for t in connections.list() if t.tenant_id == FR_ORG)

    connections.delete(french.connection_id)

    assert [t.tenant_id for t in connections.list()] == [UK_ORG]
    with pytest.raises(AuthError):  # the organisation is no longer reachable
        xero.connector(FR_ORG).currencies()


@pytest.mark.vcr
def test_deleting_an_unknown_connection_is_rejected(xero):
    with pytest.raises(Rejected) as caught:
        xero.connections().delete("00000000-0000-0000-0000-000000000000")

    assert "HTTP 404" in str(caught.value)


@pytest.mark.vcr
def test_expired_token_is_refreshed_for_connections_too(xero, vcr):
    xero.expire_access_tokens()

    tenants = xero.connections().list()  # 401, token refresh, retried GET

    assert len(tenants) == 2 and xero.keeper.rotations == 1
    assert requests_made(vcr) == 3


@pytest.mark.vcr
def test_revoked_grant_lists_nothing_and_needs_reconnect(xero):
    xero.revoke_grants()

    with pytest.raises(AuthError):
        xero.connections().list()

    assert xero.keeper.needs_reconnect


def test_the_consent_is_read_from_the_access_tokens_claims():
    """Xero's access token is a JWT whose `authentication_event_id` names the consent."""
    from sandbox import oidc

    token = oidc.signed({"sub": "user", "authentication_event_id": "894f5c8c-3938"})
    assert consent_event(token) == "894f5c8c-3938"
    assert consent_event(oidc.signed({"sub": "user"})) is None
    assert consent_event("xero-opaque-token") is None
    assert consent_event("a.%%%.c") is None
