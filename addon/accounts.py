"""The chart-of-accounts cache: fetched from the ledger on connect, on Refresh and every few
hours; every page reads accounts from here, making no platform call."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import delete, select

from addon.extensions import db
from addon.ledger import RULES, connector_for
from addon.models import AccountSnapshot, Company, ConnectionStatus, utcnow
from connectors.base import AuthError, LedgerAccount, Rejected, ScopeMissing

log = logging.getLogger(__name__)


def refresh_ledger(company_id: int) -> bool:
    """Re-read company info, currencies and accounts. True when the cache was replaced.

    A company that needs reconnecting waits (nothing is retried until it is reconnected);
    throttling and outages propagate so the task queue retries with backoff.
    """
    company = db.session.get(Company, company_id)
    if company is None or company.status is not ConnectionStatus.ACTIVE:
        return False
    try:
        connector = connector_for(company)
        info, currencies, accounts = (connector.company_info(), connector.currencies(),
                                      connector.accounts())
    except ScopeMissing:  # the grant lives; the banner asks for the scope (auth/grants.py)
        db.session.rollback()
        return False
    except AuthError:
        db.session.rollback()
        if company.connection is not None:
            company.connection.status = ConnectionStatus.NEEDS_RECONNECT
        db.session.commit()
        return False
    except Rejected as refused:
        company.accounts_error = refused.detail or str(refused)
        db.session.commit()
        return False
    _store(company, info, [c.code for c in currencies], accounts)
    return True


def _store(company: Company, info, currency_codes: list[str], accounts: list[LedgerAccount]):
    company.name = info.name
    company.home_currency = info.home_currency
    company.multicurrency = info.multicurrency
    company.country = info.country
    company.currencies = sorted(set(currency_codes) | {info.home_currency})
    db.session.execute(delete(AccountSnapshot).where(AccountSnapshot.company_id == company.id))
    fetched_at = utcnow()
    db.session.add_all(
        AccountSnapshot(
            company_id=company.id, external_id=a.id, name=a.name, account_type=a.account_type,
            account_subtype=a.account_subtype, currency=a.currency, active=a.active,
            payments_enabled=a.payments_enabled, system_account=a.system_account,
            fetched_at=fetched_at,
        )
        for a in accounts
    )
    company.accounts_fetched_at = fetched_at
    forget_cached_accounts(company.id)
    company.accounts_error = None
    db.session.commit()
    log.info("Cached %d accounts for company %s", len(accounts), company.id)


_COLUMNS = (AccountSnapshot.external_id, AccountSnapshot.name, AccountSnapshot.account_type,
            AccountSnapshot.account_subtype, AccountSnapshot.currency, AccountSnapshot.active,
            AccountSnapshot.payments_enabled, AccountSnapshot.system_account)


def cached_accounts(company: Company) -> list[LedgerAccount]:
    """The cached chart, read as plain rows (no ORM object per account: with 20,000 accounts
    building them was most of a page's time) and once per request: a page and its save ask
    for it several times."""
    memo = _memo()
    if company.id not in memo:
        rows = db.session.execute(
            select(*_COLUMNS).where(AccountSnapshot.company_id == company.id)
            .order_by(AccountSnapshot.name)
        )
        memo[company.id] = [
            LedgerAccount(id=r[0], name=r[1], account_type=r[2], account_subtype=r[3],
                          currency=r[4] or "", active=r[5], payments_enabled=r[6],
                          system_account=r[7])
            for r in rows
        ]
    return memo[company.id]


def account_names(company_id: int, account_ids: set[str]) -> dict[str, str]:
    """The cached names of a few accounts (id -> name), read without the rest of the chart."""
    if not account_ids:
        return {}
    return dict(db.session.execute(
        select(AccountSnapshot.external_id, AccountSnapshot.name)
        .where(AccountSnapshot.company_id == company_id,
               AccountSnapshot.external_id.in_(sorted(account_ids)))).all())


def forget_cached_accounts(company_id: int) -> None:
    _memo().pop(company_id, None)


def _memo() -> dict[int, list[LedgerAccount]]:
    """Per request, kept in the request's environ: `g` lives as long as the app context, which
    tests (and CLI commands) keep across many requests."""
    if not has_request_context():
        return {}
    return request.environ.setdefault("remit.cached_accounts", {})


@dataclass(frozen=True)
class CurrencyAccounts:
    """The accounts the role rules allow for one currency, from the cached chart."""

    code: str
    deposit: list[LedgerAccount]
    receivable: list[LedgerAccount]


def accounts_by_currency(company: Company, currencies: list[str]) -> dict[str, CurrencyAccounts]:
    """Deposit and receivable choices per currency, reading the cache once."""
    accounts, rules = cached_accounts(company), RULES[company.platform]
    return {
        code: CurrencyAccounts(code, [a for a in accounts if rules.is_deposit(a, code)],
                               [a for a in accounts if rules.is_receivable(a, code)])
        for code in currencies
    }
