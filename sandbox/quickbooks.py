"""Intuit stand-in: the QuickBooks Online Accounting API subset Remit uses.

Answers in QuickBooks' own JSON shapes (element names and enum values from Finance.xsd and
IntuitBaseTypes.xsd; tests/connectors checks them), so the real python-quickbooks SDK runs
unchanged against it. Mounted at /quickbooks; each Intuit host gets its own path below that,
and the Accounting API's is /api, so the API base is `<sandbox>/quickbooks/api/v3`.

Controls for error cassettes and tests: `force_next("429")` (or "503", "401") makes the next
answer that failure; a request header `X-Sandbox-Force: 429` does the same for one request.
"""

from __future__ import annotations

import json
import secrets
from collections import deque
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request

bp = Blueprint("quickbooks", __name__)
API = "/api/v3"  # stands in for https://sandbox-quickbooks.api.intuit.com/v3

US_REALM = "9341453050298431"
SINGLE_CURRENCY_REALM = "9341453050298432"
INTUIT_TIME = ZoneInfo("America/Los_Angeles")  # Intuit stamps answers in Pacific time


def _address(line1: str, city: str, region: str, postcode: str, country: str) -> dict:
    return {"Id": "1", "Line1": line1, "City": city, "CountrySubDivisionCode": region,
            "PostalCode": postcode, "Country": country}


def _company(name: str, country: str, address: dict, fiscal_month: str) -> dict:
    """A CompanyInfo entity as GET /companyinfo/{realm} returns it."""
    return {
        "CompanyName": name, "LegalName": name,
        "CompanyAddr": address, "CustomerCommunicationAddr": address, "LegalAddr": address,
        "PrimaryPhone": {}, "CompanyStartDate": "2026-01-05",
        "FiscalYearStartMonth": fiscal_month, "Country": country,
        "Email": {"Address": "noreply@quickbooks.com"}, "WebAddr": {},
        "SupportedLanguages": "en",
        "NameValue": [
            {"Name": "NeoEnabled", "Value": "true"},
            {"Name": "IsQbdtMigrated", "Value": "false"},
            {"Name": "CompanyType", "Value": "Other"},
            {"Name": "SubscriptionStatus", "Value": "SUBSCRIBED"},
            {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
            {"Name": "PayrollFeature", "Value": "false"},
            {"Name": "AccountantFeature", "Value": "false"},
        ],
        "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "3",
        "MetaData": {"CreateTime": "2026-01-05T09:12:41-08:00",
                     "LastUpdatedTime": "2026-01-20T11:02:13-08:00"},
    }


def _preferences(home_currency: str, multicurrency: bool, fiscal_month: str) -> dict:
    """A Preferences entity (the parts a fresh sandbox company shows) as GET /preferences does."""
    return {
        "AccountingInfoPrefs": {
            "FirstMonthOfFiscalYear": fiscal_month, "UseAccountNumbers": False,
            "TaxYearMonth": fiscal_month, "ClassTrackingPerTxn": False,
            "TrackDepartments": False, "DepartmentTerminology": "Location",
            "ClassTrackingPerTxnLine": False, "CustomerTerminology": "Customers",
        },
        "ProductAndServicesPrefs": {"ForSales": True, "ForPurchase": True,
                                    "QuantityWithPriceAndRate": True, "QuantityOnHand": True},
        "SalesFormsPrefs": {"AllowDeposit": True, "AllowDiscount": True, "AllowEstimates": True,
                            "AllowShipping": False, "AllowServiceDate": False,
                            "ETransactionEnabledStatus": "NotApplicable",
                            "IPNSupportEnabled": False, "UsingPriceLevels": False,
                            "DefaultTerms": {"value": "3"}},
        "CurrencyPrefs": {"MultiCurrencyEnabled": multicurrency,
                          "HomeCurrency": {"value": home_currency}},
        "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
        "OtherPrefs": {"NameValue": [
            {"Name": "SalesFormsPrefs.DefaultCustomerMessage", "Value": "Thank you!"},
            {"Name": "SalesFormsPrefs.UseSalesTax", "Value": "false"},
        ]},
        "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "5",
        "MetaData": {"CreateTime": "2026-01-05T09:12:41-08:00",
                     "LastUpdatedTime": "2026-01-20T11:02:13-08:00"},
    }


# Seed data: one entry per realm, one key per QuickBooks entity name, so later endpoints
# (Account, Currency, Payment, ...) add keys here. Access tokens are sandbox-only fixtures,
# one per realm, as Intuit grants them per company connection.
SEED: dict = {
    "companies": {
        US_REALM: {
            "CompanyInfo": _company("Remit Sandbox Company US", "US", _address(
                "2600 Marine Way", "Mountain View", "CA", "94043", "USA"), "January"),
            "Preferences": _preferences("USD", True, "January"),
        },
        SINGLE_CURRENCY_REALM: {
            "CompanyInfo": _company("Remit Sandbox Company (single currency)", "GB", _address(
                "1 Poultry", "London", "LND", "EC2R 8EJ", "GBR"), "April"),
            "Preferences": _preferences("GBP", False, "April"),
        },
    },
    "access_tokens": {
        "sandbox-access-token-us": US_REALM,
        "sandbox-access-token-single-currency": SINGLE_CURRENCY_REALM,
    },
}

_forced: deque[str] = deque()


def force_next(answer: str) -> None:
    """Make the next API answer a failure: "401", "429" (throttle, Retry-After 60) or "503"."""
    if answer not in FAILURES:
        raise ValueError(f"unknown sandbox failure {answer!r}; choose from {sorted(FAILURES)}")
    _forced.append(answer)


@bp.before_request
def _gate() -> Response | None:
    """For Accounting API routes (all under /company/<realm>): forced failures first, then
    Intuit's gateway checks, bearer token, then access to that company."""
    realm = (request.view_args or {}).get("realm")
    if realm is None:
        return None
    forced = request.headers.get("X-Sandbox-Force") or (_forced.popleft() if _forced else None)
    if forced:
        return FAILURES[forced]() if forced in FAILURES else Response("unknown failure", 400)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    granted = SEED["access_tokens"].get(token)
    if granted is None:
        return _unauthorized()
    if realm != granted:
        return _gateway_fault(403, "ApplicationAuthorizationFailed", 3100, "SERVICE", None)
    return None


@bp.get(f"{API}/company/<realm>/companyinfo/<entity_id>")
def company_info(realm: str, entity_id: str) -> Response:
    info = SEED["companies"][realm]["CompanyInfo"]
    if entity_id not in (realm, info["Id"]):
        return _fault(400, "610", "Object Not Found",
                      "Object Not Found : Something you're trying to use has been made inactive "
                      "or is not found.", "ValidationFault")
    return _answer({"CompanyInfo": info})


@bp.get(f"{API}/company/<realm>/preferences")
def preferences(realm: str) -> Response:
    return _answer({"Preferences": SEED["companies"][realm]["Preferences"]})


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
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["intuit_tid"] = f"1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"
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
