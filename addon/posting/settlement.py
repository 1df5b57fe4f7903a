"""Where a payment's money lands and at which rate (design.md, FX policy).

A payment in the gateway account's default currency settles in it: recorded as always. In any
other currency P, its balance entry decides (from a charge event seen earlier, else one read of
the gateway, kept in the payment's payload and handed to the fee posting, so no second read):
settled in P, as always; settled in the ledger's home currency S, recorded in P into S's
clearing account at Stripe's own rate (settlement / presentment, 12 places), so the ledger's
rounding gives back Stripe's settled amount and the ledger books the realised gain or loss
against the invoice's rate itself; settled elsewhere, the payment waits (not supported yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from addon.extensions import db
from addon.gateways.registry import kind as gateway_kind
from addon.models import Gateway, Posting, WorkStatus
from addon.posting import builders
from addon.posting.waiting import Waiting
from gateways.base import BalanceEntry


@dataclass(frozen=True)
class Terms:
    """The currency whose clearing account receives the payment, and Stripe's rate (home per
    payment currency) when it converted; None: the invoice's rate, as before."""

    deposit_currency: str
    exchange_rate: Decimal | None = None


def payment_terms(posting: Posting, gateway: Gateway, provider=None) -> Terms:
    """Terms for a payment posting; Waiting while its settlement is unknown or unsupported.
    May read the gateway once (GatewayError propagates) and commits what it read."""
    currency = posting.currency
    default = (gateway.account_default_currency or "").upper()
    if not default or currency == default:
        return Terms(currency)
    entry = settlement_entry(posting, gateway, provider)
    if entry.currency == currency:
        return Terms(currency)
    home = gateway.company.home_currency
    if entry.currency != home:
        raise Waiting("fx_unsupported",
                      f"Stripe settled this {currency} payment in {entry.currency}, which is "
                      f"not the ledger's home currency {home}: Remit cannot record that yet.",
                      currency=currency, settlement=entry.currency, home=home)
    exponents = {c: gateway_kind(gateway.kind).exponent(c) for c in (currency, entry.currency)}
    rate = builders.settlement_rate(posting.amount_minor, currency, entry.amount_minor,
                                    entry.currency, exponents)
    return Terms(entry.currency, rate)


def settlement_entry(posting: Posting, gateway: Gateway, provider=None) -> BalanceEntry:
    stored = (posting.payload or {}).get("settlement")
    if stored:
        return BalanceEntry.from_payload(stored)
    provider = provider or gateway_kind(gateway.kind).build()
    entry = provider.payment_settlement(gateway.account_id, posting.source_id)
    if entry is None:
        raise Waiting("settlement", f"Waiting for Stripe to settle payment {posting.source_id} "
                      "(its conversion rate is not known yet).", payment_id=posting.source_id)
    posting.payload = {**posting.payload, "settlement": entry.as_payload()}
    db.session.commit()
    _give_to_fee(posting, gateway, entry)
    return entry


def _give_to_fee(payment: Posting, gateway: Gateway, entry: BalanceEntry) -> None:
    """The entry just read is the fee's too: claim (or complete) the fee posting with it, so
    recording the fee needs no second read."""
    from addon.posting.claims import claim_fee  # claims imports the runner, which imports us

    claim_fee(gateway, None, payment.source_id, entry.source_id, entry.id, entry.as_payload(),
              WorkStatus.PENDING)
