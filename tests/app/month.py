"""A simulated month of Stripe money for one company, from its invoices to its bank: the driver
of tests/app/test_month.py and benchmarks/month.py.

Everything goes through the real path: invoices made in the ledger stand-in, paid on Remit's
pay page and the Stripe stand-in's Checkout (a payment for several invoices at once through the
Stripe stand-in's Checkout API with the metadata the pay page puts on a payment, since the pay
page takes one invoice), events signed and posted to Remit's webhook (reordered, duplicated and
held back by the stand-in's delivery scenario), refunds in Stripe's dashboard, disputes, daily
automatic payouts, the stand-in's clocks moved a day at a time and its exchange rates moving
with them. One seeded random.Random draws the whole month, so a seed replays it identically.

The ledger differs per platform (tests/app/month_books.py); the checks, computed from the
stand-ins' own state and never from Remit's, are in tests/app/month_checks.py.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from urllib.parse import urlsplit

import sandbox.stripe
from addon import money
from addon.extensions import db
from addon.models import Company, Gateway
from sandbox import stripe_balance, stripe_fx, stripe_payments
from tests.app.payment_flow import link_path

DAY = 24 * 3600
Patch = Callable[[object, str, object], None]  # monkeypatch.setattr's shape


@dataclass(frozen=True)
class Shape:
    """How big a month is; the defaults are the issue's."""

    days: int = 30
    singles: int = 200  # invoices paid in one payment
    partials: int = 40  # invoices paid in two payments (2 x 40 payments)
    multis: int = 20  # payments for two or three invoices at once
    dashboard_refunds: int = 5  # the same day, before the payment is paid out
    late_refunds: int = 5  # days later, after its payout
    disputes_won: int = 2
    disputes_lost: int = 2
    duplicate: float = 0.15  # each event sent twice with this probability
    delay: float = 0.1  # held back until the end of its day with this probability

    @property
    def payments(self) -> int:
        return self.singles + 2 * self.partials + self.multis


@dataclass
class Bill:
    """An invoice made for the month and what the month paid on it (independent of Remit)."""

    id: str
    currency: str
    total: Decimal
    paid: Decimal = Decimal(0)


@dataclass
class Payment:
    """One Stripe payment of the month: what the customer paid for which invoices."""

    intent_id: str
    currency: str
    amount: Decimal
    parts: tuple[tuple[str, Decimal], ...]
    day: int
    refunded_minor: int = 0
    disputed: bool = False


@dataclass
class Month:
    """What the month did, for the checks and the benchmark."""

    company: Company
    account_id: str
    settlement: str  # the Stripe account's settlement currency (upper case)
    bills: dict[str, Bill] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)
    refunds: list[str] = field(default_factory=list)
    disputes: dict[str, bool] = field(default_factory=dict)  # dp_ id -> won
    payouts: list[str] = field(default_factory=list)
    deliveries: int = 0
    sweeps: int = 0  # what the sweeps enqueued again
    balance_checks: list[tuple[int, Decimal, Decimal]] = field(default_factory=list)
    seconds: float = 0.0


class StandInClock:
    """One simulated time for whatever counts it: the Stripe stand-in's clocks (payments and
    balance; refunds and disputes read the payments' one), the Xero stand-in's API limits (60
    calls a minute), Remit's shared ledger call budget and the pay page (the
    Checkout Sessions it opens expire when Stripe's clock says: Stripe refuses an `expires_at`
    not 30 minutes to 24 hours after its now). A month of calls then spreads over a month,
    as it would, instead of a few real minutes."""

    def __init__(self, patch: Patch, start: float | None = None) -> None:
        import addon.pay.sessions
        import addon.pay.views
        from addon.posting import budget
        from sandbox import xero_api

        self.start = self.now = time.time() if start is None else start
        for module in (stripe_balance, stripe_payments, xero_api):
            patch(module, "clock", lambda: self.now)
        for module in (addon.pay.views, addon.pay.sessions):
            patch(module, "utcnow", self.utcnow)
        patch(budget, "now", lambda: self.now)

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(int(self.now), UTC)

    def at(self, day: int, hours: float) -> None:
        """Move to `hours` into day `day` of the month (never back)."""
        self.now = max(self.now, self.start + day * DAY + hours * 3600)


