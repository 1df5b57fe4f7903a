"""How the Intuit stand-in's Accounting API answers: Intuit's envelopes, its faults and the
failures a test can force (reference quickbooks.md §3)."""

from __future__ import annotations

from datetime import datetime

from flask import Response

from sandbox.quickbooks_entities import INTUIT_TIME, dumps
from sandbox.quickbooks_oauth import intuit_tid

NOT_FOUND_DETAIL = ("Object Not Found : Something you're trying to use has been made inactive "
                    "or is not found.")
# [verify] Intuit's wording as developers report it; the user named is the one who saved first.
STALE_DETAIL = ("Stale Object Error : You and Sandbox Owner were working on this at the same "
                "time. Sandbox Owner finished before you did, so your work was not saved.")


def now() -> str:
    return datetime.now(INTUIT_TIME).isoformat(timespec="milliseconds")


def answer(payload: dict, status: int = 200, headers: dict | None = None) -> Response:
    """Every data-service answer carries `time`, as Intuit's do."""
    response = json_response({**payload, "time": now()}, status)
    response.headers.update(headers or {})
    return response


def fault(status: int, code: str, message: str, detail: str,
          fault_type: str = "ValidationFault", headers: dict | None = None,
          element: str | None = None) -> Response:
    """Data-service Fault: {"Fault": {"Error": [...], "type": ...}, "time": ...}; `element`
    names the offending field, as Intuit does for field validation (2050)."""
    error = {"Message": message, "Detail": detail, "code": code}
    if element:
        error["element"] = element
    return answer({"Fault": {"Error": [error], "type": fault_type}}, status, headers)


def not_found() -> Response:
    return fault(400, "610", "Object Not Found", NOT_FOUND_DETAIL)


def gateway_fault(status: int, name: str, code: int, fault_type: str,
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
    return json_response(body, status)


def json_response(body: dict, status: int = 200) -> Response:
    """Keys in Intuit's order (jsonify would sort them), with Intuit's `intuit_tid` header."""
    response = Response(dumps(body), status=status, mimetype="application/json")
    response.headers["intuit_tid"] = intuit_tid()
    return response


def unauthorized() -> Response:
    return gateway_fault(401, "AuthenticationFailed", 3200, "AUTHENTICATION",
                         "Token expired or invalid")


def throttled(retry_after: int = 60) -> Response:
    """Intuit's throttle fault. Intuit's advice is to wait 60 s; a timed throttle
    (sandbox/outages.py) says how long it still lasts."""
    return fault(429, "3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                 "The request limit was reached.  Try again later", "SERVICE",
                 {"Retry-After": str(retry_after)})


def unavailable() -> Response:
    """Intuit's edge answers outages with an HTML page, not JSON."""
    page = ("<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>"
            "<h1>Service Unavailable</h1><p>The server is temporarily unable to service your "
            "request. Please try again later.</p></body></html>")
    return Response(page, status=503, mimetype="text/html")


def stale_object() -> Response:
    """Someone saved a linked object (an invoice) while this request was being processed."""
    return fault(400, "5010", "Stale Object Error", STALE_DETAIL)


FAILURES = {"401": unauthorized, "429": throttled, "503": unavailable, "5010": stale_object}
