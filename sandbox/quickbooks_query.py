"""The subset of Intuit's query language the stand-in understands, as pure functions.

    SELECT * FROM <Entity> [WHERE <condition> [AND <condition>] ...]
        [ORDERBY <field> [ASC|DESC]] [STARTPOSITION n] [MAXRESULTS n]

    <condition>: <field> = | < | > | <= | >= <value>,  <field> IN (<value>, ...),
                 <field> LIKE '<text with % wildcards>'

That is what python-quickbooks' `all()`, `filter()`, `where()` and `query()` send for the
queries Remit makes. Values are 'quoted strings' (\\' escapes a quote, \\\\ a backslash),
true/false or numbers; fields are top-level keys of the entity, a reference (CustomerRef)
compared by its `value` as at Intuit. `<`/`>` compare numbers as numbers (`Balance > '0'`) and
other values as text (ISO dates). LIKE knows only `%` (Intuit's documented wildcard; `_` is a
plain character) and matches regardless of case ([verify]: Intuit does not say). Anything
else (OR, COUNT(*), nested fields) is refused with Intuit's 4001 "Invalid query" fault rather
than answered wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DEFAULT_MAX_RESULTS = 100  # Intuit's default page
LIMIT_MAX_RESULTS = 1000  # Intuit's largest page
# Name lists, which hide inactive rows unless asked for them.
ACTIVE_BY_DEFAULT = frozenset({"Account", "CompanyCurrency", "Customer"})

_STATEMENT = re.compile(
    r"\s*SELECT\s+\*\s+FROM\s+(?P<entity>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+ORDERBY\s+(?P<order>\w+)(?:\s+(?P<direction>ASC|DESC))?)?"
    r"(?:\s+STARTPOSITION\s+(?P<start>-?\d+))?"
    r"(?:\s+MAXRESULTS\s+(?P<max>-?\d+))?\s*;?\s*",
    re.IGNORECASE | re.DOTALL,
)
_VALUE = r"'(?:[^'\\]|\\.)*'|true|false|-?\d+(?:\.\d+)?"
_CONDITION = re.compile(
    rf"\s*(?P<field>\w+)\s*(?:(?P<operator><=|>=|=|<|>)\s*(?P<value>{_VALUE})"
    rf"|\s+IN\s*\((?P<values>[^)]*)\)|\s+LIKE\s+(?P<pattern>'(?:[^'\\]|\\.)*'))\s*",
    re.IGNORECASE,
)
_AND = re.compile(r"AND\s+", re.IGNORECASE)


class QueryError(ValueError):
    """Answered as Intuit's 4001 fault; the message becomes its Detail."""


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str  # "=" (IN too: several allowed values), "<", ">", "<=", ">=" or "LIKE"
    values: tuple[object, ...]


@dataclass(frozen=True)
class Query:
    entity: str
    conditions: tuple[Condition, ...]
    start_position: int
    max_results: int
    order_by: str | None = None
    descending: bool = False


def parse(text: str) -> Query:
    match = _STATEMENT.fullmatch(text)
    if match is None:
        raise QueryError(f"Error parsing query: the sandbox cannot answer {text.strip()!r}")
    start = int(match["start"] or 1)
    max_results = min(int(match["max"] or DEFAULT_MAX_RESULTS), LIMIT_MAX_RESULTS)
    if start < 1 or max_results < 1:
        raise QueryError("STARTPOSITION and MAXRESULTS must be positive")
    where = match["where"]
    conditions = _conditions(where) if where else ()
    return Query(match["entity"], conditions, start, max_results, match["order"],
                 (match["direction"] or "").upper() == "DESC")


def _conditions(where: str) -> tuple[Condition, ...]:
    """Conditions joined by AND, read left to right so that an AND inside a quoted value
    stays part of the value."""
    found, position = [], 0
    while True:
        match = _CONDITION.match(where, position)
        if match is None:
            raise QueryError(f"Error parsing query: unsupported condition "
                             f"{where[position:].strip()!r}")
        found.append(_condition(match))
        position = match.end()
        if position == len(where):
            return tuple(found)
        joined = _AND.match(where, position)
        if joined is None:
            raise QueryError(f"Error parsing query: unexpected {where[position:].strip()!r}")
        position = joined.end()


def _condition(match: re.Match) -> Condition:
    if match["value"] is not None:
        return Condition(match["field"], match["operator"], (_literal(match["value"]),))
    if match["pattern"] is not None:
        return Condition(match["field"], "LIKE", (_literal(match["pattern"]),))
    items = [item.strip() for item in match["values"].split(",")]
    if not all(re.fullmatch(_VALUE, item, re.IGNORECASE) for item in items):
        raise QueryError(f"Error parsing query: unsupported IN list {match['values']!r}")
    return Condition(match["field"], "=", tuple(_literal(item) for item in items))


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
    if query.entity in ACTIVE_BY_DEFAULT and all(c.field != "Active" for c in conditions):
        conditions = (*conditions, Condition("Active", "=", (True,)))
    known = {key for row in rows for key in row}
    for field in [c.field for c in conditions] + ([query.order_by] if query.order_by else []):
        if rows and field not in known:
            raise QueryError(f"Error parsing query: property '{field}' is not queryable")
    matching = [row for row in rows
                if all(_matches(_plain(row.get(c.field)), c) for c in conditions)]
    if query.order_by:
        matching.sort(key=lambda row: _sort_key(_plain(row.get(query.order_by))),
                      reverse=query.descending)
    first = query.start_position - 1
    return matching[first:first + query.max_results]


def _plain(value: object) -> object:
    """A reference (`{"value": "1", "name": ...}`) is filtered by its id, as at Intuit."""
    return value.get("value") if isinstance(value, dict) else value


def _matches(value: object, condition: Condition) -> bool:
    if condition.operator == "LIKE":
        pattern = ".*".join(re.escape(part) for part in str(condition.values[0]).split("%"))
        return isinstance(value, str) and re.fullmatch(pattern, value, re.IGNORECASE) is not None
    if condition.operator != "=":
        return value is not None and not isinstance(value, bool) and _compare(
            value, condition.values[0], condition.operator)
    if isinstance(value, bool):
        return any(candidate is value for candidate in condition.values)
    return value is not None and any(
        not isinstance(candidate, bool) and str(candidate) == str(value)
        for candidate in condition.values
    )


def _compare(value: object, bound: object, operator: str) -> bool:
    left, right = _sort_key(value), _sort_key(bound)
    if type(left[1]) is not type(right[1]):
        raise QueryError(f"Error parsing query: cannot compare {value!r} with {bound!r}")
    return {"<": left < right, ">": left > right, "<=": left <= right,
            ">=": left >= right}[operator]


def _sort_key(value: object) -> tuple[int, object]:
    """Numbers as numbers, everything else (ISO dates, names) as text; missing values first."""
    if value is None:
        return (0, "")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return (2, str(value))
    return (1, number) if number.is_finite() else (2, str(value))