@contextmanager
def sqlite_without_fsync(engine):
    """The month commits a thousand times: on SQLite, each waits for the disk twice (the
    journal written, then deleted), most of the month's time on a busy machine. Durability is
    not what the month proves, so its SQLite connections skip both (PostgreSQL untouched)."""
    import sqlalchemy as sa

    def fast(connection, _record) -> None:
        if type(connection).__module__.startswith("sqlite3"):
            cursor = connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.close()

    if engine.dialect.name != "sqlite":
        yield
        return
    sa.event.listen(engine, "connect", fast)
    engine.dispose()
    try:
        yield
    finally:
        sa.event.remove(engine, "connect", fast)
        engine.dispose()


def deliver(client, deliveries) -> int:
    """Post what the stand-in sent (or held) to Remit's webhook, as Stripe would."""
    for each in deliveries:
        answer = client.post("/webhooks/stripe", data=each.payload, headers=each.headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return len(deliveries)


def run(client, books, patch: Patch, seed: int = 10, shape: Shape = Shape(),
        checks: Callable[[Month, int], None] | None = None) -> Month:
    """The month for `books` (a tests/app/month_books.py platform): set up, paid, refunded,
    disputed, paid out day by day, then everything paid out and the sweep run. `checks(month,
    day)` is called for each day once its events are in and its payout has reached the bank
    and been recorded (the next morning), and once more at the end (tests assert there)."""
    started = time.perf_counter()
    draw = random.Random(seed)
    clock = StandInClock(patch)
    company = books.set_up(client)
    gateway = db.session.query(Gateway).filter_by(company_id=company.id).one()
    month = Month(company, gateway.account_id, books.settlement)
    sandbox.stripe.set_delivery(sandbox.stripe.DeliveryScenario(
        seed=seed, reorder=True, duplicate=shape.duplicate, delay=shape.delay))
    plan = _plan(draw, books, shape)
    month.bills = {bill.id: bill for bill in books.new_invoices(company, plan.invoices)}
    bills_by_slot = list(month.bills.values())
    in_transit: list[str] = []
    for day in range(shape.days):
        clock.at(day, 7)
        _move_rates(draw, books, day)
        # Where a charge's balance transaction shows (reference §2.2): on charge.succeeded
        # (synchronous capture) on even days, on a later charge.updated on odd ones.
        sandbox.stripe.set_balance_scenario("updated" if day % 2 else "succeeded")
        for payout_id in in_transit:  # yesterday's payouts reach the bank
            sandbox.stripe.settle_payout(payout_id, "paid")
            month.deliveries += deliver(client, sandbox.stripe.last_events())
        in_transit = []
        if checks and day:  # yesterday's money all recorded, its payout too
            month.sweeps += sweep(patch)
            checks(month, day - 1)
        for index, slots in enumerate(plan.by_day[day]):  # customers pay from 8:00 to 18:00
            clock.at(day, 8 + 10 * index / len(plan.by_day[day]))
            month.payments.append(_pay(client, month, gateway, [
                (bills_by_slot[slot], share) for slot, share in slots], day))
        clock.at(day, 19)
        _refund_and_dispute(client, month, plan, day, draw)
        clock.at(day, 21)
        for made in sandbox.stripe.pay_out(month.account_id):
            month.payouts.append(made["id"])
            in_transit.append(made["id"])
        month.deliveries += deliver(client, sandbox.stripe.last_events())
        month.deliveries += deliver(client, sandbox.stripe.release_delayed())
        clock.at(day, 23)
        month.sweeps += sweep(patch)  # every five minutes in production: here twice a day
    clock.at(shape.days, 7)
    _close_the_month(client, month, in_transit, patch)
    if checks:
        checks(month, shape.days)
    month.seconds = time.perf_counter() - started
    return month


def _close_the_month(client, month: Month, in_transit: list[str], patch: Patch) -> None:
    """Every open dispute decided, every pending fund paid out and settled, every held event
    delivered, then the sweep (as if its period had passed)."""
    for payout_id in in_transit:
        sandbox.stripe.settle_payout(payout_id, "paid")
        month.deliveries += deliver(client, sandbox.stripe.last_events())
    for made in sandbox.stripe.pay_out(month.account_id, fast_forward=True):
        month.payouts.append(made["id"])
        month.deliveries += deliver(client, sandbox.stripe.last_events())
        sandbox.stripe.settle_payout(made["id"], "paid")
        month.deliveries += deliver(client, sandbox.stripe.last_events())
    month.deliveries += deliver(client, sandbox.stripe.release_delayed())
    month.sweeps += sweep(patch)


def sweep(patch: Patch) -> int:
    """The periodic sweep, run as if its staleness delay had passed."""
    from datetime import timedelta

    import addon.jobs
    from addon.models import utcnow

    patch(addon.jobs, "utcnow", lambda: utcnow() + timedelta(hours=1))
    try:
        return addon.jobs.sweep_pending_events.call_local()
    finally:
        patch(addon.jobs, "utcnow", utcnow)


# The plan -----------------------------------------------------------------------------------

@dataclass
class _Plan:
    invoices: list[tuple[str, Decimal]]  # (currency, total) per invoice slot
    by_day: list[list[list[tuple[int, Decimal | None]]]]  # day -> payments -> (slot, amount)
    refunds: dict[int, list[tuple[str, bool]]]  # day -> ("same-day" | "late", partial)
    disputes: dict[int, int]  # day opened -> day closed
    dispute_won: list[bool]


def _plan(draw: random.Random, books, shape: Shape) -> _Plan:
    """Which invoices exist, who pays what on which day, when refunds and disputes happen."""
    invoices: list[tuple[str, Decimal]] = []
    payments: list[list[tuple[int, Decimal | None]]] = []  # None: what is left

    def new_invoice(currency: str) -> int:
        invoices.append((currency, books.invoice_amount(draw, currency)))
        return len(invoices) - 1

    for _ in range(shape.singles):
        slot = new_invoice(books.pick_currency(draw))
        payments.append([(slot, invoices[slot][1])])
    partial_firsts = []
    for _ in range(shape.partials):
        slot = new_invoice(books.pick_currency(draw))
        currency, total = invoices[slot]
        first = _share(draw, total, currency)
        partial_firsts.append(len(payments))
        payments.append([(slot, first)])
    for _ in range(shape.multis):
        currency = books.pick_currency(draw)
        slots = [new_invoice(currency) for _ in range(draw.choice((2, 3)))]
        payments.append([(slot, invoices[slot][1]) for slot in slots])
    draw.shuffle(payments)
    per_day = -(-len(payments) // shape.days) if shape.days else len(payments)
    by_day = [payments[i * per_day:(i + 1) * per_day] for i in range(shape.days)]
    # The rest of each partly paid invoice, one to five days after its first part.
    for day, todays in enumerate(list(by_day)):
        for slots in todays:
            slot, amount = slots[0]
            if len(slots) == 1 and amount is not None and amount < invoices[slot][1]:
                later = min(shape.days - 1, day + draw.randint(1, 5))
                if later == day:
                    continue  # the last day: the invoice stays partly paid
                by_day[later].append([(slot, None)])
    refund_days = [("same-day", draw.randint(1, shape.days - 2))
                   for _ in range(shape.dashboard_refunds)]
    refund_days += [("late", draw.randint(6, shape.days - 2)) for _ in range(shape.late_refunds)]
    refunds: dict[int, list[tuple[str, bool]]] = {}
    for index, (when, day) in enumerate(refund_days):
        refunds.setdefault(day, []).append((when, index % 2 == 1))
    opened = sorted(draw.sample(range(4, shape.days - 8),
                                shape.disputes_won + shape.disputes_lost))
    won = [True] * shape.disputes_won + [False] * shape.disputes_lost
    draw.shuffle(won)
    return _Plan(invoices, by_day, refunds, {day: day + draw.randint(3, 7) for day in opened},
                 won)


def _share(draw: random.Random, total: Decimal, currency: str) -> Decimal:
    """A first part of `total`: 20 to 80 %, in whole steps the gateway accepts."""
    step = _step(currency)
    part = (total * Decimal(draw.randint(20, 80)) / 100).quantize(step, ROUND_DOWN)
    part -= part % step
    return max(step, part)


def _step(currency: str) -> Decimal:
    """The smallest amount Stripe charges in: a cent, a yen, ten fils (KWD's last digit 0)."""
    return {"JPY": Decimal(1), "KWD": Decimal("0.010")}.get(currency, Decimal("0.01"))


def _move_rates(draw: random.Random, books, day: int) -> None:
    """Every Monday the stand-in's rates move by up to 2 % either way (refunds and disputes
    convert at the rate of their own day)."""
    if day % 7:
        return
    settlement = books.settlement.lower()
    for currency in books.currencies:
        if currency == books.settlement:
            continue
        base = stripe_fx.rate(currency.lower(), settlement)
        moved = base * (1 + Decimal(draw.randint(-200, 200)) / 10000)
        sandbox.stripe.set_rate(currency.lower(), settlement, moved.quantize(
            Decimal(1).scaleb(moved.adjusted() - 5)))


# Paying -------------------------------------------------------------------------------------

def _pay(client, month: Month, gateway: Gateway,
         parts: list[tuple[Bill, Decimal | None]], day: int) -> Payment:
    """One payment: a single invoice on Remit's pay page, several through the Checkout API
    with the pay page's metadata; the card paid, the events delivered."""
    wanted = tuple((bill, bill.total - bill.paid if share is None else share)
                   for bill, share in parts)
    currency = wanted[0][0].currency
    if len(wanted) == 1:
        bill, amount = wanted[0]
        session_id = _pay_page(client, month.company, bill, amount)
    else:
        session_id = _checkout_for_several(month.company, gateway, wanted)
    sandbox.stripe.pay(session_id, sandbox.stripe.SUCCEEDING_CARD)
    sent = sandbox.stripe.last_events()
    intent_id = _intent_of(session_id, month.account_id)
    month.deliveries += deliver(client, sent)
    for bill, amount in wanted:
        bill.paid += amount
    return Payment(intent_id, currency, sum((a for _, a in wanted), Decimal(0)),
                   tuple((bill.id, amount) for bill, amount in wanted), day)


def _pay_page(client, company: Company, bill: Bill, amount: Decimal) -> str:
    answer = client.post(link_path(company, bill.id), data={"amount": str(amount)})
    assert answer.status_code == 303, (answer.status_code, bill, str(amount))
    return urlsplit(answer.headers["Location"]).path.rsplit("/", 1)[-1]


def _checkout_for_several(company: Company, gateway: Gateway,
                          wanted: tuple[tuple[Bill, Decimal], ...]) -> str:
    """What the pay page would ask Stripe for if it took several invoices of one customer:
    the same CheckoutRequest and metadata (gateways.base METADATA_*), through the add-on's
    Stripe provider to the stand-in's Checkout API."""
    import uuid

    from addon.gateways.registry import exponent, kind
    from addon.ledger import connector_for
    from gateways.base import CheckoutRequest, payment_metadata

    currency = wanted[0][0].currency
    places = exponent(gateway.kind, currency)
    customer = connector_for(company).invoice(wanted[0][0].id).customer_id
    total = sum((amount for _, amount in wanted), Decimal(0))
    session = kind(gateway.kind).build().create_checkout(CheckoutRequest(
        account_id=gateway.account_id, currency=currency,
        amount_minor=money.to_minor(total, currency, places),
        description="Invoices " + ", ".join(bill.id for bill, _ in wanted),
        customer_email=None,
        metadata=payment_metadata(company_id=company.id, gateway_id=gateway.id,
                                  customer_id=customer,
                                  invoices=[(bill.id, amount) for bill, amount in wanted]),
        success_url="http://127.0.0.1:5000/thanks", cancel_url="http://127.0.0.1:5000/",
        idempotency_key=f"month-{uuid.uuid4()}"))
    return session.id


def _intent_of(session_id: str, account_id: str) -> str:
    paid = stripe_payments.session(session_id, account_id)
    assert paid and paid["status"] == "complete", paid
    return paid["payment_intent"]


# Refunds and disputes -----------------------------------------------------------------------

def _refund_and_dispute(client, month: Month, plan: _Plan, day: int,
                        draw: random.Random) -> None:
    for when, partial in plan.refunds.get(day, []):
        candidates = [p for p in month.payments if not p.refunded_minor and not p.disputed
                      and (p.day == day if when == "same-day" else p.day <= day - 4)]
        if not candidates:
            continue
        chosen = draw.choice(candidates)
        minor = money.to_minor(chosen.amount, chosen.currency, _places(chosen.currency))
        asked = max(1, minor // 2) if partial else minor
        if chosen.currency == "KWD":
            asked -= asked % 10
        made = sandbox.stripe.refund(chosen.intent_id, asked)
        chosen.refunded_minor += asked
        month.refunds.append(made["id"])
        month.deliveries += deliver(client, sandbox.stripe.last_events())
    for opened, closes in plan.disputes.items():
        index = sorted(plan.disputes).index(opened)
        if day == opened:
            candidates = [p for p in month.payments if not p.refunded_minor and not p.disputed
                          and p.day <= day - 3]
            chosen = draw.choice(candidates)
            chosen.disputed = True
            made = sandbox.stripe.open_dispute(chosen.intent_id)
            month.disputes[made["id"]] = plan.dispute_won[index]
            month.deliveries += deliver(client, sandbox.stripe.last_events())
        if day == closes:
            dispute_id = list(month.disputes)[index]
            sandbox.stripe.close_dispute(dispute_id, month.disputes[dispute_id])
            month.deliveries += deliver(client, sandbox.stripe.last_events())


def _places(currency: str) -> int:
    from gateways.stripe.currencies import exponent

    return exponent(currency)
