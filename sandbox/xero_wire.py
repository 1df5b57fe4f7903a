"""How the Xero stand-in writes its answers: Xero's JSON as its .NET serializer produces it.

- dates as `"\\/Date(ms)\\/"` (escaped slashes on the wire);
- money as written in the books: the stand-in keeps amounts as Decimal and writes them verbatim
  (`250.00`, `1.000000`), as Xero does, so a client reading with `parse_float=Decimal` (the SDK)
  gets the exponent Xero would give it;
- every Accounting answer in the envelope `{"Id","Status","ProviderName","DateTimeUTC",...}`
  with `Xero-Correlation-Id` = `Id`; errors as `{"ErrorNumber","Type","Message","Elements"}`.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from flask import Response, request

from sandbox.xero_seed import ms_date

PROVIDER_NAME = "Remit"  # Xero puts the app's name here
_NUMBER_MARK = "__sandbox_decimal__:"
_MARKED_NUMBER = re.compile(rf'"{_NUMBER_MARK}(-?\d+(?:\.\d+)?)"')


def submitted_items(entity: str, allow_empty: bool = True) -> list[dict] | None:
    """The request body's `entity` array (`{"Payments": [...]}`), numbers as Decimal (never
    through float), or None when the body is not that shape."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        return None
    found = body.get(entity) if isinstance(body, dict) else None
    if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
        return None
    if not found and not allow_empty:
        return None
    return found


def json_response(body: dict | list, status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_verbatim_number)
    text = _MARKED_NUMBER.sub(r"\1", text)
    text = text.replace('"/Date(', '"\\/Date(').replace(')/"', ')\\/"')
    return Response(text.encode(), status=status, content_type="application/json; charset=utf-8",
                    headers={"Cache-Control": "max-age=0, no-cache, no-store"})


def envelope(entity: str, items: list[dict]) -> Response:
    answer_id = str(uuid.uuid4())
    body = {"Id": answer_id, "Status": "OK", "ProviderName": PROVIDER_NAME,
            "DateTimeUTC": ms_date(datetime.now(UTC), offset=""), entity: items}
    response = json_response(body)
    response.headers["Xero-Correlation-Id"] = answer_id
    return response


def error(status: int, number: int, kind: str, message: str,
          elements: list | None = None) -> Response:
    body: dict = {"ErrorNumber": number, "Type": kind, "Message": message}
    if elements is not None:
        body["Elements"] = elements
    response = json_response(body, status)
    response.headers["Xero-Correlation-Id"] = str(uuid.uuid4())
    return response


def validation_exception(elements: list[dict]) -> Response:
    """400 as Xero answers a write it refused: each refused element echoed with its
    ValidationErrors (reference §3.2)."""
    return error(400, 10, "ValidationException", "A validation exception occurred", elements)


def not_found() -> Response:
    """404 for an id Xero does not know. The spec documents no 404 body; Xero's is a short
    text (reference §3.2 lists the status only) [verify against a real organisation]."""
    return Response("The resource you're looking for cannot be found", status=404,
                    content_type="text/html; charset=utf-8")


def replayed(kept) -> Response:
    """An answer kept for an Idempotency-Key given again as first sent: body, status and its
    Xero-Correlation-Id (= the body's Id); the gate adds this call's rate-limit headers."""
    response = Response(kept.data, status=kept.status, content_type=kept.content_type)
    for name in ("Xero-Correlation-Id", "Cache-Control"):
        if name in kept.headers:
            response.headers[name] = kept.headers[name]
    return response


def _verbatim_number(value):
    if isinstance(value, Decimal):
        return f"{_NUMBER_MARK}{value:f}"  # never exponent notation
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
