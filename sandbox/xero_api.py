"""api.xero.com stand-in (at /xero/api): the connections endpoints and the Accounting API
settings Remit reads (Organisation, Currencies, Accounts, one Account), in Xero's exact JSON
shapes; invoices and payments are in xero_payments.py, behind the same gate.

Every request passes the gate Xero applies: forced failures first (sandbox controls), then the
bearer token (401 problem JSON, "TokenExpired" when it expired), then for the Accounting API the
`xero-tenant-id` header (403 unless the user is connected to it), the scope, and the per-tenant
minute limit. Answers carry Xero's envelope, `\\/Date(ms)\\/` dates and rate-limit headers.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, g, request

from sandbox import xero_seed, xero_tenancy
from sandbox.outages import Outage
from sandbox.xero_where import QueryError, compile_where
from sandbox.xero_wire import envelope, error, json_response, not_found, validation_exception

bp = Blueprint("api", __name__)
ACCOUNTING = "/api/api.xro/2.0"  # stands in for https://api.xero.com/api.xro/2.0
MINUTE_LIMIT, DAY_LIMIT, APP_MINUTE_LIMIT = 60, 5000, 10000  # reference §3.1
# Granular scopes (reference §1.3) and the legacy ones older apps still hold.
SETTINGS_SCOPES = frozenset({"accounting.settings", "accounting.settings.read"})

_lock = threading.Lock()
# One organisation's books change one write at a time: payments, bank transactions, journals,
# credit notes and the sandbox's own additions all hold it (reentrant: a write may read).
BOOKS = threading.RLock()
_organisations: dict[str, dict] = xero_seed.organisations()
_forced: deque[str] = deque()
clock = time.time  # tests move time forward by replacing it (a simulated month)
PASS = "pass"  # a queued call answered normally (force_next's `after`)
_calls: dict[str, list[float]] = {}  # tenant -> times of today's calls
_refused: dict[str, list[float]] = {}  # tenant -> times of the calls its minute limit refused
# A timed throttle or outage of the whole API (sandbox controls: xero.start_outage).
OUTAGE = Outage()


def reset() -> None:
    with _lock:
        _organisations.clear()
        _organisations.update(xero_seed.organisations())
        _forced.clear()
        _calls.clear()
        _refused.clear()
        xero_seed.ORG_NAMES.clear()
        xero_seed.ORG_NAMES.update(xero_seed.SEED_NAMES)
    OUTAGE.stop()


def add_organisation(like: str) -> str:
    """As a developer adding a demo organisation to their Xero login: a copy of the seed
    organisation `like` (accounts, currencies, contacts; no invoices or payments) under a new
    tenant id, offered on the consent page from then on. LookupError unless `like` is seeded."""
    seeds = xero_seed.organisations()
    if like not in seeds:
        raise LookupError(f"no seed organisation {like}")
    org = seeds[like]
    with _lock:
        number = len(_organisations) + 1
        tenant = str(uuid.uuid5(uuid.UUID(like), f"organisation {number}"))
        name = f"{org['Organisation']['Name']} {number}"
        contacts = {c["ContactID"]: c for c in org["Contacts"]}
        contacts.update((i["Contact"]["ContactID"], i["Contact"]) for i in org["Invoices"])
        org["Organisation"].update(OrganisationID=tenant, Name=name, LegalName=name)
        org.update(Contacts=list(contacts.values()), Invoices=[], Payments=[], Overpayments=[])
        _organisations[tenant] = org
        xero_seed.ORG_NAMES[tenant] = name
    return tenant


def organisations() -> dict[str, dict]:
    """The live per-tenant data (seed plus what the API changed), for the console."""
    return _organisations


def force_next(answer: str, after: int = 0) -> None:
    """Make the next api.xero.com answer a failure (see FAILURES), or the one after `after`
    answered normally (the second write of a two-write posting, say)."""
    if answer not in FAILURES:
        raise ValueError(f"unknown sandbox failure {answer!r}; choose from {sorted(FAILURES)}")
    with _lock:
        _forced.extend([PASS] * after + [answer])


@bp.before_request
def gate() -> Response | None:
    """Forced failures (header `X-Sandbox-Force` or force_next) and the bearer token. Every
    api.xero.com blueprint runs it first."""
    trouble = OUTAGE.current()
    if trouble is not None:
        return _throttled(trouble[1]) if trouble[0] == "429" else _unavailable()
    with _lock:
        forced = request.headers.get("X-Sandbox-Force") or (
            _forced.popleft() if _forced else None)
    if forced and forced != PASS:
        return FAILURES[forced]() if forced in FAILURES else Response("unknown failure", 400)
    grant = xero_tenancy.bearer_grant()
    if isinstance(grant, Response):
        return grant
    g.grant = grant
    return None


def accounting(scopes: frozenset[str]) -> Callable:
    """Accounting API checks after the token: tenant header, one of `scopes`, then the minute
    limit. The view gets the tenant's live data first."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            tenant = xero_tenancy.tenant_of(g.grant)
            if isinstance(tenant, Response):
                return tenant
            if not scopes & set(g.grant.scope.split()):
                refused = xero_tenancy.problem(403, "Forbidden", "AuthorizationUnsuccessful")
                refused.headers["WWW-Authenticate"] = 'Bearer error="insufficient_scope"'
                return refused
            limits = _count_call(tenant)
            if limits is None:
                return _throttled()
            answer = view(_organisations[tenant], *args, **kwargs)
            answer.headers.update(limits)
            return answer

        return guarded

    return decorate


