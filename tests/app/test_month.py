"""A simulated month, one test per platform (issue 10, "The stand-in and the proof"): 300
payments in four currencies, partial and multi-invoice payments, 10 refunds (same day from the
dashboard, and after their payout), 4 disputes (2 won, 2 lost), daily payouts, events reordered,
duplicated and held back. Every day and at the end: the clearing account follows Stripe's
balance; each payout nets to zero in clearing; each invoice's balance is right to the minor
unit; every ledger transaction derives from one Stripe object, once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addon.extensions import db
from addon.models import Posting, WorkStatus
from tests.app import month as simulated
from tests.app.month_books import QuickBooksBooks, XeroBooks
from tests.app.month_checks import Matched, clearing_follows_stripe, invoice_errors

FINAL = (WorkStatus.DONE,)


def daily_check(books):
    def check(month, day):
        moved, stripe = clearing_follows_stripe(month, books)
        month.balance_checks.append((day, moved, stripe))
        if moved != stripe:
            pytest.fail(f"day {day}: clearing moved {moved}, Stripe holds {stripe} "
                        f"{month.settlement}; not done in Remit: {unfinished()}; "
                        f"{Matched(month, books).problems()}")
    return check


def unfinished() -> list[tuple]:
    """Remit's postings not done (what a failure message should show)."""
    db.session.expire_all()
    return [(p.kind, p.source_id, p.status.value, p.error)
            for p in db.session.scalars(select(Posting))
            if p.status not in FINAL and p.kind != "dispute_closed"]


@pytest.fixture
def quick_sqlite(app):
    with simulated.sqlite_without_fsync(db.engine):
        yield


@pytest.mark.parametrize("books", [QuickBooksBooks, XeroBooks], ids=["quickbooks", "xero"])
def test_a_simulated_month_reconciles_to_the_minor_unit(quick_sqlite, client, monkeypatch,
                                                       books):
    books = books()
    month = simulated.run(client, books, monkeypatch.setattr, checks=daily_check(books))

    assert len(month.payments) == simulated.Shape().payments
    assert len(month.refunds) == 10 and len(month.disputes) == 4
    assert sorted(month.disputes.values()) == [False, False, True, True]
    assert invoice_errors(month, books) == []
    moved, stripe = clearing_follows_stripe(month, books)
    assert (moved, stripe) == (0, 0)  # all paid out: clearing back to its opening balance
    assert Matched(month, books).problems() == []
    assert unfinished() == []
