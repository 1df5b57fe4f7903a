"""Who may call the Xero stand-in's api.xero.com: the OAuth server, the connections a consent
creates, and the checks every API request passes (bearer token, then tenant).

Connections belong to a user of an app, one per organisation, as at Xero: consenting again
updates them (new authEventId), revoking a refresh token or deleting a connection removes them,
and an access token only reaches organisations the user still has a connection to.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response, request

from sandbox import oidc
from sandbox.oauth import AuthorizationServer, Grant

ACCESS_TTL = 1800  # 30 minutes, reference §1.2
REFRESH_TTL = 60 * 24 * 3600  # 60 days, rolling
ROTATION_GRACE = 1800  # the old refresh token keeps working for 30 minutes after a rotation

ACCESS_AUDIENCE = "https://identity.xero.com/resources"


def access_token(grant: Grant, token_id: str, expires_at: float) -> str:
    """Xero's access token is a JWT (reference §1.2) whose claims name the consent that granted
    it (`authentication_event_id`, the authEventId of the connections that consent made or
    renewed): an app lists just those with GET /connections?authEventId=…"""
    now = int(SERVER.clock())
    return oidc.signed({
        "nbf": now, "exp": int(expires_at), "iss": "https://identity.xero.com",
        "aud": ACCESS_AUDIENCE, "client_id": grant.client_id, "sub": grant.subject,
        "auth_time": now, "xero_userid": grant.subject, "jti": token_id,
        "authentication_event_id": grant.extra.get("auth_event_id", ""),
        "scope": grant.scope.split(),
    })


SERVER = AuthorizationServer("xero-sandbox", ACCESS_TTL, REFRESH_TTL, ROTATION_GRACE,
                             access_format=access_token)


@dataclass
class Connection:
    id: str
    auth_event_id: str
    tenant_id: str
    tenant_name: str
    client_id: str
    subject: str
    created: datetime
    updated: datetime

    def as_json(self) -> dict:
        """GET /connections item: camelCase, ISO dates without offset (UTC), as Xero sends."""
        return {"id": self.id, "authEventId": self.auth_event_id, "tenantId": self.tenant_id,
                "tenantType": "ORGANISATION", "tenantName": self.tenant_name,
                "createdDateUtc": _xero_iso(self.created),
                "updatedDateUtc": _xero_iso(self.updated)}


_lock = threading.Lock()
_connections: dict[str, Connection] = {}
_issued: dict[str, Grant] = {}  # every access token handed out: tells expired from unknown


def reset() -> None:
    SERVER.rotation_grace = ROTATION_GRACE
    SERVER.reset()
    with _lock:
        _connections.clear()
        _issued.clear()


def remember(grant: Grant, tokens: dict) -> None:
    with _lock:
        _issued[tokens["access_token"]] = grant


def connect(grant: Grant, tenants: dict[str, str]) -> str:
    """Create or refresh the user's connection to each tenant (id -> name); the consent's
    authEventId is returned and stamped on each."""
    event, now = str(uuid.uuid4()), _now()
    with _lock:
        for tenant_id, name in tenants.items():
            found = _find(grant, tenant_id)
            if found:
                found.auth_event_id, found.updated = event, now
            else:
                connection = Connection(str(uuid.uuid4()), event, tenant_id, name,
                                        grant.client_id, grant.subject, now, now)
                _connections[connection.id] = connection
    grant.extra["auth_event_id"] = event
    return event


def connections_for(grant: Grant) -> list[Connection]:
    with _lock:
        return [c for c in _connections.values()
                if (c.client_id, c.subject) == (grant.client_id, grant.subject)]


def all_connections() -> list[Connection]:
    with _lock:
        return list(_connections.values())


def disconnect(grant: Grant, connection_id: str) -> bool:
    with _lock:
        found = _connections.get(connection_id)
        if found is None or (found.client_id, found.subject) != (grant.client_id, grant.subject):
            return False
        del _connections[connection_id]
        return True


def disconnect_user(grant: Grant) -> None:
    """Revocation removes every connection the user gave this app, as Xero's does."""
    for connection in connections_for(grant):
        disconnect(grant, connection.id)


def disconnect_everyone() -> None:
    with _lock:
        _connections.clear()


def bearer_grant() -> Grant | Response:
    """The grant behind the request's access token, or the 401 Xero answers instead."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    grant = SERVER.grant_for(token)
    if grant is not None:
        return grant
    with _lock:
        known = _issued.get(token)
    if known is not None and not known.revoked:
        stamp = datetime.fromtimestamp(SERVER.clock(), UTC).strftime("%m/%d/%Y %H:%M:%S")
        return problem(401, "Unauthorized", f"TokenExpired: token expired at {stamp}")
    return problem(401, "Unauthorized", "AuthenticationUnsuccessful")


def tenant_of(grant: Grant) -> str | Response:
    """The xero-tenant-id the request names, when the user is connected to it; else 403."""
    tenant = request.headers.get("xero-tenant-id", "").strip().lower()
    if tenant and any(c.tenant_id == tenant for c in connections_for(grant)):
        return tenant
    return problem(403, "Forbidden", "AuthenticationUnsuccessful")


def problem(status: int, title: str, detail: str) -> Response:
    """Xero's problem-style JSON for 401/403 (reference §3.2)."""
    body = {"Detail": detail, "Extensions": {}, "Instance": str(uuid.uuid4()),
            "Status": status, "Title": title, "Type": None}
    return Response(json.dumps(body, separators=(",", ":")), status=status,
                    content_type="application/json; charset=utf-8")


def _find(grant: Grant, tenant_id: str) -> Connection | None:
    for connection in _connections.values():
        if (connection.client_id, connection.subject, connection.tenant_id) == (
                grant.client_id, grant.subject, tenant_id):
            return connection
    return None


def _now() -> datetime:
    return datetime.fromtimestamp(SERVER.clock(), UTC)


def _xero_iso(moment: datetime) -> str:
    """`2019-12-07T18:46:19.5165400`: seven fractional digits, no offset (identity.yaml)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"
