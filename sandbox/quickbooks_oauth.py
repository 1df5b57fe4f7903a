"""Intuit's OAuth 2.0 / OpenID Connect endpoints, each at its real path below the host's
sandbox prefix (sandbox/hosts.py), so Authlib runs against it exactly as against Intuit.

Intuit specifics kept (reference quickbooks.md §1): a non-standard discovery path, `realmId` on
the callback when an accounting scope was asked for, HTTP Basic client authentication, the
`x_refresh_token_expires_in` field (plus `x_refresh_token_hard_expires_in` on request), a JSON
revoke body, camelCase userinfo, and `realmid` in the id_token (issued on the code exchange
when `openid` was granted, not on refresh).
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, render_template, request

from sandbox import oidc
from sandbox import quickbooks_data as data
from sandbox.hosts import to_sandbox
from sandbox.oauth import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    AuthorizationServer,
    Grant,
    OAuthError,
    client_credentials,
)
from sandbox.quickbooks_entities import dumps

bp = Blueprint("oauth", __name__)

REAL = {  # Intuit's sandbox discovery document, endpoint by endpoint
    "issuer": "https://oauth.platform.intuit.com/op/v1",
    "authorization_endpoint": "https://appcenter.intuit.com/connect/oauth2",
    "token_endpoint": "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
    "userinfo_endpoint": "https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo",
    "revocation_endpoint": "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
    "jwks_uri": "https://oauth.platform.intuit.com/op/v1/jwks",
}
DISCOVERY = "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration"
ACCESS_TTL = 3600
REFRESH_TTL = 8_726_400  # what Intuit reports: 101 days, rolling
ROTATION_GRACE = 24 * 3600  # a rotated refresh token keeps working for 24 h at Intuit
HARD_CAP = 5 * 365 * 24 * 3600  # refresh tokens' five-year hard expiry
HARD_EXPIRY_HEADER = "x-include-refresh-token-hard-expires-in"
ACCOUNTING_SCOPES = frozenset({"com.intuit.quickbooks.accounting", "com.intuit.quickbooks.payment"})
SCOPES = ACCOUNTING_SCOPES | {"openid", "profile", "email", "phone", "address"}
DEFAULT_SCOPE = "com.intuit.quickbooks.accounting openid profile email"
USER = {"sub": "7d1c6f52-3e0b-4b8e-9a51-5a2d0c1e9f3a", "email": "owner@example.com",
        "emailVerified": True, "givenName": "Sandbox", "familyName": "Owner"}

SERVER = AuthorizationServer("qbo-sandbox", ACCESS_TTL, REFRESH_TTL, ROTATION_GRACE)


def reset() -> None:
    """No codes or tokens, Intuit's lifetimes and the real clock again."""
    SERVER.reset()
    SERVER.access_ttl, SERVER.refresh_ttl = ACCESS_TTL, REFRESH_TTL
    SERVER.rotation_grace = ROTATION_GRACE
    SERVER.clock = time.time


def route(real_url: str) -> str:
    """The path a real Intuit URL is served at, relative to this stand-in's /quickbooks."""
    return to_sandbox(real_url, "").removeprefix("/quickbooks")


def here(real_url: str) -> str:
    """A real Intuit URL as reached through the sandbox root the request came in on."""
    return to_sandbox(real_url, request.url_root)


def grant_for_realm(realm: str, scope: str = DEFAULT_SCOPE) -> Grant:
    return Grant(SANDBOX_CLIENT_ID, USER["sub"], scope,
                 {"realmId": realm, "hard_expires_at": SERVER.clock() + HARD_CAP})


def issue_tokens(realm: str, scope: str = DEFAULT_SCOPE) -> dict:
    """A connection to `realm` without the browser dance (recording fixtures, the console)."""
    grant = grant_for_realm(realm, scope)
    return intuit_tokens(grant, SERVER.issue_tokens(grant), hard_expiry=True)


def intuit_tokens(grant: Grant, tokens: dict, hard_expiry: bool) -> dict:
    """Intuit's token response (reference §6), in Intuit's key order."""
    body = {"token_type": "bearer", "access_token": tokens["access_token"],
            "expires_in": SERVER.access_ttl, "refresh_token": tokens["refresh_token"],
            "x_refresh_token_expires_in": SERVER.refresh_ttl}
    if hard_expiry:
        remaining = grant.extra["hard_expires_at"] - SERVER.clock()
        body["x_refresh_token_hard_expires_in"] = max(0, int(remaining))
    return body


@bp.get(route(DISCOVERY))
def discovery() -> Response:
    endpoints = {name: here(url) for name, url in REAL.items() if name != "issuer"}
    document = {**oidc.discovery(here(REAL["issuer"]), endpoints),
                "scopes_supported": ["openid", "email", "profile", "address", "phone"],
                "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"]}
    document.pop("code_challenge_methods_supported", None)  # Intuit documents no PKCE
    return _json(document)


