"""What an Intuit answer may look like, whichever endpoint gave it: shared by the cassette checks
(test_cassette_shapes.py) and the sandbox's own tests (tests/sandbox).

- Accounting API data-service bodies: Intuit's XSDs (schema.py), through their committed digest
  (tests/specs/digest.json) in any clone, or the XSDs themselves (../shared/specs/quickbooks).
- API gateway 401/403 bodies (lowercase `fault`): their documented shape (reference §3.2).
- OAuth token endpoint and revocation: Intuit's documented token and error bodies (§1.4, §1.5).
- Transactions also add up: an Invoice's 0 <= Balance <= TotalAmt, a Payment's TotalAmt is its
  lines plus UnappliedAmt (§2.5), a JournalEntry's debits equal its credits (and TotalAmt), a
  Deposit's and a RefundReceipt's TotalAmt is the sum of their detail lines (§2.6, §2.7).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from urllib.parse import urlsplit

from tests.connectors.quickbooks.schema import Schema
from tests.specs import digest, spec_folder

GATEWAY_KEYS = {"warnings", "intuitObject", "fault", "report", "queryResponse",
                "batchItemResponse", "attachableResponse", "syncErrorResponse", "requestId",
                "time", "status", "cdcresponse"}
GATEWAY_MESSAGE = re.compile(r"message=\w+; errorCode=\d{6}; statusCode=(\d{3})")
TOKEN_FIELDS = {"token_type": str, "access_token": str, "expires_in": int, "refresh_token": str,
                "x_refresh_token_expires_in": int, "x_refresh_token_hard_expires_in": int,
                "id_token": str}
TOKEN_REQUIRED = {"token_type", "access_token", "expires_in", "refresh_token",
                  "x_refresh_token_expires_in"}
OAUTH_ERRORS = {"invalid_grant", "invalid_client", "invalid_request", "unsupported_grant_type"}


@cache
def load_schema() -> Schema:
    """The entities Remit uses, from the committed digest: runs in any clone."""
    return Schema.from_digest(digest())


def load_full_schema() -> Schema:
    """Every entity, from the XSDs (skips, or fails in CI, without ../shared/specs)."""
    return Schema.from_xsd(spec_folder("quickbooks"))


def problems(schema: Schema, url: str, status: int, content_type: str, text: str) -> list[str]:
    """Everything wrong with one answer from `url` (a real Intuit URL or a sandbox path)."""
    path = urlsplit(url).path
    if "/tokens/bearer" in path:
        return token_problems(status, text)
    if path.endswith("/tokens/revoke"):
        return [] if status == 200 and not text else oauth_error_problems(text)
    if not content_type.startswith("application/json"):
        return [] if status >= 500 else [f"non-JSON body on HTTP {status}"]
    body = json.loads(text)
    if "fault" in body:
        return gateway_problems(status, body)
    return schema.check(body) + money_problems(json.loads(text, parse_float=Decimal))


def money_problems(body: dict) -> list[str]:
    """Transactions (single or in a query page) whose amounts do not add up."""
    page = body.get("QueryResponse") or {}
    found = []
    for entity in ("Invoice", "Payment", "JournalEntry", "Deposit", "RefundReceipt"):
        rows = page.get(entity, []) + ([body[entity]] if entity in body else [])
        found += [f"{entity} {row.get('Id')}: {problem}" for row in rows
                  for problem in _sums(entity, row)]
    return found


DETAIL_LINES = {"Deposit": "DepositLineDetail", "RefundReceipt": "SalesItemLineDetail"}


def _sums(entity: str, row: dict) -> list[str]:
    total = _exact(row["TotalAmt"])
    if entity == "JournalEntry":
        sides = {"Debit": Decimal(0), "Credit": Decimal(0)}
        for line in row["Line"]:
            sides[line["JournalEntryLineDetail"]["PostingType"]] += _exact(line["Amount"])
        if not sides["Debit"] == sides["Credit"] == total:
            return [f"debits {sides['Debit']} and credits {sides['Credit']} != TotalAmt {total}"]
    if entity in DETAIL_LINES:
        lines = sum(_exact(line["Amount"]) for line in row["Line"]
                    if line["DetailType"] == DETAIL_LINES[entity])
        if lines != total:
            return [f"lines {lines} != TotalAmt {total}"]
    if entity == "Invoice" and not 0 <= _exact(row["Balance"]) <= total:
        return [f"Balance {row['Balance']} outside 0..TotalAmt {total}"]
    if entity == "Payment":
        applied = sum(_exact(line["Amount"]) for line in row.get("Line", []))
        if applied + _exact(row.get("UnappliedAmt", 0)) != total:
            return [f"lines {applied} + UnappliedAmt != TotalAmt {total}"]
    return []


def _exact(value: object) -> Decimal:
    return Decimal(str(value))


def gateway_problems(status: int, body: dict) -> list[str]:
    found = [f"undocumented gateway key {key}" for key in set(body) - GATEWAY_KEYS]
    for error in body["fault"]["error"]:
        match = GATEWAY_MESSAGE.fullmatch(error.get("message", ""))
        if set(error) - {"message", "detail", "code", "element"}:
            found.append(f"undocumented gateway error keys {sorted(error)}")
        if match is None or int(match.group(1)) != status:
            found.append(f"gateway message {error.get('message')!r} does not state HTTP {status}")
    return found


def token_problems(status: int, text: str) -> list[str]:
    if status != 200:
        return oauth_error_problems(text)
    body = json.loads(text)
    found = [f"missing token field {key}" for key in sorted(TOKEN_REQUIRED - set(body))]
    for key, value in body.items():
        kind = TOKEN_FIELDS.get(key)
        if kind is None:
            found.append(f"undocumented token field {key}")
        elif not isinstance(value, kind) or isinstance(value, bool):
            found.append(f"token field {key}={value!r} is not {kind.__name__}")
    if body.get("token_type") != "bearer":
        found.append(f"token_type {body.get('token_type')!r} is not Intuit's 'bearer'")
    return found


def oauth_error_problems(text: str) -> list[str]:
    body = json.loads(text)
    found = [f"undocumented OAuth error key {key}"
             for key in set(body) - {"error", "error_description"}]
    if body.get("error") not in OAUTH_ERRORS:
        found.append(f"unknown OAuth error {body.get('error')!r}")
    return found
