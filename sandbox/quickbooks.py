"""Intuit stand-in: OAuth / OpenID Connect and the QuickBooks Online Accounting API subset Remit
uses, each at its real path below the host's sandbox prefix (sandbox/hosts.py).

Answers in QuickBooks' own JSON shapes (element names and enum values from Finance.xsd and
IntuitBaseTypes.xsd; tests/sandbox and tests/connectors check them), so the real
python-quickbooks SDK and Authlib run unchanged against it. The Accounting API's prefix is /api,
so its base is `<sandbox>/quickbooks/api/v3`. Pieces: quickbooks_oauth (sign-in, tokens),
quickbooks_data (seed companies), quickbooks_query (the query language), quickbooks_console
(the page at /quickbooks/ and its controls).

Controls for tests: issue_tokens(realm), create_invoice(realm, currency),
expire_access_tokens(), revoke_all(), SERVER.rotation_grace, and `force_next("429")` (or "503",
"401") to make the next API answer that failure; a request header `X-Sandbox-Force: 429` does
the same for one request.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime

from flask import Blueprint, Response, request

from sandbox import quickbooks_console, quickbooks_data, quickbooks_oauth, quickbooks_query
from sandbox.quickbooks_data import INTUIT_TIME, SINGLE_CURRENCY_REALM, US_REALM
from sandbox.quickbooks_oauth import SERVER, issue_tokens

__all__ = ["SERVER", "SINGLE_CURRENCY_REALM", "US_REALM", "bp", "create_invoice",
           "expire_access_tokens", "force_next", "issue_tokens", "reset", "revoke_all"]

bp = Blueprint("quickbooks", __name__)
bp.register_blueprint(quickbooks_oauth.bp)
bp.register_blueprint(quickbooks_console.bp)
API = "/api/v3"  # stands in for https://sandbox-quickbooks.api.intuit.com/v3
create_invoice = quickbooks_data.create_invoice

_forced: deque[str] = deque()


def reset() -> None:
    """Seed companies, no connections, Intuit's token lifetimes, no forced failures."""
    quickbooks_data.reset()
    quickbooks_oauth.reset()
    _forced.clear()


def expire_access_tokens() -> None:
    """As an hour passing: every access token is refused, refresh tokens still work."""
    SERVER.expire_access_tokens()


def revoke_all() -> None:
    """As every user disconnecting the app inside QuickBooks: refresh fails with invalid_grant."""
    SERVER.revoke_all()


def force_next(answer: str) -> None:
    """Make the next API answer a failure: "401", "429" (throttle, Retry-After 60) or "503"."""
    if answer not in FAILURES:
        raise ValueError(f"unknown sandbox failure {answer!r}; choose from {sorted(FAILURES)}")
    _forced.append(answer)


@bp.before_request
def _gate() -> Response | None:
    """For Accounting API routes (all under /company/<realm>): forced failures first, then
    Intuit's gateway checks: a live access token, granted for that company's data."""
    realm = (request.view_args or {}).get("realm")
    if realm is None:
        return None
    forced = request.headers.get("X-Sandbox-Force") or (_forced.popleft() if _forced else None)
    if forced:
        return FAILURES[forced]() if forced in FAILURES else Response("unknown failure", 400)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    grant = SERVER.grant_for(token)
    if grant is None:
        return _unauthorized()
    scope = set(grant.scope.split())
    if grant.extra.get("realmId") != realm or not scope & quickbooks_oauth.ACCOUNTING_SCOPES:
        return _gateway_fault(403, "ApplicationAuthorizationFailed", 3100, "SERVICE", None)
    return None


@bp.get(f"{API}/company/<realm>/companyinfo/<entity_id>")
def company_info(realm: str, entity_id: str) -> Response:
    info = quickbooks_data.COMPANIES[realm]["CompanyInfo"]
    if entity_id not in (realm, info["Id"]):
        return _fault(400, "610", "Object Not Found",
                      "Object Not Found : Something you're trying to use has been made inactive "
                      "or is not found.", "ValidationFault")
    return _answer({"CompanyInfo": info})