@bp.get(route(REAL["jwks_uri"]))
def jwks() -> Response:
    return _json(oidc.jwks())


@bp.route(route(REAL["authorization_endpoint"]), methods=["GET", "POST"])
def authorize():
    args = request.args
    if args.get("client_id") != SANDBOX_CLIENT_ID:
        return _error_page("This app is not registered with the sandbox (unknown client_id).")
    redirect_uri = args.get("redirect_uri", "")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return _error_page("The redirect_uri is missing or is not an http(s) URL.")
    scope = args.get("scope", "").split()
    if args.get("response_type") != "code":
        return _back(redirect_uri, error="unsupported_response_type")
    if not scope or not set(scope) <= SCOPES:
        return _back(redirect_uri, error="invalid_scope")
    wants_company = bool(ACCOUNTING_SCOPES & set(scope))
    if request.method == "GET":
        return render_template("sandbox/quickbooks/authorize.html", user=USER, scope=scope,
                               companies=data.COMPANIES, wants_company=wants_company)
    if request.form.get("decision") != "approve":
        return _back(redirect_uri, error="access_denied")
    realm = request.form.get("realm", "")
    if realm not in data.COMPANIES:
        return _error_page("Choose a company to connect.")
    grant = grant_for_realm(realm, " ".join(scope))
    code = SERVER.issue_code(grant, redirect_uri, args.get("nonce"),
                             args.get("code_challenge"))
    return _back(redirect_uri, code=code, **({"realmId": realm} if wants_company else {}))


@bp.post(route(REAL["token_endpoint"]))
def token() -> Response:
    client_id, secret = client_credentials(request.headers.get("Authorization"), request.form)
    if (client_id, secret) != (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET):
        return _json({"error": "invalid_client"}, 401)
    form = request.form
    try:
        if form.get("grant_type") == "authorization_code":
            grant, nonce, tokens = SERVER.exchange_code(
                client_id, form.get("code", ""), form.get("redirect_uri", ""),
                form.get("code_verifier"))
        elif form.get("grant_type") == "refresh_token":
            (grant, tokens), nonce = SERVER.refresh(client_id, form.get("refresh_token", "")), None
        else:
            return _json({"error": "unsupported_grant_type"}, 400)
    except OAuthError as refused:
        return _json(refused.body(), refused.status)
    hard_expiry = request.headers.get(HARD_EXPIRY_HEADER, "").lower() == "true"
    body = intuit_tokens(grant, tokens, hard_expiry)
    if form.get("grant_type") == "authorization_code" and "openid" in grant.scope.split():
        body["id_token"] = _id_token(grant, nonce)
    return _json(body)


@bp.post(route(REAL["revocation_endpoint"]))
def revoke() -> Response:
    """Intuit's SDKs send JSON {"token": ...} with Basic auth; the Java SDK sends a form."""
    client_id, secret = client_credentials(request.headers.get("Authorization"), {})
    if (client_id, secret) != (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET):
        return _json({"error": "invalid_client"}, 401)
    body = request.get_json(silent=True)
    token = body.get("token") if isinstance(body, dict) else request.form.get("token")
    if not token:
        return _json({"error": "invalid_request"}, 400)
    SERVER.revoke(token)
    return Response(status=200)


@bp.get(route(REAL["userinfo_endpoint"]))
def userinfo() -> Response:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    grant = SERVER.grant_for(token)
    if grant is None or "openid" not in grant.scope.split():
        return _json({"error": "invalid_token"}, 401)
    scope = grant.scope.split()
    body = {"sub": grant.subject}
    if "email" in scope:
        body.update(email=USER["email"], emailVerified=USER["emailVerified"])
    if "profile" in scope:
        body.update(givenName=USER["givenName"], familyName=USER["familyName"])
    return _json(body)


def _id_token(grant: Grant, nonce: str | None) -> str:
    claims = {"realmid": grant.extra["realmId"]} if "realmId" in grant.extra else {}
    return oidc.id_token(here(REAL["issuer"]), grant.client_id, grant.subject, nonce, claims)


def _back(redirect_uri: str, **params: str) -> Response:
    """Redirect to the app with `params` and the request's state appended to its query."""
    if request.args.get("state") is not None:
        params["state"] = request.args["state"]
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return redirect(redirect_uri + separator + urlencode(params), code=302)


def _error_page(message: str) -> tuple[str, int]:
    return render_template("sandbox/quickbooks/error.html", message=message), 400


def _json(body: dict, status: int = 200) -> Response:
    response = Response(dumps(body), status=status, mimetype="application/json")
    response.headers["intuit_tid"] = intuit_tid()
    response.headers["Cache-Control"] = "no-store"
    return response


def intuit_tid() -> str:
    """Intuit's transaction id header, logged by clients when they report a problem."""
    return f"1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"
