"""The subset of Xero's `where` filter the stand-in understands: `Field=="text"`,
`Field==true|false` and `Field!=...`, joined by AND/&& and OR/|| with parentheses, e.g.
`Status=="ACTIVE" AND (Type=="BANK" OR EnablePaymentsToAccount==true)` (reference §2.2).
Anything else is refused (QueryError) rather than silently ignored, so nobody builds on a
filter the sandbox did not apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TOKEN = re.compile(r'\s*(?:(\()|(\))|(AND\b|&&)|(OR\b|\|\|)|'
                   r'(\w+)\s*(==|!=)\s*(?:"([^"]*)"|(true|false)\b))', re.IGNORECASE)

Test = Callable[[dict], bool]


class QueryError(ValueError):
    """The clause is outside the supported subset (or malformed)."""


def compile_where(clause: str) -> Test:
    tokens = _tokens(clause)
    test, rest = _or(tokens)
    if rest:
        raise QueryError(f"unexpected {rest[0][0]!r}")
    return test


def _tokens(clause: str) -> list[tuple]:
    tokens, position = [], 0
    while position < len(clause.rstrip()):
        match = TOKEN.match(clause, position)
        if match is None:
            raise QueryError(f"cannot parse {clause[position:]!r}")
        opening, closing, conjunction, disjunction, field, operator, text, flag = match.groups()
        kind = ("(" if opening else ")" if closing else "AND" if conjunction
                else "OR" if disjunction else "TEST")
        value = text if flag is None else flag.lower() == "true"
        tokens.append((kind, field, operator, value))
        position = match.end()
    return tokens


def _or(tokens: list[tuple]) -> tuple[Test, list[tuple]]:
    left, tokens = _and(tokens)
    while tokens and tokens[0][0] == "OR":
        right, tokens = _and(tokens[1:])
        left = (lambda a, b: lambda item: a(item) or b(item))(left, right)
    return left, tokens


def _and(tokens: list[tuple]) -> tuple[Test, list[tuple]]:
    left, tokens = _term(tokens)
    while tokens and tokens[0][0] == "AND":
        right, tokens = _term(tokens[1:])
        left = (lambda a, b: lambda item: a(item) and b(item))(left, right)
    return left, tokens


def _term(tokens: list[tuple]) -> tuple[Test, list[tuple]]:
    if not tokens:
        raise QueryError("the clause ends too early")
    kind, field, operator, value = tokens[0]
    if kind == "(":
        inner, rest = _or(tokens[1:])
        if not rest or rest[0][0] != ")":
            raise QueryError("missing )")
        return inner, rest[1:]
    if kind != "TEST":
        raise QueryError(f"unexpected {kind}")
    if operator == "==":
        return (lambda item: item.get(field) == value), tokens[1:]
    return (lambda item: item.get(field) != value), tokens[1:]
