"""Check QuickBooks JSON against Intuit's XSDs (../shared/specs/quickbooks), stdlib only.

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
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

XS = "{http://www.w3.org/2001/XMLSchema}"
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
    """The QuickBooks XSD set, indexed by type name."""

    def __init__(self, folder: Path) -> None:
        self.complex: dict[str, ET.Element] = {}
        self.simple: dict[str, ET.Element] = {}
        self.groups: dict[str, ET.Element] = {}
        self.elements: dict[str, ET.Element] = {}
        index = {"complexType": self.complex, "simpleType": self.simple,
                 "group": self.groups, "element": self.elements}
        for path in sorted(folder.glob("*.xsd")):
            # Intuit's published XSDs from the shared specs folder, not untrusted input.
            for node in ET.parse(path).getroot():  # noqa: S314
                kind = node.tag.removeprefix(XS)
                if kind in index and node.get("name"):
                    index[kind][node.get("name")] = node

    def check(self, body: dict) -> list[str]:
        """Problems found in one API answer, each naming its JSON path; [] when clean."""
        problems: list[str] = []
        self._check_value(body, self.complex["IntuitResponse"], "$", problems, BUILTIN_KINDS)
        return problems

    def check_request(self, entity: str, body: dict) -> list[str]:
        """Problems in a create/update body for `entity` (e.g. "Payment") as the SDK sends it."""
        problems: list[str] = []
        self._check_value(body, self.complex[entity], "$", problems, REQUEST_KINDS)
        return problems

    def entity_names(self) -> set[str]:
        """Every entity the API serves (the IntuitObject substitution group)."""
        return {name for name, node in self.elements.items()
                if node.get("substitutionGroup") == "IntuitObject"}

    def fields(self, type_node: ET.Element) -> dict[str, ET.Element | str]:
        """Key -> declaration (element/attribute node, or a type name for simple content)."""
        found: dict[str, ET.Element | str] = {}
        for child in type_node:
            kind = child.tag.removeprefix(XS)
            if kind == "element" and child.get("ref"):
                found.update(self._substitutes(child.get("ref")))
            elif kind in ("element", "attribute"):
                found[child.get("name")] = child
            elif kind == "group" and child.get("ref"):
                found.update(self.fields(self.groups[child.get("ref")]))
            elif kind in ("extension", "restriction") and child.get("base"):
                found.update(self._base_fields(child.get("base")))
                found.update(self.fields(child))
            elif kind in ("sequence", "choice", "all", "complexContent", "simpleContent"):
                found.update(self.fields(child))
        return found

    def enumeration(self, simple_node: ET.Element) -> set[str]:
        """Allowed values of a simple type, following restriction bases; empty = unrestricted."""
        restriction = simple_node.find(f"{XS}restriction")
        if restriction is None:
            return set()
        values = {e.get("value") for e in restriction.findall(f"{XS}enumeration")}
        base = restriction.get("base", "")
        if not values and base in self.simple:
            return self.enumeration(self.simple[base])
        return values

    def builtin_base(self, simple_node: ET.Element) -> str | None:
        """The xs: type a simple type restricts, following restriction bases."""
        restriction = simple_node.find(f"{XS}restriction")
        base = restriction.get("base", "") if restriction is not None else ""
        if base in self.simple:
            return self.builtin_base(self.simple[base])
        return base or None

    def _base_fields(self, base: str) -> dict[str, ET.Element | str]:
        if base in self.complex:
            return self.fields(self.complex[base])
        return {"value": base}  # simple content: the element's text is JSON "value"

    def _substitutes(self, head: str) -> dict[str, ET.Element]:
        """A ref to a substitution-group head (IntuitObject) admits every member element."""
        members = {name: node for name, node in self.elements.items()
                   if node.get("substitutionGroup") == head}
        return {head: self.elements[head], **members}

    def _type_of(self, declaration: ET.Element | str) -> ET.Element | str:
        if isinstance(declaration, str):
            name = declaration
        else:
            inline = declaration.find(f"{XS}complexType")
            if inline is None:
                inline = declaration.find(f"{XS}simpleType")
            if inline is not None:
                return inline
            name = declaration.get("type", "xs:string")
        return self.complex.get(name) or self.simple.get(name) or name

    def _check_value(self, value, type_node, path: str, problems: list[str], kinds) -> None:
        if isinstance(value, list):
            for position, item in enumerate(value):
                self._check_value(item, type_node, f"{path}[{position}]", problems, kinds)
        elif isinstance(type_node, str):
            self._check_builtin(value, kinds.get(type_node), path, problems)
        elif type_node.tag == f"{XS}simpleType":
            allowed = self.enumeration(type_node)
            if allowed and value not in allowed:
                problems.append(f"{path}: {value!r} not in {sorted(allowed)}")
            base = kinds.get(self.builtin_base(type_node) or "")
            self._check_builtin(value, base, path, problems)
        elif not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {value!r}")
        else:
            self._check_object(value, type_node, path, problems, kinds)

    def _check_object(self, value: dict, type_node: ET.Element, path: str,
                      problems: list[str], kinds) -> None:
        declared = self.fields(type_node)
        label = type_node.get("name", "(inline type)")
        for key, item in value.items():
            if key not in declared:
                problems.append(f"{path}.{key}: not declared in {label}")
            elif item is not None:
                self._check_value(item, self._type_of(declared[key]), f"{path}.{key}",
                                  problems, kinds)
            enum_name = DOCUMENTED_ENUMS.get((label, key))
            if enum_name and item not in self.enumeration(self.simple[enum_name]):
                problems.append(f"{path}.{key}: {item!r} is not an {enum_name} value")
            if (label, key) in ENTITY_NAMED and item not in self.entity_names():
                problems.append(f"{path}.{key}: {item!r} names no QuickBooks entity")

    @staticmethod
    def _check_builtin(value, kind, path: str, problems: list[str]) -> None:
        if kind is not None and not kind[1](value):
            problems.append(f"{path}: {value!r} is not {kind[0]}")
