"""Check QuickBooks JSON against Intuit's XSDs: their digest (tests/specs/digest.json, in every
clone) or the XSDs themselves (../shared/specs/quickbooks), through one code path.

QuickBooks' JSON mirrors its XML: element names become keys, XML attributes (`domain`,
`sparse`, `code`, `type`, `time`) become keys too, repeated elements become arrays, and a
simple-content element such as ReferenceType becomes {"value": ..., <attributes>}. A body is
checked as an IntuitResponse: every key must be declared for its complex type (including what
it inherits through xs:extension), enum values must be listed, and built-in types must have
their JSON kind (xs:boolean a bool, xs:int an integer, xs:decimal a number, xs:string a string,
xs:date / xs:dateTime ISO 8601 text). Request bodies python-quickbooks sends are checked too
(`check_request`), where an xs:decimal may be a numeric string: the SDK writes Decimals so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from scripts.spec_digest import Xsd

_DATE = r"\d{4}-\d{2}-\d{2}"
_DATE_TIME = re.compile(_DATE + r"T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


BUILTIN_KINDS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "xs:boolean": ("a boolean", lambda value: isinstance(value, bool)),
    "xs:string": ("a string", lambda value: isinstance(value, str)),
    "xs:int": ("an integer", _integer),
    "xs:long": ("an integer", _integer),
    "xs:integer": ("an integer", _integer),
    "xs:positiveInteger": ("an integer", _integer),
    "xs:decimal": ("a number", _number),
    "xs:double": ("a number", _number),
    "xs:date": ("an xs:date", lambda value: isinstance(value, str)
                and re.fullmatch(_DATE, value) is not None),
    "xs:dateTime": ("an xs:dateTime", lambda value: isinstance(value, str)
                    and _DATE_TIME.fullmatch(value) is not None),
}
_DECIMAL_TEXT = re.compile(r"-?\d+(\.\d+)?")
# What python-quickbooks sends: a Decimal as its str() (mixins.DecimalEncoder).
REQUEST_KINDS = {**BUILTIN_KINDS, "xs:decimal": (
    "a number or numeric string", lambda value: _number(value) or (
        isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value) is not None))}
# Fields typed xs:string whose documentation names the enumeration they take values from.
DOCUMENTED_ENUMS = {("Account", "AccountSubType"): "AccountSubTypeEnum"}
# Fields typed xs:string that name an entity (LinkedTxn.TxnType: "Invoice", "Payment", ...):
# checked against the IntuitObject elements of IntuitRestServiceDef.xsd.
ENTITY_NAMED = {("LinkedTxn", "TxnType")}


class Schema:
    """QuickBooks types as flattened from Intuit's XSDs by scripts/spec_digest.py: complex
    types `{"label", "fields": {key: type name}}`, simple types `{"enum", "base"}`."""

    def __init__(self, types: dict[str, dict], entities: list[str]) -> None:
        self.types, self._entities = types, set(entities)

    @classmethod
    def from_digest(cls, digest: dict) -> Schema:
        """The committed digest (tests/specs/digest.json): the entities Remit uses."""
        return cls(digest["quickbooks"]["types"], digest["quickbooks"]["entities"])

    @classmethod
    def from_xsd(cls, folder: Path) -> Schema:
        """Every type of the XSDs themselves (where ../shared/specs exists)."""
        xsd = Xsd(folder)
        return cls(xsd.types(), xsd.entities)

    def check(self, body: dict) -> list[str]:
        """Problems found in one API answer, each naming its JSON path; [] when clean."""
        problems: list[str] = []
        self._check_value(body, "IntuitResponse", "$", problems, BUILTIN_KINDS)
        return problems

    def check_request(self, entity: str, body: dict) -> list[str]:
        """Problems in a create/update body for `entity` (e.g. "Payment") as the SDK sends it."""
        problems: list[str] = []
        self._check_value(body, entity, "$", problems, REQUEST_KINDS)
        return problems

    def entity_names(self) -> set[str]:
        """Every entity the API serves (the IntuitObject substitution group)."""
        return self._entities

    def enumeration(self, simple_type: str) -> set[str]:
        """Allowed values of a simple type; empty = unrestricted."""
        return set(self.types[simple_type]["enum"])

    def _check_value(self, value, type_name: str, path: str, problems: list[str],
                     kinds) -> None:
        declared = self.types.get(type_name)
        if isinstance(value, list):
            for position, item in enumerate(value):
                self._check_value(item, type_name, f"{path}[{position}]", problems, kinds)
        elif declared is None:
            self._check_builtin(value, kinds.get(type_name), path, problems)
        elif "enum" in declared:
            allowed = set(declared["enum"])
            if allowed and value not in allowed:
                problems.append(f"{path}: {value!r} not in {sorted(allowed)}")
            self._check_builtin(value, kinds.get(declared["base"] or ""), path, problems)
        elif not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {value!r}")
        else:
            self._check_object(value, declared, path, problems, kinds)

    def _check_object(self, value: dict, declared: dict, path: str, problems: list[str],
                      kinds) -> None:
        fields, label = declared["fields"], declared["label"]
        for key, item in value.items():
            if key not in fields:
                problems.append(f"{path}.{key}: not declared in {label}")
            elif item is not None:
                self._check_value(item, fields[key], f"{path}.{key}", problems, kinds)
            enum_name = DOCUMENTED_ENUMS.get((label, key))
            if enum_name and item not in self.enumeration(enum_name):
                problems.append(f"{path}.{key}: {item!r} is not an {enum_name} value")
            if (label, key) in ENTITY_NAMED and item not in self.entity_names():
                problems.append(f"{path}.{key}: {item!r} names no QuickBooks entity")

    @staticmethod
    def _check_builtin(value, kind, path: str, problems: list[str]) -> None:
        if kind is not None and not kind[1](value):
            problems.append(f"{path}: {value!r} is not {kind[0]}")
