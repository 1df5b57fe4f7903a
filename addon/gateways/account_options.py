"""A role's <option>s on the set-up form, built once per list of candidates and request and
reused: a large chart puts the same thousands of expense accounts in the fees and dispute-loss
lists of every currency, and rendering each option through the template (tens of thousands at
5,000 accounts) was most of the page's time. The markup is what the template wrote: the id as
value, `selected` on the chosen one, the name, and the type where the role shows it."""

from __future__ import annotations

import html

from flask import has_request_context, request
from markupsafe import Markup, escape

from addon.gateways.account_types import account_type_label
from connectors.base import LedgerAccount


def account_options(accounts: list[LedgerAccount], chosen: str | None,
                    typed: bool = True) -> Markup:
    """The options for `accounts`, `chosen` marked selected."""
    memo = request.environ.setdefault("remit.account_options", {}) \
        if has_request_context() else {}
    key = (tuple(account.id for account in accounts), typed)
    options = memo.get(key)
    if options is None:
        labels: dict[str | None, str] = {}
        options = memo[key] = "".join(_option(account, typed, labels) for account in accounts)
    if chosen:
        value = f'<option value="{escape(chosen)}">'
        options = options.replace(value, f'<option value="{escape(chosen)}" selected>', 1)
    return Markup(options)  # noqa: S704 (every value in it was escaped)


def _option(account: LedgerAccount, typed: bool, labels: dict[str | None, str]) -> str:
    """One option; html.escape (quotes included) is markupsafe's escaping without building
    a Markup object per value, which counted at tens of thousands of options."""
    name = html.escape(account.name)
    if typed:
        if account.account_type not in labels:
            labels[account.account_type] = html.escape(account_type_label(account.account_type))
        name = f"{name} · {labels[account.account_type]}"
    return f'<option value="{html.escape(account.id)}">{name}</option>'