@bp.get(f"{API}/company/<realm>/preferences")
def preferences(realm: str) -> Response:
    return _answer({"Preferences": quickbooks_data.COMPANIES[realm]["Preferences"]})


@bp.route(f"{API}/company/<realm>/query", methods=["GET", "POST"])
def query(realm: str) -> Response:
    """POST with the statement as an application/text body (python-quickbooks), or GET
    ?query=. No row: QueryResponse is empty, with no entity key, as at Intuit."""
    text = request.args.get("query", "") if request.method == "GET" else request.get_data(
        as_text=True)
    try:
        parsed = quickbooks_query.parse(text)
        entities = quickbooks_data.COMPANIES[realm].get(parsed.entity)
        if not isinstance(entities, list):
            raise quickbooks_query.QueryError(
                f"Error parsing query: the sandbox holds no {parsed.entity} list")
        rows = quickbooks_query.run(parsed, entities)
    except quickbooks_query.QueryError as refused:
        return _fault(400, "4001", "Invalid query", str(refused), "ValidationFault")
    page = {parsed.entity: rows, "startPosition": parsed.start_position,
            "maxResults": len(rows)} if rows else {}
    return _answer({"QueryResponse": page})


def _now() -> str:
    return datetime.now(INTUIT_TIME).isoformat(timespec="milliseconds")


def _answer(payload: dict, status: int = 200, headers: dict | None = None) -> Response:
    """Every data-service answer carries `time`, as Intuit's do."""
    response = _json({**payload, "time": _now()}, status)
    response.headers.update(headers or {})
    return response


def _fault(status: int, code: str, message: str, detail: str, fault_type: str,
           headers: dict | None = None) -> Response:
    """Data-service Fault: {"Fault": {"Error": [...], "type": ...}, "time": ...}."""
    error = {"Message": message, "Detail": detail, "code": code}
    return _answer({"Fault": {"Error": [error], "type": fault_type}}, status, headers)


def _gateway_fault(status: int, name: str, code: int, fault_type: str,
                   detail: str | None) -> Response:
    """Intuit's API gateway answers 401/403 in its own lowercase shape (reference §3.2)."""
    message = f"message={name}; errorCode={code:06d}; statusCode={status}"
    body = {"warnings": None, "intuitObject": None,
            "fault": {"error": [{"message": message, "detail": detail, "code": str(code),
                                 "element": None}], "type": fault_type},
            "report": None, "queryResponse": None, "batchItemResponse": [],
            "attachableResponse": [], "syncErrorResponse": None, "requestId": None,
            "time": int(datetime.now(INTUIT_TIME).timestamp() * 1000), "status": None,
            "cdcresponse": []}
    return _json(body, status)


def _json(body: dict, status: int) -> Response:
    """Keys in Intuit's order (jsonify would sort them), with Intuit's `intuit_tid` header."""
    response = Response(quickbooks_data.dumps(body), status=status, mimetype="application/json")
    response.headers["intuit_tid"] = quickbooks_oauth.intuit_tid()
    return response


def _unauthorized() -> Response:
    return _gateway_fault(401, "AuthenticationFailed", 3200, "AUTHENTICATION",
                          "Token expired or invalid")


def _throttled() -> Response:
    return _fault(429, "3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                  "The request limit was reached.  Try again later", "SERVICE",
                  {"Retry-After": "60"})


def _unavailable() -> Response:
    """Intuit's edge answers outages with an HTML page, not JSON."""
    page = ("<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>"
            "<h1>Service Unavailable</h1><p>The server is temporarily unable to service your "
            "request. Please try again later.</p></body></html>")
    return Response(page, status=503, mimetype="text/html")


FAILURES = {"401": _unauthorized, "429": _throttled, "503": _unavailable}
