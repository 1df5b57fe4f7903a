"""Stripe's answers checked against Stripe's own descriptions, for cassettes and the sandbox.

- objects (anything with `object`): every key must exist in Stripe's fixtures3.json resource of
  the same `object` type, with the same JSON kind where both are non-null, nested objects too (a
  nested dict naming another resource is checked against that resource). The resources come from
  the committed digest (tests/specs/digest.json: the fixtures' skeletons, any clone), or from
  ../shared/specs/stripe/fixtures3.json itself (`full_resources`);
- OAuth answers: the seven fields stripe-python models (`OAuth.OAuthToken`), `{"stripe_user_id"}`
  for deauthorize, and OAuth errors `{error, error_description[, state]}`;
- API errors: `{"error": {...}}` with only the fields of stripe-python's `ErrorObject`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import stripe
from stripe._error_object import ErrorObject

from tests.specs import digest, spec_folder

# Connect events carry the connected account at the top level (stripe-python `Event.account`,
# reference §4.1); the fixture is a platform event, which has none.
EXTRA_KEYS = {"event": {"account"}}
LIST_KEYS = {"object", "data", "has_more", "url"}
FREE_FORM = {"metadata", "supported_bank_account_currencies"}  # keyed by data, not by schema
TOKEN_FIELDS = set(stripe.OAuth.OAuthToken.__annotations__)
ERROR_FIELDS = set(ErrorObject.__annotations__) - {"user_message"}  # a client-side property
ERROR_TYPES = {"api_error", "card_error", "idempotency_error", "invalid_request_error"}
OAUTH_ERRORS = {"access_denied", "invalid_client", "invalid_grant", "invalid_redirect_uri",
                "invalid_request", "invalid_scope", "unsupported_grant_type",
                "unsupported_response_type"}


def resources() -> dict:
    """The skeletons of the resources Remit meets, by `object` type (the digest)."""
    return digest()["stripe"]["resources"]


def full_resources() -> dict:
    """Every resource of fixtures3.json (skips, or fails in CI, without ../shared/specs)."""
    return _load(spec_folder("stripe") / "fixtures3.json")


@cache
def _load(path: Path) -> dict:
    return json.loads(path.read_text())["resources"]


def problems(body: object, known: dict | None = None) -> list[str]:
    """What in one Stripe answer Stripe would not send; [] when it is Stripe-shaped.
    `known`: the resources to compare with (default: the digest's)."""
    if not isinstance(body, dict):
        return [f"not a JSON object: {type(body).__name__}"]
    if "object" in body:
        return object_problems(body, body["object"], known=known or resources())
    if "error" in body:
        return error_problems(body)
    if "token_type" in body:
        return token_problems(body)
    if set(body) == {"stripe_user_id"}:
        return [] if str(body["stripe_user_id"]).startswith("acct_") else ["bad stripe_user_id"]
    return [f"unrecognised answer with keys {sorted(body)}"]


def object_problems(ours: dict, kind: str, path: str = "", known: dict | None = None
                    ) -> list[str]:
    known = known or resources()
    if kind == "list":
        return list_problems(ours, path or kind, known)
    fixture = known.get(kind)
    if fixture is None:
        return [f"{path or kind}: Stripe has no resource {kind!r}"]
    return _compare(ours, fixture, path or kind, EXTRA_KEYS.get(kind, set()), known)


def _compare(ours: dict, theirs: dict, path: str, extra: set[str], known: dict) -> list[str]:
    found = []
    for key, value in ours.items():
        where = f"{path}.{key}"
        if key not in theirs:
            found += [] if key in extra else [f"{where}: not in Stripe's fixture"]
            continue
        expected = theirs[key]
        if value is None or expected is None:
            continue
        if _expanded(value, expected, known):
            found += object_problems(value, value["object"], where, known)
        elif _kind(value) != _kind(expected):
            found.append(f"{where}: {_kind(value)} where Stripe has {_kind(expected)}")
        elif isinstance(value, dict) and key not in FREE_FORM:
            found += _nested(value, expected, where, known)
        elif isinstance(value, list) and expected and isinstance(expected[0], dict):
            found += [p for item in value
                      for p in _nested(item, expected[0], where + "[]", known)]
    return found


def list_problems(ours: dict, path: str, known: dict) -> list[str]:
    """A list answer (`GET /v1/balance_transactions`): Stripe's envelope, each item checked as
    the resource it names."""
    found = [f"{path}.{key}: not in a Stripe list" for key in set(ours) - LIST_KEYS]
    if not isinstance(ours.get("data"), list) or not isinstance(ours.get("has_more"), bool):
        found.append(f"{path}: a list without data and has_more")
    for item in ours.get("data") or []:
        kind = item.get("object") if isinstance(item, dict) else None
        found += object_problems(item, kind, f"{path}.data[]", known) if kind else [
            f"{path}.data[]: an item that is not a Stripe object"]
    return found


def _expanded(value: object, expected: object, known: dict) -> bool:
    """An id Stripe sends as a string unless asked to expand it (`expand[]`): then the object
    it names, checked as that resource."""
    return (isinstance(value, dict) and isinstance(expected, str)
            and value.get("object") in known)


def _nested(value: dict, expected: dict, where: str, known: dict) -> list[str]:
    kind = value.get("object")
    if isinstance(kind, str) and kind in known and kind != expected.get("object"):
        return object_problems(value, kind, where, known)
    return _compare(value, expected, where, set(), known)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", dict: "object", list: "array"}.get(type(value), type(value).__name__)


def error_problems(body: dict) -> list[str]:
    error = body["error"]
    if isinstance(error, str):  # an OAuth error
        found = [] if error in OAUTH_ERRORS else [f"unknown OAuth error {error!r}"]
        if not isinstance(body.get("error_description"), str):
            found.append("OAuth error without an error_description")
        return found + [f"OAuth error key {k!r}" for k in set(body) - {"error",
                                                                      "error_description",
                                                                      "state"}]
    if set(body) != {"error"} or not isinstance(error, dict):
        return [f"API error envelope with keys {sorted(body)}"]
    found = [f"error.{key}: not an ErrorObject field" for key in set(error) - ERROR_FIELDS]
    if error.get("type") not in ERROR_TYPES:
        found.append(f"error.type {error.get('type')!r}")
    if not isinstance(error.get("message"), str):
        found.append("error.message missing")
    return found


def token_problems(body: dict) -> list[str]:
    found = [f"token answer key {key!r}" for key in set(body) - TOKEN_FIELDS]
    if body.get("token_type") != "bearer":
        found.append(f"token_type {body.get('token_type')!r}")
    if not isinstance(body.get("livemode"), bool):
        found.append("livemode is not a boolean")
    if not str(body.get("stripe_user_id", "")).startswith("acct_"):
        found.append("stripe_user_id is not an account id")
    if body.get("scope") not in ("read_write", "read_only"):
        found.append(f"scope {body.get('scope')!r}")
    return found
