"""Which postings one Activity page shows: a status filter, newest first, and keyset paging on
(created_at, id), so a page costs the same however far back it is and a posting recorded
meanwhile neither repeats nor hides a row. Pure query building; no Flask request here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select

from addon.extensions import db
from addon.models import Posting, WorkStatus

PAGE_SIZE = 50

# The filters, in the order the page offers them; None: every status.
FILTERS: dict[str, tuple[WorkStatus, ...] | None] = {
    "all": None,
    "attention": (WorkStatus.FAILED, WorkStatus.PENDING, WorkStatus.PROCESSING),
    "recorded": (WorkStatus.DONE,),
    "ignored": (WorkStatus.IGNORED,),
    "unmatched": (WorkStatus.UNMATCHED,),
}


@dataclass(frozen=True)
class Cursor:
    """A row's place in the newest-first order, written in the page's links."""

    created_at: datetime
    id: int

    def __str__(self) -> str:
        return f"{self.created_at.isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """None for a missing or malformed cursor (a hand-edited link shows the first page)."""
        if not text or "~" not in text:
            return None
        at, _sep, row_id = text.rpartition("~")
        try:
            created_at, row = datetime.fromisoformat(at), int(row_id)
        except ValueError:
            return None
        return cls(created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC), row)

    @classmethod
    def of(cls, posting: Posting) -> Cursor:
        return cls(posting.created_at, posting.id)


@dataclass(frozen=True)
class Page:
    postings: list[Posting]
    older: Cursor | None  # the link to the next older page, when there is one
    newer: Cursor | None  # the link to the next newer page, when there is one


def status_filter(name: str | None) -> str:
    return name if name in FILTERS else "all"


def page(company_id: int, status: str, before: Cursor | None = None,
         after: Cursor | None = None, size: int = PAGE_SIZE) -> Page:
    """Up to `size` postings older than `before` (or newer than `after`), newest first."""
    query = select(Posting).where(Posting.company_id == company_id)
    statuses = FILTERS[status_filter(status)]
    if statuses is not None:
        query = query.where(Posting.status.in_(statuses))
    if after is not None:
        newer = or_(Posting.created_at > after.created_at,
                    and_(Posting.created_at == after.created_at, Posting.id > after.id))
        rows = list(db.session.scalars(query.where(newer).order_by(
            Posting.created_at.asc(), Posting.id.asc()).limit(size + 1)))
        more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        return Page(rows, Cursor.of(rows[-1]) if rows else None,
                    Cursor.of(rows[0]) if rows and more_newer else None)
    if before is not None:
        query = query.where(or_(
            Posting.created_at < before.created_at,
            and_(Posting.created_at == before.created_at, Posting.id < before.id)))
    rows = list(db.session.scalars(query.order_by(
        Posting.created_at.desc(), Posting.id.desc()).limit(size + 1)))
    more_older = len(rows) > size
    rows = rows[:size]
    return Page(rows, Cursor.of(rows[-1]) if rows and more_older else None,
                Cursor.of(rows[0]) if rows and before is not None else None)


def counts(company_id: int) -> dict[str, int]:
    """How many postings each filter shows (one grouped query)."""
    by_status = dict(db.session.execute(
        select(Posting.status, func.count()).where(Posting.company_id == company_id)
        .group_by(Posting.status)).all())
    return {name: sum(n for status, n in by_status.items()
                      if statuses is None or status in statuses)
            for name, statuses in FILTERS.items()}
