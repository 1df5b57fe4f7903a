"""Checks any answer from (or standing in for) Xero against Xero's own OpenAPI documents: what
keeps cassettes recorded from Remit's sandbox honest. `XeroSpec()` reads their digest
(tests/specs/digest.json: the operations Remit calls and the schemas they reach, so it runs in
any clone); `XeroSpec.from_specs()` the full documents in ../shared/specs/xero.

- Declared answers (status listed for that path) go through openapi-core's response validation
  (types, enums, uuid/date-time formats), then a strict walk openapi-core does not do: every
  key must be declared by the schema (Xero's schemas leave additionalProperties open, so a typo
  would pass), and fields the spec marks `x-is-msdate(-time)` must be `/Date(ms[+hhmm])/`.
- Xero answers the specs do not list are checked against their documented shapes: 400 against
  components/schemas/Error, 401/403 problem JSON (reference §3.2), 404 Xero's short text (no body
  is documented), 429 headers (§3.1), the token endpoint against identity.yaml's AccessToken.
- The envelope (Id, Status, ProviderName, DateTimeUTC, Xero-Correlation-Id) is required of
  successful Accounting answers only: Xero's error bodies (Error) carry none.

openapi-core is configured with two documented relaxations: the spec document itself is not
validated (it declares `default: "false"` on a boolean), and identity.yaml's `date-time`
accepts Xero's own form `2019-12-07T18:46:19.5165400` (its example; no offset, UTC). One key
set is allowed beyond the schemas: Invoice's `DateString`/`DueDateString`, which Xero's own
examples for GET /Invoices/{InvoiceID} and PUT /Payments carry but the Invoice schema omits.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from tests.specs import SPECS as ALL_SPECS
from tests.specs import digest, spec_folder

SPECS = ALL_SPECS / "xero"
DOCUMENTS = ("xero_accounting", "xero-identity")
ACCOUNTING = "/api.xro/2.0"
ENVELOPE = {"Id", "Status", "ProviderName", "DateTimeUTC"}  # in every example, no schema
MS_DATE = re.compile(r"/Date\(-?\d+([+-]\d{4})?\)/")
XERO_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?(Z|[+-]\d\d:\d\d)?")
PROBLEM_KEYS = {"Detail", "Extensions", "Instance", "Status", "Title", "Type"}
RATE_LIMIT_PROBLEMS = {"minute", "day", "concurrent", "appminute"}
TOKEN_EXTRAS = {"scope"}  # sent by Xero (xero-python's recorded refresh), missing in AccessToken
# In the spec's own examples (GET /Invoices/{InvoiceID}, PUT /Payments), not in its schemas.
EXAMPLE_ONLY_KEYS = {"Invoice": frozenset({"DateString", "DueDateString"})}
NOT_FOUND_TEXT = "The resource you're looking for cannot be found"


class XeroSpec:
    def __init__(self, documents: dict[str, dict] | None = None) -> None:
        """`documents` by name (DOCUMENTS); by default the committed digest's."""
        config = Config(spec_validator_cls=None, extra_format_validators={
            "date-time": lambda value: bool(XERO_DATETIME.fullmatch(value))})
        self.documents = documents or {name: digest()["xero"][name] for name in DOCUMENTS}
        self.apis = {name: OpenAPI.from_dict(document, config=config)
                     for name, document in self.documents.items()}

    @classmethod
    def from_specs(cls) -> XeroSpec:
        """The full documents (skips, or fails in CI, without ../shared/specs)."""
        return _full_spec(spec_folder("xero"))

    def problems(self, method: str, url: str, status: int, headers: dict[str, str],
                 body: bytes | str) -> list[str]:
        """Everything wrong with one answer; `headers` keys lower-case."""
        text = body.decode() if isinstance(body, bytes) else (body or "")
        parts = urlsplit(url)
        if parts.netloc == "identity.xero.com":
            return self._identity_problems(parts.path, status, text)
        name, path = (("xero_accounting", parts.path[len(ACCOUNTING):])
                      if parts.path.startswith(ACCOUNTING)
                      else ("xero-identity", parts.path.replace("/connections", "/Connections")))
        declared = self._declared_schema(name, path, method, status)
        if declared is not False:
            return self._declared_problems(name, method, url, path, status, headers, text,
                                           declared)
        return self._undeclared_problems(status, headers, text)

    def _declared_problems(self, name, method, url, path, status, headers, text, schema):
        parts = urlsplit(url)
        request = MockRequest(f"{parts.scheme}://{parts.netloc}", method.lower(),
                              (ACCOUNTING if name == "xero_accounting" else "") + path,
                              headers={"xero-tenant-id": headers.get("xero-tenant-id", "x")})
        response = MockResponse(text.encode(), status_code=status,
                                content_type=headers.get("content-type") or None)
        try:
            self.apis[name].validate_response(request, response)
        except Exception as error:  # openapi-core's errors carry the schema errors as cause
            causes = getattr(error.__cause__, "schema_errors", None) or [error]
            return [f"{path}: {cause}".splitlines()[0] for cause in causes]
        if schema is None:
            return []
        body = json.loads(text)
        found = self.undeclared(name, schema, body, "$", top=name == "xero_accounting")
        if name == "xero_accounting" and status < 300:
            found += _envelope_problems(body, headers)
        return found

    def _undeclared_problems(self, status: int, headers: dict[str, str], text: str) -> list[str]:
        if status == 400:
            return self.component_problems("xero_accounting", "Error", json.loads(text))
        if status in (401, 403):
            body = json.loads(text)
            found = [] if set(body) == PROBLEM_KEYS else [f"problem keys {sorted(body)}"]
            return found + ([] if body.get("Status") == status else ["problem Status"])
        if status == 429:
            found = [] if headers.get("retry-after", "").isdigit() else ["no Retry-After"]
            problem = headers.get("x-rate-limit-problem")
            return found + ([] if problem in RATE_LIMIT_PROBLEMS else [f"limit {problem!r}"])
        if status == 404:
            return [] if text == NOT_FOUND_TEXT else [f"404 body {text[:40]!r}"]
        return [] if status >= 500 else [f"HTTP {status} is not an answer Xero documents here "
                                         "(or scripts/spec_digest.py lacks the operation)"]

    def _identity_problems(self, path: str, status: int, text: str) -> list[str]:
        if path == "/connect/revocation":
            return [] if status == 200 and not text else [f"revocation answered {status}"]
        body = json.loads(text)
        if status == 400:
            return [] if set(body) == {"error"} else [f"OAuth error keys {sorted(body)}"]
        found = self.component_problems("xero-identity", "AccessToken", body, TOKEN_EXTRAS)
        return found + ([] if body.get("token_type") == "Bearer" else ["token_type"])

    def component_problems(self, name: str, component: str, body, extras=frozenset()):
        """Validate against components/schemas/<component> (refs resolved in the document)."""
        document = self.documents[name]
        validator = OAS30Validator({**document, "$ref": f"#/components/schemas/{component}"},
                                   format_checker=oas30_format_checker)
        found = [f"{component}: {error.message}" for error in validator.iter_errors(body)]
        schema = document["components"]["schemas"][component]
        return found + self.undeclared(name, schema, body, "$", allowed=extras)

    def undeclared(self, name: str, schema: dict, value, where: str, top: bool = False,
                   allowed=frozenset()) -> list[str]:
        """Keys the schema does not declare, and msdate fields not in Xero's date form."""
        schema = self._resolve(name, schema)
        if isinstance(value, list) and "items" in schema:
            return [problem for index, item in enumerate(value) for problem in
                    self.undeclared(name, schema["items"], item, f"{where}[{index}]")]
        if not isinstance(value, dict) or "properties" not in schema:
            return []
        components = self.documents[name]["components"]["schemas"]
        if schema is components.get("Element"):
            return []  # a validation Element echoes whichever object was submitted
        allowed = allowed | next((keys for component, keys in EXAMPLE_ONLY_KEYS.items()
                                  if schema is components.get(component)), frozenset())
        found = []
        for key, item in value.items():
            declared = schema["properties"].get(key)
            if declared is None:
                if not (top and key in ENVELOPE) and key not in allowed:
                    found.append(f"{where}.{key}: not declared")
                continue
            if (declared.get("x-is-msdate") or declared.get("x-is-msdate-time")) and not (
                    isinstance(item, str) and MS_DATE.fullmatch(item)):
                found.append(f"{where}.{key}: {item!r} is not /Date(ms)/")
            found += self.undeclared(name, declared, item, f"{where}.{key}")
        return found

    def _declared_schema(self, name: str, path: str, method: str, status: int):
        """The response schema (None: declared without a body), or False if undeclared."""
        operation = {}
        for template, item in self.documents[name]["paths"].items():
            if re.fullmatch(_path_pattern(template), path):
                operation = item.get(method.lower(), {})
        answer = operation.get("responses", {}).get(str(status))
        if answer is None:
            return False
        content = self._resolve(name, answer).get("content", {})
        return content.get("application/json", {}).get("schema")

    def _resolve(self, name: str, schema: dict) -> dict:
        while "$ref" in schema:
            target = self.documents[name]
            for part in schema["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            schema = target
        return schema


def _envelope_problems(body: dict, headers: dict[str, str]) -> list[str]:
    """Xero's wrapper and headers on every Accounting answer (reference §2.1, §3.1, §6)."""
    found = [f"envelope lacks {key}" for key in sorted(ENVELOPE - set(body))]
    if body.get("Status") != "OK" or not MS_DATE.fullmatch(str(body.get("DateTimeUTC"))):
        found.append("envelope Status/DateTimeUTC")
    if headers.get("xero-correlation-id") != body.get("Id"):
        found.append("Xero-Correlation-Id differs from the body Id")
    for header in ("x-daylimit-remaining", "x-minlimit-remaining", "x-appminlimit-remaining"):
        if not headers.get(header, "").isdigit():
            found.append(f"no {header}")
    return found


def _path_pattern(template: str) -> str:
    """`/Connections/{id}` -> a regex matching `/Connections/<anything but />`."""
    parts = re.split(r"(\{[^}/]+\})", template)
    return "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)


@cache
def _full_spec(folder: Path) -> XeroSpec:
    return XeroSpec({name: _load(folder / f"{name}.yaml") for name in DOCUMENTS})


def _load(path: Path) -> dict:
    with path.open() as spec:
        safe_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C: 6x faster on 0.9 MB
        return yaml.load(spec, Loader=safe_loader)  # noqa: S506  (a safe loader)
