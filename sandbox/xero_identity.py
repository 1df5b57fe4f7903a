"""Xero identity stand-in: OpenID discovery, the consent page, token, revocation and userinfo.

Paths are the real ones below their host's sandbox prefix (sandbox/hosts.py): login.xero.com →
/xero/login, identity.xero.com → /xero/identity. Answers follow Xero's shapes: the token
endpoint returns id_token, access_token, expires_in 1800, token_type "Bearer", refresh_token
(only with offline_access) and scope as a space-separated string; errors are `{"error": ...}`.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request

from sandbox import oidc, xero_seed, xero_tenancy
from sandbox.hosts import to_sandbox
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Grant, OAuthError
from sandbox.oauth import client_credentials as read_client_credentials

bp = Blueprint("identity", __name__)
SERVER = xero_tenancy.SERVER

# Granular scopes only: apps created from 2 March 2026 get invalid_scope for the broad legacy
# ones (reference §1.3). Reports are granular too; only the common ones are listed.
GRANULAR = ("invoices", "payments", "banktransactions", "manualjournals", "settings",
            "contacts", "attachments")
SCOPES = frozenset(
    {"openid", "profile", "email", "offline_access", "accounting.classicexpenses",
     "accounting.budgets.read", "accounting.journals.read"}
    | {f"accounting.{name}" for name in GRANULAR}
    | {f"accounting.{name}.read" for name in GRANULAR}
    | {f"accounting.reports.{name}.read" for name in
       ("aged", "balancesheet", "profitandloss", "trialbalance", "executivesummary")})
LEGACY_SCOPES = frozenset(
    {"accounting.transactions", "accounting.transactions.read", "accounting.reports.read"})


def issuer() -> str:
    return _sandbox_url("https://identity.xero.com")


@bp.get("/identity/.well-known/openid-configuration")
def discovery() -> Response:
    document = oidc.discovery(issuer(), {
        "authorization_endpoint": _sandbox_url(
            "https://login.xero.com/identity/connect/authorize"),
        "token_endpoint": _sandbox_url("https://identity.xero.com/connect/token"),
        "revocation_endpoint": _sandbox_url("https://identity.xero.com/connect/revocation"),
        "userinfo_endpoint": _sandbox_url("https://identity.xero.com/connect/userinfo"),
        "jwks_uri": _sandbox_url(
            "https://identity.xero.com/.well-known/openid-configuration/jwks"),
    })
    document["scopes_supported"] = sorted(SCOPES)
    document["claims_supported"] = sorted({*document["claims_supported"], *xero_seed.USER})
    return _json(document)


@bp.get("/identity/.well-known/openid-configuration/jwks")
def jwks() -> Response:
    return _json(oidc.jwks())


@bp.route("/login/identity/connect/authorize", methods=["GET", "POST"])
def authorize() -> Response | str:
    """GET shows the consent page; POST is its Allow / Cancel answer (both re-check the query)."""
    params = request.values
    redirect_uri = params.get("redirect_uri", "")
    if params.get("client_id") != SANDBOX_CLIENT_ID or not redirect_uri.startswith(
            ("http://", "https://")):
        return render_template("sandbox/xero/error.html", client_id=SANDBOX_CLIENT_ID), 400
    refusal = _refusal(params)
    if refusal:
        return _back(params, error=refusal)
    if request.method == "GET":
        return _consent_page(params)
    if request.form.get("decision") != "allow":
        return _back(params, error="access_denied")
    chosen = [tenant for tenant in request.form.getlist("tenant") if tenant in xero_seed.ORG_NAMES]
    if not chosen:
        return _consent_page(params, problem="Choose at least one organisation."), 400
    return _back(params, code=_consent(params, chosen), scope=params["scope"])


def consent(scope: str, tenants: list[str], *, redirect_uri: str, nonce: str | None = None,
            code_challenge: str | None = None) -> str:
    """What Allow does, without the browser: grant the sandbox user's consent and return a
    code. Tests and recorders use it to get tokens from the real token endpoint."""
    grant = Grant(SANDBOX_CLIENT_ID, xero_seed.USER["sub"], scope)
    xero_tenancy.connect(grant, {tenant: xero_seed.ORG_NAMES[tenant] for tenant in tenants})
    return SERVER.issue_code(grant, redirect_uri, nonce, code_challenge)


@bp.post("/identity/connect/token")
def token() -> Response:
    client_id, secret = read_client_credentials(request.headers.get("Authorization"),
                                                request.form)
    if (client_id, secret) != (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET):
        return _json({"error": "invalid_client"}, 400)
    try:
        grant, nonce, tokens = _exchange(client_id, request.form)
    except OAuthError as error:
        return _json({"error": error.code}, error.status)
    xero_tenancy.remember(grant, tokens)
    return _json(_token_answer(grant, nonce, tokens), headers={"Cache-Control": "no-store",
                                                                "Pragma": "no-cache"})


@bp.post("/identity/connect/revocation")
def revocation() -> Response:
    client_id, secret = read_client_credentials(request.headers.get("Authorization"),
                                                request.form)
    if (client_id, secret) != (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET):
        return _json({"error": "invalid_client"}, 400)
    grant = SERVER.revoke(request.form.get("token", ""))
    if grant is not None:
        xero_tenancy.disconnect_user(grant)
    return Response(status=200)  # RFC 7009: unknown tokens are not an error


@bp.route("/identity/connect/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    grant = xero_tenancy.bearer_grant()
    if isinstance(grant, Response):
        return Response(status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return _json(xero_seed.USER)


def _refusal(params) -> str | None:
    """The OAuth error to send back for a malformed authorize request, if any."""
    scopes = set(params.get("scope", "").split())
    if params.get("response_type") != "code":
        return "unsupported_response_type"
    if not scopes or scopes - SCOPES:  # includes the legacy ones: not offered to new apps
        return "invalid_scope"
    if params.get("code_challenge") and params.get("code_challenge_method") != "S256":
        return "invalid_request"
    return None


def _consent_page(params, problem: str | None = None) -> str:
    return render_template("sandbox/xero/authorize.html", user=xero_seed.USER,
                           scopes=params["scope"].split(), organisations=xero_seed.ORG_NAMES,
                           hidden=_passed_on(params), problem=problem)


def _passed_on(params) -> dict[str, str]:
    names = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
             "code_challenge", "code_challenge_method")
    return {name: params[name] for name in names if params.get(name)}


def _consent(params, tenants: list[str]) -> str:
    return consent(params["scope"], tenants, redirect_uri=params["redirect_uri"],
                   nonce=params.get("nonce"), code_challenge=params.get("code_challenge"))


def _back(params, **answer: str) -> Response:
    """Redirect to the client with `answer` plus the state it sent."""
    if params.get("state"):
        answer["state"] = params["state"]
    separator = "&" if "?" in params["redirect_uri"] else "?"
    return redirect(params["redirect_uri"] + separator + urlencode(answer), code=302)


def _exchange(client_id: str, form) -> tuple[Grant, str | None, dict]:
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return SERVER.exchange_code(client_id, form.get("code", ""),
                                    form.get("redirect_uri", ""), form.get("code_verifier"))
    if grant_type == "refresh_token":
        grant, tokens = SERVER.refresh(client_id, form.get("refresh_token", ""))
        return grant, None, tokens
    raise OAuthError("unsupported_grant_type", "Only authorization_code and refresh_token.")


def _token_answer(grant: Grant, nonce: str | None, tokens: dict) -> dict:
    """Keys in Xero's order; id_token only with openid, refresh_token only with
    offline_access."""
    scopes = grant.scope.split()
    answer = {}
    if "openid" in scopes:
        claims = {k: v for k, v in xero_seed.USER.items() if k != "sub"}
        answer["id_token"] = oidc.id_token(issuer(), grant.client_id, grant.subject, nonce,
                                           claims)
    answer.update(access_token=tokens["access_token"], expires_in=tokens["expires_in"],
                  token_type="Bearer")
    if "offline_access" in scopes:
        answer["refresh_token"] = tokens["refresh_token"]
    answer["scope"] = grant.scope
    return answer


def _sandbox_url(real_url: str) -> str:
    return to_sandbox(real_url, request.url_root)


def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status=status, headers=headers,
                    content_type="application/json; charset=utf-8")
