"""Write tests/specs/digest.json: the facts Remit's shape checks need from the vendor specs in
../shared/specs (field names, types, required fields, enums of the entities Remit reads and
writes), so the checks run in any clone, not only beside ../shared. Never the specs whole.

- QuickBooks: Intuit's XSDs flattened into types (`fields`: key -> type name; simple types'
  `enum` and xs: `base`), only the types reachable from the entities below and from an
  IntuitResponse carrying them, plus the names of every entity (LinkedTxn.TxnType names one).
- Xero: an OpenAPI 3 document holding only the operations below and the components they reach,
  stripped of descriptions and examples (what openapi-core validates stays intact).
- Stripe: the fixtures3.json sample of each resource below reduced to its skeleton (every key
  kept, each value replaced by an empty value of the same JSON kind).

Deterministic (sorted keys, no timestamps): tests/specs/test_digest.py regenerates it where
../shared/specs exists and fails if the committed file differs. `make spec-digest` rewrites it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
SPECS = REPO_ROOT.parent / "shared" / "specs"
DIGEST = REPO_ROOT / "tests" / "specs" / "digest.json"
XS = "{http://www.w3.org/2001/XMLSchema}"

QUICKBOOKS_ENTITIES = ["Account", "CompanyCurrency", "CompanyInfo", "CreditMemo", "Customer",
                       "Deposit", "Invoice", "Item", "JournalEntry", "Payment", "Preferences",
                       "RefundReceipt", "Transfer"]
QUICKBOOKS_ROOTS = ["IntuitResponse", "Fault", *QUICKBOOKS_ENTITIES]
XERO_OPERATIONS = {
    "xero_accounting": ["getOrganisations", "getCurrencies", "getAccounts", "getAccount",
                        "createAccount",
                        "getInvoice", "getInvoices", "createPayments", "getPayments",
                        "getPayment", "deletePayment", "getBankTransactions",
                        "getBankTransaction", "createBankTransactions", "getOverpayments",
                        "getOverpayment", "getContact", "getContacts",
                        "createManualJournals", "createBankTransfer", "createCreditNotes",
                        "getCreditNote", "getReportTrialBalance"],
    "xero-identity": ["getConnections", "deleteConnection"],
}
XERO_COMPONENTS = {"xero_accounting": ["Error", "Element", "ValidationError"],
                   "xero-identity": ["AccessToken", "RefreshToken"]}
STRIPE_RESOURCES = ["account", "application", "balance", "balance_transaction", "charge",
                    "checkout.session", "country_spec", "dispute", "event", "payment_intent",
                    "payout", "refund"]
# What a validator reads of a schema; descriptions, examples and code-generation hints go.
SCHEMA_KEYWORDS = {"type", "format", "enum", "required", "nullable", "default", "readOnly",
                   "minimum", "maximum", "maxLength", "minLength", "pattern", "x-is-msdate",
                   "x-is-msdate-time"}
METHODS = {"get", "put", "post", "delete", "patch"}


# ---- QuickBooks: XSD -> flat types -------------------------------------------------------

class Xsd:
    """Intuit's XSD set, read as the JSON API reads it (schema.py's docstring)."""

    def __init__(self, folder: Path) -> None:
        self.nodes: dict[str, dict[str, ET.Element]] = {
            "complexType": {}, "simpleType": {}, "group": {}, "element": {}}
        for path in sorted(folder.glob("*.xsd")):
            # Intuit's published XSDs from the shared specs folder, not untrusted input.
            for node in ET.parse(path).getroot():  # noqa: S314
                kind = node.tag.removeprefix(XS)
                if kind in self.nodes and node.get("name"):
                    self.nodes[kind][node.get("name")] = node
        self.entities = sorted(name for name, node in self.nodes["element"].items()
                               if node.get("substitutionGroup") == "IntuitObject")

    def types(self, members: list[str] | None = None) -> dict[str, dict]:
        """Every named type flattened; `members` limits what an IntuitObject ref admits."""
        self.members = self.entities if members is None else members
        found: dict[str, dict] = {}
        for name, node in self.nodes["complexType"].items():
            self._complex(name, name, node, found)
        for name, node in self.nodes["simpleType"].items():
            found[name] = self._simple(node)
        return found

    def _complex(self, key: str, label: str, node: ET.Element, found: dict) -> str:
        fields = {}
        for field, declaration in self._fields(node).items():
            fields[field] = self._type_name(f"{key}.{field}", declaration, found)
        found[key] = {"label": label, "fields": fields}
        return key

    def _type_name(self, key: str, declaration: ET.Element | str, found: dict) -> str:
        if isinstance(declaration, str):
            return declaration
        inline = declaration.find(f"{XS}complexType")
        if inline is not None:
            return self._complex(key, "(inline type)", inline, found)
        inline = declaration.find(f"{XS}simpleType")
        if inline is not None:
            found[key] = self._simple(inline)
            return key
        return declaration.get("type", "xs:string")

    def _fields(self, node: ET.Element) -> dict[str, ET.Element | str]:
        found: dict[str, ET.Element | str] = {}
        for child in node:
            kind = child.tag.removeprefix(XS)
            if kind == "element" and child.get("ref"):
                head = child.get("ref")
                members = self.members if head == "IntuitObject" else [
                    name for name, item in self.nodes["element"].items()
                    if item.get("substitutionGroup") == head]
                found[head] = self.nodes["element"][head]
                found.update({name: self.nodes["element"][name] for name in members})
            elif kind in ("element", "attribute"):
                found[child.get("name")] = child
            elif kind == "group" and child.get("ref"):
                found.update(self._fields(self.nodes["group"][child.get("ref")]))
            elif kind in ("extension", "restriction") and child.get("base"):
                base = child.get("base")
                if base in self.nodes["complexType"]:
                    found.update(self._fields(self.nodes["complexType"][base]))
                else:
                    found["value"] = base  # simple content: the element's text is "value"
                found.update(self._fields(child))
            elif kind in ("sequence", "choice", "all", "complexContent", "simpleContent"):
                found.update(self._fields(child))
        return found

    def _simple(self, node: ET.Element) -> dict:
        restriction = node.find(f"{XS}restriction")
        if restriction is None:
            return {"enum": [], "base": None}
        values = sorted(e.get("value") for e in restriction.findall(f"{XS}enumeration"))
        base = restriction.get("base", "")
        parent = self.nodes["simpleType"].get(base)
        if parent is not None:
            inherited = self._simple(parent)
            return {"enum": values or inherited["enum"], "base": inherited["base"]}
        return {"enum": values, "base": base or None}


def reachable(types: dict[str, dict], roots: list[str]) -> dict[str, dict]:
    kept, todo = {}, list(roots)
    while todo:
        name = todo.pop()
        if name in kept or name not in types:
            continue
        kept[name] = types[name]
        todo += types[name].get("fields", {}).values()
    return dict(sorted(kept.items()))


def quickbooks(folder: Path) -> dict:
    xsd = Xsd(folder)
    types = reachable(xsd.types(QUICKBOOKS_ENTITIES), QUICKBOOKS_ROOTS)
    types["AccountSubTypeEnum"] = xsd.types()["AccountSubTypeEnum"]  # named by a doc comment
    return {"entities": xsd.entities, "types": dict(sorted(types.items()))}


# ---- Xero: OpenAPI subset ------------------------------------------------------------------

def strip_schema(schema: dict) -> dict:
    if "$ref" in schema:
        return {"$ref": schema["$ref"]}
    found = {key: value for key, value in schema.items() if key in SCHEMA_KEYWORDS}
    if "properties" in schema:
        found["properties"] = {name: strip_schema(item)
                               for name, item in schema["properties"].items()}
    if isinstance(schema.get("items"), dict):
        found["items"] = strip_schema(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        found["additionalProperties"] = strip_schema(schema["additionalProperties"])
    elif "additionalProperties" in schema:
        found["additionalProperties"] = schema["additionalProperties"]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            found[key] = [strip_schema(item) for item in schema[key]]
    return found


def strip_parameter(parameter: dict) -> dict:
    if "$ref" in parameter:
        return {"$ref": parameter["$ref"]}
    found = {key: parameter[key] for key in ("name", "in", "required", "style", "explode")
             if key in parameter}
    return {**found, "schema": strip_schema(parameter.get("schema", {}))}


def strip_content(item: dict) -> dict:
    """A request body or a response: only its media types' schemas."""
    if "$ref" in item:
        return {"$ref": item["$ref"]}
    found = {key: item[key] for key in ("required",) if key in item}
    found["description"] = ""  # required by OpenAPI for a response; the text is not a fact
    if "content" in item:
        found["content"] = {media: {"schema": strip_schema(body.get("schema", {}))}
                            for media, body in item["content"].items()}
    return found


