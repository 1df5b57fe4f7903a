"""Xero's connections (organisations a grant may reach), read after consent so the user can
pick which organisations become companies, and deleted to disconnect one of them."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from connectors.base import OAuthClient, TokenKeeper
from connectors.xero.client import XeroClient
from connectors.xero.const import API_BASE, DEFAULT_TIMEOUT
from connectors.xero.session import TokenSession


@dataclass(frozen=True)
class XeroTenant:
    connection_id: str  # for DELETE /connections/{id}
    tenant_id: str  # the organisation (xero-tenant-id; = OrganisationID)
    tenant_type: str  # ORGANISATION for ledgers (PRACTICE tenants are not)
    tenant_name: str


class XeroConnections:
    """GET/DELETE https://api.xero.com/connections with one grant's tokens, with the same token
    behaviour as XeroConnector (refresh ahead, one refresh and retry on 401)."""

    def __init__(self, tokens: TokenKeeper, client: OAuthClient, api_base: str = API_BASE,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self._session = TokenSession(tokens, client, timeout)
        self._xero = XeroClient(client.client_id, api_base, timeout)

    def list(self, this_consent_only: bool = False) -> list[XeroTenant]:
        """Every tenant the user has connected to this app, as Xero lists them (one request:
        the endpoint is not paged); with `this_consent_only`, those the consent that issued
        the access token authorised (its authEventId), not the ones connected before."""
        def read(token: str) -> list:
            event = consent_event(token) if this_consent_only else None
            return self._xero.connections(token, event)

        models = self._session.run(read)
        return [XeroTenant(connection_id=str(model.id), tenant_id=str(model.tenant_id),
                           tenant_type=str(model.tenant_type or ""),
                           tenant_name=str(model.tenant_name or "")) for model in models]

    def delete(self, connection_id: str) -> None:
        """Disconnect one organisation; the grant and its other connections stay. An unknown
        id is Rejected (HTTP 404)."""
        self._session.run(lambda token: self._xero.delete_connection(token, connection_id))


def consent_event(access_token: str) -> str | None:
    """The `authentication_event_id` claim of a Xero access token (a JWT), which GET
    /connections takes as authEventId; None when the token carries none. The token came
    straight from Xero's token endpoint over TLS, so its claims are read, not verified."""
    parts = access_token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    event = payload.get("authentication_event_id") if isinstance(payload, dict) else None
    return event if isinstance(event, str) and event else None
