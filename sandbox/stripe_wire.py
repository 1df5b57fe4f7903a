"""How the Stripe stand-in speaks: JSON answers with Stripe's headers, the two error shapes
(API errors `{"error": {...}}`, OAuth errors `{"error": "<code>", ...}`; reference §3.2) and the
platform key check every Stripe endpoint applies (Bearer, Basic `sk_…:` or `client_secret`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Iterable

from flask import Response, request

from sandbox.stripe_seed import API_VERSION, PLATFORM_SECRET_KEY

DOCS = "https://stripe.com/docs"
FORM_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
FREE_FORM = {"metadata"}  # keys are the caller's: `metadata[0]` is a key, not a list index


def answer(body: dict, status: int = 200) -> Response:
    """Stripe pretty-prints its JSON and names every answer with a Request-Id."""
    response = Response(json.dumps(body, indent=2) + "\n", status=status,
                        content_type="application/json")
    response.headers["Request-Id"] = "req_" + secrets.token_hex(7)
    response.headers["Stripe-Version"] = request.headers.get("Stripe-Version", API_VERSION)
    response.headers["Cache-Control"] = "no-cache, no-store"
    return response


def api_error(status: int, kind: str, message: str, code: str | None = None,
              param: str | None = None) -> Response:
    """An API error object: keys as stripe-python's ErrorObject declares them."""
    error: dict = {}
    if code:
        error["code"] = code
        error["doc_url"] = f"{DOCS}/error-codes/{code.replace('_', '-')}"
    error["message"] = message
    if param:
        error["param"] = param
    error["type"] = kind
    return answer({"error": error}, status)


def oauth_error(code: str, description: str, status: int = 400) -> Response:
    return answer({"error": code, "error_description": description}, status)


def platform_refusal() -> Response | None:
    """None when the request carries the platform key, else Stripe's 401."""
    key = presented_key()
    if key == PLATFORM_SECRET_KEY:
        return None
    if not key:
        return api_error(401, "invalid_request_error",
                         "You did not provide an API key. You need to provide your API key in "
                         "the Authorization header, using Bearer auth (e.g. 'Authorization: "
                         "Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#"
                         "authentication for details, or we can help at "
                         "https://support.stripe.com/.")
    return api_error(401, "invalid_request_error", f"Invalid API Key provided: {masked(key)}")


def presented_key() -> str:
    """The secret key as Bearer, as Basic's user name, or as the `client_secret` form field."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return ""
    return request.form.get("client_secret", "")


def masked(key: str) -> str:
    """As Stripe echoes a refused key: its prefix and last four characters only."""
    prefix = key[:8] if key.startswith(("sk_", "rk_", "pk_")) else ""
    return prefix + "*" * max(len(key) - len(prefix) - 4, 4) + key[-4:]


def nested_form(pairs: Iterable[tuple[str, str]]) -> dict:
    """Stripe's form encoding read back into objects, as stripe-python writes it:
    `line_items[0][price_data][currency]=usd` → {"line_items": [{"price_data": {...}}]}.
    ValueError for a key that is not of that form or clashes with another."""
    root: dict = {}
    for key, value in pairs:
        shape = FORM_KEY.fullmatch(key)
        if shape is None:
            raise ValueError(f"Invalid parameter name: {key}")
        path = [shape.group(1), *re.findall(r"\[([^\[\]]*)\]", shape.group(2))]
        node = root
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"Invalid parameter name: {key}")
        if isinstance(node.get(path[-1]), dict):
            raise ValueError(f"Invalid parameter name: {key}")
        node[path[-1]] = value
    return _with_lists(root, "")


def _with_lists(node: object, name: str) -> object:
    """Objects whose keys are all indexes are arrays (`[0]`, `[1]`, ...), in index order."""
    if not isinstance(node, dict):
        return node
    if name in FREE_FORM:
        return node
    inner = {key: _with_lists(value, key) for key, value in node.items()}
    if inner and all(key.isdigit() for key in inner):
        return [inner[key] for key in sorted(inner, key=int)]
    return inner