def strip_operation(operation: dict) -> dict:
    found = {"operationId": operation["operationId"],
             "parameters": [strip_parameter(item) for item in operation.get("parameters", [])],
             "responses": {str(status): strip_content(item)
                           for status, item in operation.get("responses", {}).items()}}
    if "requestBody" in operation:
        found["requestBody"] = strip_content(operation["requestBody"])
    return found


STRIP = {"schemas": strip_schema, "parameters": strip_parameter,
         "requestBodies": strip_content, "responses": strip_content}


def _refs(value) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(_refs(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(item) for item in value))
    return set()


def xero_document(path: Path, operations: list[str], components: list[str]) -> dict:
    with path.open() as spec:
        full = yaml.load(spec, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    paths: dict[str, dict] = {}
    for template, item in full["paths"].items():
        for method, operation in item.items():
            if method in METHODS and operation.get("operationId") in operations:
                kept = paths.setdefault(template, {})
                kept[method] = strip_operation(operation)
                if "parameters" in item:
                    kept["parameters"] = [strip_parameter(p) for p in item["parameters"]]
    found = set(operations) - {op.get("operationId") for item in paths.values()
                               for op in item.values() if isinstance(op, dict)}
    if found:
        raise SystemExit(f"{path.name}: no operation {sorted(found)}")
    kept_components: dict[str, dict] = {}
    todo = _refs(paths) | {f"#/components/schemas/{name}" for name in components}
    while todo:
        ref = todo.pop()
        _, _, section, name = ref.split("/")
        if name in kept_components.get(section, {}):
            continue
        item = STRIP[section](full["components"][section][name])
        kept_components.setdefault(section, {})[name] = item
        todo |= _refs(item)
    return {"openapi": full["openapi"],
            "info": {"title": full["info"]["title"], "version": full["info"]["version"]},
            "servers": [{"url": server["url"]} for server in full.get("servers", [])],
            "paths": paths,
            "components": {section: dict(sorted(items.items()))
                           for section, items in sorted(kept_components.items())}}


def xero(folder: Path) -> dict:
    return {name: xero_document(folder / f"{name}.yaml", XERO_OPERATIONS[name],
                                XERO_COMPONENTS[name]) for name in XERO_OPERATIONS}


# ---- Stripe: fixture skeletons ----------------------------------------------------------

def skeleton(value, key: str = ""):
    """Same keys and JSON kinds, empty values; `object` names are kept (nesting follows them)."""
    if isinstance(value, dict):
        return {k: skeleton(item, k) for k, item in value.items()}
    if isinstance(value, list):
        return [skeleton(value[0])] if value else []
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return 0
    if isinstance(value, str):
        return value if key == "object" else ""
    return None


def stripe(folder: Path) -> dict:
    resources = json.loads((folder / "fixtures3.json").read_text())["resources"]
    return {"resources": {name: skeleton(resources[name]) for name in STRIPE_RESOURCES}}


# ---- the digest ----------------------------------------------------------------------------

def sources(specs: Path) -> dict:
    """Each vendor's upstream repository and commit (../shared/specs/README.md's table) and
    the SHA-256 of every file read, so a changed spec shows up as a changed digest."""
    table = {}
    for line in (specs / "README.md").read_text().splitlines():
        match = re.match(r"\|\s*(\w+)/[^|]*\|[^|]*\|\s*([\w.-]+/[\w.-]+) @ ([0-9a-f]{40})", line)
        if match:
            table.setdefault(match.group(1), f"{match.group(2)}@{match.group(3)}")
    found = {}
    for vendor, pattern in (("quickbooks", "*.xsd"), ("xero", "*.yaml"),
                            ("stripe", "fixtures3.json")):
        files = sorted((specs / vendor).glob(pattern))
        found[vendor] = {"source": table.get(vendor, "unknown"),
                         "sha256": {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
                                    for path in files}}
    return found


def digest(specs: Path = SPECS) -> dict:
    return {"generated_by": "scripts/spec_digest.py (make spec-digest)",
            "sources": sources(specs),
            "quickbooks": quickbooks(specs / "quickbooks"),
            "xero": xero(specs / "xero"),
            "stripe": stripe(specs / "stripe")}


def render(found: dict) -> str:
    return json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=Path, default=SPECS)
    parser.add_argument("--output", type=Path, default=DIGEST)
    parser.add_argument("--check", action="store_true", help="fail if the file would change")
    args = parser.parse_args(argv)
    if not args.specs.is_dir():
        print(f"no vendor specs at {args.specs}", file=sys.stderr)
        return 2
    text = render(digest(args.specs))
    if args.check:
        same = args.output.exists() and args.output.read_text() == text
        print(f"{args.output}: {'up to date' if same else 'stale; run make spec-digest'}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"wrote {args.output} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