@bp.get("/api/connections")
@bp.get("/api/Connections")  # xero-python's IdentityApi spells it so; Xero takes both
def connections() -> Response:
    event = request.args.get("authEventId")
    found = [c.as_json() for c in xero_tenancy.connections_for(g.grant)
             if event in (None, c.auth_event_id)]
    return json_response(found)


@bp.delete("/api/connections/<connection_id>")
@bp.delete("/api/Connections/<connection_id>")
def delete_connection(connection_id: str) -> Response:
    removed = xero_tenancy.disconnect(g.grant, connection_id.lower())
    return Response(status=204 if removed else 404)


@bp.get(f"{ACCOUNTING}/Organisation")
@accounting(SETTINGS_SCOPES)
def organisation(org: dict) -> Response:
    return envelope("Organisations", [org["Organisation"]])


@bp.get(f"{ACCOUNTING}/Currencies")
@accounting(SETTINGS_SCOPES)
def currencies(org: dict) -> Response:
    found = [{"Code": code, "Description": xero_seed.CURRENCY_NAMES[code]}
             for code in org["Currencies"]]
    return _filtered("Currencies", found)


@bp.get(f"{ACCOUNTING}/Accounts")
@accounting(SETTINGS_SCOPES)
def accounts(org: dict) -> Response:
    """Not paged, as at Xero: the whole chart in one answer."""
    return _filtered("Accounts", org["Accounts"])


@bp.get(f"{ACCOUNTING}/Accounts/<account_id>")
@accounting(SETTINGS_SCOPES)
def account(org: dict, account_id: str) -> Response:
    """One account in the same envelope as the list (spec getAccount); 404 when unknown."""
    found = [item for item in org["Accounts"] if item["AccountID"] == account_id.lower()]
    return envelope("Accounts", found) if found else not_found()


def _filtered(entity: str, items: list[dict]) -> Response:
    """Apply `where` and `order` as Xero does, or refuse the query."""
    chosen = where_and_order(items)
    return chosen if isinstance(chosen, Response) else envelope(entity, chosen)


def where_and_order(items: list[dict]) -> list[dict] | Response:
    """The items the request's `where` selects, in its `order` (`Field [ASC|DESC]`; Xero's
    /Date(ms)/ values by time), or Xero's refusal of a query it cannot parse."""
    try:
        if request.args.get("where"):
            items = list(filter(compile_where(request.args["where"]), items))
    except QueryError as refused:
        return error(400, 16, "QueryParseException", f"Error parsing where clause: {refused}")
    if request.args.get("order"):
        field, _, direction = request.args["order"].partition(" ")
        items = sorted(items, key=lambda item: _order_key(item.get(field)),
                       reverse=direction.strip().upper() == "DESC")
    return items


_MS_DATE = re.compile(r"/Date\((-?\d+)")


def _order_key(value: object) -> tuple[int, object]:
    if isinstance(value, str) and (found := _MS_DATE.match(value)):
        return (0, int(found[1]))
    return (1, str(value if value is not None else ""))


def _count_call(tenant: str) -> dict[str, str] | None:
    """Record a call; the rate-limit headers to send, or None when over the minute limit."""
    now = clock()
    with _lock:
        calls = _calls.setdefault(tenant, [])
        minute = sum(1 for moment in calls if now - moment < 60)
        if minute >= MINUTE_LIMIT:
            _refused.setdefault(tenant, []).append(now)
            return None
        calls.append(now)
        app_minute = sum(1 for times in _calls.values() for m in times if now - m < 60)
    return {"X-DayLimit-Remaining": str(max(0, DAY_LIMIT - len(calls))),
            "X-MinLimit-Remaining": str(MINUTE_LIMIT - minute - 1),
            "X-AppMinLimit-Remaining": str(max(0, APP_MINUTE_LIMIT - app_minute))}


def call_times(tenant: str) -> tuple[list[float], list[float]]:
    """The times of a tenant's counted calls and of those its minute limit refused."""
    with _lock:
        return list(_calls.get(tenant, ())), list(_refused.get(tenant, ()))


def _throttled(retry_after: int = 45) -> Response:
    """429 with the problem kind and when to come back; Xero's body here is a short text
    (not in the spec; reference §3.1)."""
    return Response("Rate limit exceeded", status=429, content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": str(retry_after), "X-Rate-Limit-Problem": "minute"})


def _unavailable() -> Response:
    return Response("The Xero API is temporarily unavailable", status=503,
                    content_type="text/plain; charset=utf-8")


def _validation_failed() -> Response:
    """A ValidationException as Xero sends one (reference §6: a real PUT /Accounts answer)."""
    element = {"AccountID": "00000000-0000-0000-0000-000000000000",
               "Name": "Credit Card account", "Type": "BANK", "BankAccountNumber": "1234",
               "BankAccountType": "CREDITCARD", "ValidationErrors": [{
                   "Message": "The Bank Account Number must contain a 6-digit BSB code and "
                              "account number"}]}
    return validation_exception([element])


FAILURES = {"400": _validation_failed, "429": _throttled, "503": _unavailable}
