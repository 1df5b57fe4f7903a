"""Stripe requests checked against stripe-python's own generated parameter types (stripe 16's
TypedDicts under `stripe/params/`, generated from Stripe's OpenAPI for the pinned API version):
no unknown, mistyped or deprecated parameter, no required one missing.

The endpoint -> parameter type index is read from stripe-python's service classes themselves
(each method's `params` annotation and the method and path it requests), so any endpoint a
helper starts calling is covered without a table to maintain. Form bodies are decoded the way
Stripe reads them (`a[b][0][c]=v`) into nested dicts and lists, whose leaves are strings.
Enumerations are held to their values: stripe-python types them `Literal[...]|str` so that a
newer API's value still type-checks, but the pinned version knows only the listed ones.
"""

from __future__ import annotations

import ast
import decimal
import importlib
import inspect
import re
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl

import stripe
import typing_extensions
from stripe._request_options import RequestOptions

STRIPE_ROOT = Path(stripe.__file__).parent
# Options stripe-python sends as headers (Stripe-Account, Idempotency-Key...), never in a body.
REQUEST_OPTIONS = set(RequestOptions.__annotations__)
# /oauth/token: Authlib authenticates in the body (RFC 6749 §2.3.1, `client_secret_post`), which
# Stripe documents as `client_secret` (reference §1); stripe-python uses a Bearer header instead.
CLIENT_AUTHENTICATION = {"/oauth/token": {"client_id", "client_secret"}}
DEPRECATED = re.compile(r"\[Deprecated\]|\bis deprecated\b|\bdeprecated\b.*\binstead\b", re.I)
INTEGER = re.compile(r"-?\d+")
DECIMAL_TEXT = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Endpoint:
    method: str  # upper case
    base: str  # "api" or "connect"
    template: str  # /v1/checkout/sessions/{session}/expire
    params_ref: tuple[str, str]  # (module, dotted name) of the TypedDict, imported on use
    operation: str  # e.g. stripe.checkout._session_service.SessionService.expire

    @property
    def params(self) -> type:
        target = importlib.import_module(self.params_ref[0])
        for part in self.params_ref[1].split("."):
            target = getattr(target, part)
        return target

    def matches(self, method: str, path: str) -> bool:
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(self.template))
        return method.upper() == self.method and re.fullmatch(pattern, path) is not None


@cache
def endpoints() -> tuple[Endpoint, ...]:
    """Every (method, path) stripe-python's services request, with its params TypedDict."""
    found = []
    for path in sorted(STRIPE_ROOT.rglob("_*service.py")):
        module = "stripe." + ".".join(path.relative_to(STRIPE_ROOT).with_suffix("").parts)
        found += _service_endpoints(module, ast.parse(path.read_text()))
    return tuple(found)


def _service_endpoints(module: str, tree: ast.Module) -> list[Endpoint]:
    imported = {alias.asname or alias.name: node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module
                and node.module.startswith("stripe") for alias in node.names}
    found = []
    for service in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        for method in service.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            annotation = next((arg.annotation for arg in method.args.args
                               if arg.arg == "params" and arg.annotation), None)
            call = next((node for node in ast.walk(method) if isinstance(node, ast.Call)
                         and isinstance(node.func, ast.Attribute)
                         and node.func.attr in ("_request", "request") and len(node.args) >= 2),
                        None)
            if annotation is None or call is None:
                continue
            name = re.search(r"[\w.]+Params\b", ast.unparse(annotation))
            params = name and imported.get(name.group(0).split(".")[0])
            verb, where = call.args[0], call.args[1]
            if isinstance(where, ast.Call):  # "/v1/x/{id}".format(...)
                where = where.func.value
            base = next((getattr(kw.value, "value", None) for kw in call.keywords
                         if kw.arg == "base_address"), "api")
            if params and isinstance(verb, ast.Constant) and isinstance(where, ast.Constant):
                found.append(Endpoint(verb.value.upper(), base, where.value,
                                      (params, name.group(0)),
                                      f"{module}.{service.name}.{method.name}"))
    return found


def endpoint_for(method: str, base: str, path: str) -> Endpoint | None:
    return next((e for e in endpoints() if e.base == base and e.matches(method, path)), None)


def operation_of(bound_method) -> Endpoint | None:
    """The endpoint a StripeClient method (e.g. client.v1.checkout.sessions.expire) requests."""
    function = getattr(bound_method, "__func__", bound_method)
    name = f"{function.__module__}.{function.__qualname__}"
    return next((e for e in endpoints() if e.operation == name), None)


# ---- decoding what went over the wire -------------------------------------------------------

def decode_form(text: str) -> dict:
    """`a[b][0][c]=v&...` as Stripe reads it: nested dicts, lists where keys are 0..n-1."""
    root: dict = {}
    for key, value in parse_qsl(text or "", keep_blank_values=True, strict_parsing=bool(text)):
        parts = re.findall(r"^[^\[]+|\[([^\]]*)\]", key)
        parts = [key.split("[", 1)[0], *parts[1:]]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"{key}: a value and an object under one name")
        node[parts[-1]] = value
    return _lists(root)


