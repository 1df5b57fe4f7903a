"""Reads what a reconciliation shows: a gateway's payout postings per currency, the postings
that answer for their entries, and the two balances (the ledger's clearing account, the
gateway's pending + available). The page, the CSV and `flask remit reconcile` share it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, tuple_

from addon.extensions import db
from addon.gateways.registry import GatewayNotConfigured, exponent, kind, provider
from addon.ledger import connector_for
from addon.models import Company, Gateway, Posting
from addon.money import from_minor
from addon.reconcile.rows import (
    PAYOUT,
    BalanceComparison,
    PayoutRow,
    PostingFacts,
    answering_keys,
    payout_rows,
)
from connectors.base import ConnectorError
from gateways.base import GatewayError

log = logging.getLogger(__name__)
CHUNK = 400  # (kind, source) pairs per query: well under every database's parameter limit


def facts(posting: Posting) -> PostingFacts:
    return PostingFacts(kind=posting.kind, source_id=posting.source_id,
                        status=str(posting.status), amount_minor=posting.amount_minor,
                        currency=posting.currency, ledger_object_id=posting.ledger_object_id,
                        error=posting.error, payload=posting.payload, order=posting.id)


def gateway_name(gateway: Gateway) -> str:
    gateway_kind = kind(gateway.kind)
    return gateway_kind.display_name if gateway_kind else gateway.kind


def currencies(gateway: Gateway) -> list[str]:
    """The gateway's currencies (its set-up rows) and any a payout was recorded in."""
    paid_out = db.session.scalars(
        select(Posting.currency).where(Posting.gateway_id == gateway.id,
                                       Posting.kind == PAYOUT).distinct())
    return sorted({row.currency for row in gateway.currencies} | set(paid_out))


def payouts(gateway: Gateway, currency: str) -> list[PostingFacts]:
    return [facts(p) for p in db.session.scalars(
        select(Posting).where(Posting.company_id == gateway.company_id,
                              Posting.gateway_id == gateway.id, Posting.kind == PAYOUT,
                              Posting.currency == currency))]


def answering(company_id: int, payout_facts: list[PostingFacts]) -> dict:
    """The company's postings answering for these payouts' entries, by (kind, source id)."""
    keys = sorted(answering_keys(payout_facts))
    found: dict = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        for posting in db.session.scalars(select(Posting).where(
                Posting.company_id == company_id,
                tuple_(Posting.kind, Posting.source_id).in_(chunk))):
            found[(posting.kind, posting.source_id)] = facts(posting)
    return found


def rows(gateway: Gateway, currency: str, since: date | None,
         payout_facts: list[PostingFacts] | None = None) -> list[PayoutRow]:
    payout_facts = payouts(gateway, currency) if payout_facts is None else payout_facts
    return payout_rows(payout_facts, answering(gateway.company_id, payout_facts),
                       lambda code: exponent(gateway.kind, code), since)


@dataclass(frozen=True)
class Balances:
    comparison: BalanceComparison
    ledger_problem: str | None  # why the ledger could not answer (for the page)
    gateway_problem: str | None


LEDGER_NO_ACCOUNT = "no_clearing_account"
UNREACHABLE = "unreachable"


def balances(company: Company, gateway: Gateway, currency: str) -> Balances:
    """Both balances, each None with the reason when its side cannot answer."""
    ledger, ledger_problem = _ledger_balance(company, gateway, currency)
    stripe, gateway_problem = _gateway_balance(gateway, currency)
    return Balances(BalanceComparison(ledger, stripe), ledger_problem, gateway_problem)


def _ledger_balance(company: Company, gateway: Gateway, currency: str):
    row = next((r for r in gateway.currencies if r.currency == currency), None)
    if row is None or not row.deposit_account_id:
        return None, LEDGER_NO_ACCOUNT
    try:
        return connector_for(company).account_balance(row.deposit_account_id), None
    except (ConnectorError, NotImplementedError) as failure:
        log.warning("clearing balance of company %s unreadable: %s", company.id,
                    type(failure).__name__)
        return None, UNREACHABLE


def _gateway_balance(gateway: Gateway, currency: str):
    if not gateway.account_id:
        return None, UNREACHABLE
    try:
        reported = provider(gateway.kind).balances(gateway.account_id)
    except (GatewayError, GatewayNotConfigured, NotImplementedError) as failure:
        log.warning("gateway balance of gateway %s unreadable: %s", gateway.id,
                    type(failure).__name__)
        return None, UNREACHABLE
    places = exponent(gateway.kind, currency)
    # The gateway lists the currencies its balance holds; one it does not list holds nothing.
    held = sum((b.available_minor + b.pending_minor for b in reported if b.currency == currency),
               0)
    return from_minor(held, currency, places), None
