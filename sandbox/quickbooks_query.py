"""The subset of Intuit's query language the stand-in understands, as pure functions.

    SELECT * FROM <Entity> [WHERE <field> = <value> [AND <field> IN (<value>, ...)] ...]
        [STARTPOSITION n] [MAXRESULTS n]

That is what python-quickbooks' `all()`, `filter()`, `where()` and `query()` send for the
queries Remit makes. Values are 'quoted strings' (\\' escapes a quote), true/false or numbers;
fields are top-level keys of the entity. Anything else (OR, LIKE, ORDERBY, COUNT(*), nested
fields) is refused with Intuit's 4001 "Invalid query" fault rather than answered wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_MAX_RESULTS = 100  # Intuit's default page
LIMIT_MAX_RESULTS = 1000  # Intuit's largest page
# Name lists, which hide inactive rows unless asked for them.
ACTIVE_BY_DEFAULT = frozenset({"Account", "CompanyCurrency", "Customer"})

_STATEMENT = re.compile(
    r"\s*SELECT\s+\*\s+FROM\s+(?P<entity>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+STARTPOSITION\s+(?P<start>-?\d+))?"
    r"(?:\s+MAXRESULTS\s+(?P<max>-?\d+))?\s*;?\s*",
    re.IGNORECASE | re.DOTALL,
)
_VALUE = r"'(?:[^'\\]|\\.)*'|true|false|-?\d+(?:\.\d+)?"
_CONDITION = re.compile(
    rf"\s*(?P<field>\w+)\s*(?:=\s*(?P<value>{_VALUE})|\s+IN\s*\((?P<values>[^)]*)\))\s*",
    re.IGNORECASE,
)
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)


class QueryError(ValueError):
    """Answered as Intuit's 4001 fault; the message becomes its Detail."""


@dataclass(frozen=True)
class Query:
    entity: str
    conditions: tuple[tuple[str, tuple[object, ...]], ...]  # field, allowed values
    start_position: int
    max_results: int


def parse(text: str) -> Query:
    match = _STATEMENT.fullmatch(text)
    if match is None:
        raise QueryError(f"Error parsing query: the sandbox cannot answer {text.strip()!r}")
    start = int(match["start"] or 1)
    max_results = min(int(match["max"] or DEFAULT_MAX_RESULTS), LIMIT_MAX_RESULTS)
    if start < 1 or max_results < 1:
        raise QueryError("STARTPOSITION and MAXRESULTS must be positive")
    where = match["where"]
    conditions = tuple(_condition(part) for part in _AND.split(where)) if where else ()
    return Query(match["entity"], conditions, start, max_results)


def _condition(text: str) -> tuple[str, tuple[object, ...]]:
    match = _CONDITION.fullmatch(text)
    if match is None:
        raise QueryError(f"Error parsing query: unsupported condition {text.strip()!r}")
    if match["value"] is not None:
        return match["field"], (_literal(match["value"]),)
    items = [item.strip() for item in match["values"].split(",")]
    if not all(re.fullmatch(_VALUE, item, re.IGNORECASE) for item in items):
        raise QueryError(f"Error parsing query: unsupported IN list {match['values']!r}")
    return match["field"], tuple(_literal(item) for item in items)


def _literal(text: str) -> object:
    if text.startswith("'"):
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text  # numbers compare as text: Intuit ids and amounts are sent as such


def run(query: Query, rows: list[dict]) -> list[dict]:
    """The page of `rows` the query selects. Like Intuit, name lists (Account, CompanyCurrency,
    Customer) answer only active entities unless the query says otherwise
    (`Active IN (true, false)`). An unknown field is a QueryError, as at Intuit."""
    conditions = query.conditions
    if query.entity in ACTIVE_BY_DEFAULT and all(field != "Active" for field, _ in conditions):
        conditions = (*conditions, ("Active", (True,)))
    known = {key for row in rows for key in row}
    for field, _ in conditions:
        if rows and field not in known:
            raise QueryError(f"Error parsing query: property '{field}' is not queryable")
    matching = [row for row in rows
                if all(_matches(row.get(field), values) for field, values in conditions)]
    first = query.start_position - 1
    return matching[first:first + query.max_results]


def _matches(value: object, allowed: tuple[object, ...]) -> bool:
    if isinstance(value, bool):
        return any(candidate is value for candidate in allowed)
    return value is not None and any(
        not isinstance(candidate, bool) and str(candidate) == str(value) for candidate in allowed
    )