def _lists(value):
    if not isinstance(value, dict):
        return value
    converted = {key: _lists(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        indices = sorted(converted, key=int)
        if [int(index) for index in indices] == list(range(len(indices))):
            return [converted[index] for index in indices]
    return converted


def encode(params: dict) -> str:
    """What stripe-python puts on the wire for `params` (its own encoder)."""
    from urllib.parse import urlencode

    from stripe._encode import _api_encode

    return urlencode(list(_api_encode(params)))


# ---- checking against the TypedDicts ------------------------------------------------------

def problems(endpoint: Endpoint, sent: dict) -> list[str]:
    """Everything in `sent` (decoded form: string leaves) the params type does not allow."""
    allowed_extra = CLIENT_AUTHENTICATION.get(endpoint.template, set())
    extra = {key: value for key, value in sent.items() if key in allowed_extra}
    body = {key: value for key, value in sent.items() if key not in extra}
    hints = _hints(endpoint.params, top=True)
    options = {key for key in body if key in REQUEST_OPTIONS and key not in hints}
    found = [f"{key}: a request option, not a parameter" for key in sorted(options)]
    body = {key: value for key, value in body.items() if key not in options}
    return found + _check_typed_dict(endpoint.params, body, "", top=True)


def _check_typed_dict(cls: type, value, where: str, top: bool = False) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where or '$'}: expected an object, got {value!r}"]
    hints = _hints(cls, top)
    required = set(getattr(cls, "__required_keys__", set())) & set(hints)
    found = [f"{where}{key}: required by {cls.__name__}, missing"
             for key in sorted(required - set(value))]
    for key, item in value.items():
        path = f"{where}{key}"
        if key not in hints:
            found.append(f"{path}: unknown to {cls.__name__}")
            continue
        if (cls.__name__, key) in _deprecated(cls):
            found.append(f"{path}: deprecated in {cls.__name__}")
        found += _check(hints[key], item, path)
    return found


def _check(kind, value, where: str) -> list[str]:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing_extensions.NotRequired, typing_extensions.Required,
                  typing.NotRequired, typing.Required):
        return _check(args[0], value, where)
    if origin in (typing.Union, types.UnionType):
        if str in args and any(typing.get_origin(a) is typing.Literal for a in args):
            args = tuple(a for a in args if a is not str)  # the SDK's "Literal[...]|str"
        attempts = [_check(option, value, where) for option in args]
        return [] if any(not attempt for attempt in attempts) else min(attempts, key=len)
    if origin in (typing.Literal, typing_extensions.Literal):
        return [] if value in {str(a).lower() if isinstance(a, bool) else str(a)
                               for a in args} | set(args) else [
            f"{where}: {value!r} not one of {list(args)}"]
    if origin in (list, typing.List):  # noqa: UP006
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {value!r}"]
        return [p for index, item in enumerate(value)
                for p in _check(args[0], item, f"{where}[{index}]")]
    if isinstance(origin, type) and issubclass(origin, dict | stripe.StripeObject):
        # Dict[str, X], or UntypedStripeObject[X] (a StripeObject passed back as a map)
        if not isinstance(value, dict):
            return [f"{where}: expected a map, got {value!r}"]
        return [p for key, item in value.items()
                for p in _check(args[-1], item, f"{where}[{key}]")]
    if typing_extensions.is_typeddict(kind):
        return _check_typed_dict(kind, value, f"{where}.")
    return _check_leaf(kind, value, where)


def _check_leaf(kind, value, where: str) -> list[str]:
    if kind is typing.Any or kind is object or not isinstance(kind, type):
        return []
    if kind is str:
        ok = isinstance(value, str)
    elif kind is bool:
        ok = value in ("true", "false") or isinstance(value, bool)
    elif kind is int:
        ok = (isinstance(value, str) and INTEGER.fullmatch(value) is not None) or (
            isinstance(value, int) and not isinstance(value, bool))
    elif kind in (float, decimal.Decimal):
        ok = isinstance(value, str) and DECIMAL_TEXT.fullmatch(value) is not None
    else:
        return []  # stripe's untyped objects
    return [] if ok else [f"{where}: {value!r} is not of type {kind.__name__}"]


@cache
def _hints(cls: type, top: bool = False) -> dict:
    module = vars(importlib.import_module(cls.__module__))
    namespace = {**vars(typing), **vars(typing_extensions), **module,
                 "StripeContext": object, "Decimal": decimal.Decimal}
    hints = typing.get_type_hints(cls, globalns=namespace, include_extras=True)
    if top and set(hints) >= REQUEST_OPTIONS:  # derives from RequestOptions: headers, not body
        hints = {key: value for key, value in hints.items() if key not in REQUEST_OPTIONS}
    return hints


@cache
def _deprecated(cls: type) -> frozenset[tuple[str, str]]:
    """(class, field) pairs whose generated docstring says the field is deprecated."""
    tree = ast.parse(Path(inspect.getsourcefile(cls)).read_text())
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for field, doc in zip(node.body, [*node.body[1:], None], strict=True):
            if (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
                    and isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
                    and isinstance(doc.value.value, str) and DEPRECATED.search(doc.value.value)):
                found.add((node.name, field.target.id))
    return frozenset(found)
