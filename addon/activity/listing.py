"""Which postings one Activity page shows: a status filter, newest first, and keyset paging on
(created_at, id), so a page costs the same however far back it is and a posting recorded
meanwhile neither repeats nor hides a row. Pure query building; no Flask request here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select, union_all

from addon.extensions import db
from addon.models import Posting, WorkStatus

PAGE_SIZE = 50
# Each status is counted up to this many postings; beyond it a filter shows "1,000+".
COUNTED = 1000

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
class Count:
    """A filter's count: exact, or at least `n` (more=True, shown as "1,000+")."""

    n: int
    more: bool = False


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
    statuses = FILTERS[status_filter(status)]
    if after is not None:
        rows = _ordered(company_id, statuses, _newer(after), ascending=True, limit=size + 1)
        more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        return Page(rows, Cursor.of(rows[-1]) if rows else None,
                    Cursor.of(rows[0]) if rows and more_newer else None)
    bound = _older(before) if before is not None else None
    rows = _ordered(company_id, statuses, bound, ascending=False, limit=size + 1)
    more_older = len(rows) > size
    rows = rows[:size]
    return Page(rows, Cursor.of(rows[-1]) if rows and more_older else None,
                Cursor.of(rows[0]) if rows and before is not None else None)


def _older(cursor: Cursor):
    """Rows before the cursor. The first term bounds created_at on its own, so both databases
    start the index range there instead of walking every newer row to filter them out."""
    return and_(Posting.created_at <= cursor.created_at,
                or_(Posting.created_at < cursor.created_at, Posting.id < cursor.id))


def _newer(cursor: Cursor):
    return and_(Posting.created_at >= cursor.created_at,
                or_(Posting.created_at > cursor.created_at, Posting.id > cursor.id))


def _ordered(company_id: int, statuses: tuple[WorkStatus, ...] | None, bound,
             ascending: bool, limit: int) -> list[Posting]:
    """The first `limit` postings in (created_at, id) order. A filter of several statuses
    reads each status's newest rows from the (company_id, status, created_at, id) index and
    keeps the first `limit` of their union: a few short index ranges, however rare the status
    is among a million postings (one IN over the statuses would make the database gather every
    match and sort it, or walk the whole company's index to find rare ones)."""
    order = (Posting.created_at.asc(), Posting.id.asc()) if ascending \
        else (Posting.created_at.desc(), Posting.id.desc())
    query = select(Posting).where(Posting.company_id == company_id)
    if bound is not None:
        query = query.where(bound)
    if statuses is None or len(statuses) == 1:
        if statuses is not None:
            query = query.where(Posting.status == statuses[0])
        return list(db.session.scalars(query.order_by(*order).limit(limit)))
    ids = union_all(*(
        select(Posting.id).where(Posting.company_id == company_id, Posting.status == status,
                                 *([bound] if bound is not None else []))
        .order_by(*order).limit(limit).subquery().select()
        for status in statuses)).subquery()
    return list(db.session.scalars(
        select(Posting).where(Posting.id.in_(select(ids.c.id))).order_by(*order).limit(limit)))


def counts(company_id: int) -> dict[str, Count]:
    """How many postings each filter shows, each status counted up to COUNTED + 1 (one
    statement): exact up to COUNTED, else "more than COUNTED". Counting every posting of a
    company costs a scan of its million index entries on each view; a bounded count reads at
    most COUNTED + 1 entries per status, whatever the size, and stays true without a counter
    to keep in step with every path that changes a status."""
    bounded = [select(func.count()).select_from(
        select(Posting.id).where(Posting.company_id == company_id, Posting.status == status)
        .limit(COUNTED + 1).subquery()).scalar_subquery().label(status.value)
        for status in WorkStatus]
    found = db.session.execute(select(*bounded)).one()._mapping
    by_status = {WorkStatus(name): n for name, n in found.items()}
    result = {}
    for name, statuses in FILTERS.items():
        shown = [n for status, n in by_status.items() if statuses is None or status in statuses]
        more = any(n > COUNTED for n in shown)  # then the sum is at least COUNTED + 1
        result[name] = Count(COUNTED if more else sum(shown), more)
    return result
