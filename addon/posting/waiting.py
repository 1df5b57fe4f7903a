"""A posting that cannot be written yet waits, visibly, and is woken when what it waits for is
done (and by the sweep). Waiting costs no ledger attempt, so the sweep never gives up on a
posting only because another has not been recorded yet.

The reason is kept twice: in English in `posting.error` (logs, the Reconciliation page) and as
a code with its values in `payload["waiting"]`, which Activity words in the reader's language.
"""

from __future__ import annotations

from sqlalchemy import select

from addon.extensions import db
from addon.models import Posting, WorkStatus

ROLE_NAMES = {"deposit": "deposit (clearing) account", "settlement": "settlement bank",
              "fees": "fees account", "dispute_losses": "dispute losses account"}


class Waiting(Exception):
    """Not yet: `code` and `values` say why (for Activity), `waiting_for` the postings whose
    completion should wake this one."""

    def __init__(self, code: str, english: str, waiting_for: tuple[int, ...] = (),
                 **values) -> None:
        super().__init__(english)
        self.code, self.values, self.waiting_for = code, values, tuple(waiting_for)


class NothingToWrite(Exception):
    """The posting is settled without a ledger write (a zero fee, a payout or refund that failed
    before it was recorded); `str()` says why, `status` is what it becomes."""

    def __init__(self, english: str, status: WorkStatus = WorkStatus.DONE) -> None:
        super().__init__(english)
        self.status = status


def role_missing(currency: str, role: str) -> Waiting:
    return Waiting("role", f"Set the {ROLE_NAMES[role]} for {currency} on the gateway.",
                   currency=currency, role=role)


def payment_not_posted(payment: Posting) -> Waiting:
    return Waiting("payment", f"Waiting for payment {payment.source_id} to be recorded.",
                   waiting_for=(payment.id,), payment_id=payment.source_id)


def mark(posting: Posting, waiting: Waiting) -> None:
    """Store the reason on the posting (pending); the caller commits."""
    posting.status, posting.error = WorkStatus.PENDING, str(waiting)
    posting.payload = {**(posting.payload or {}),
                       "waiting": {"code": waiting.code, **waiting.values},
                       "waiting_for": list(waiting.waiting_for)}


def clear(posting: Posting) -> None:
    if posting.payload and ("waiting" in posting.payload or "waiting_for" in posting.payload):
        posting.payload = {k: v for k, v in posting.payload.items()
                           if k not in ("waiting", "waiting_for")}


def woken_by(done: Posting) -> list[int]:
    """Pending postings of the company that waited for `done` and now have all they waited
    for: each is enqueued once, when its last awaited posting is recorded."""
    candidates = db.session.scalars(select(Posting).where(
        Posting.company_id == done.company_id, Posting.status == WorkStatus.PENDING,
        Posting.id != done.id)).all()
    waiting = [p for p in candidates if done.id in (p.payload or {}).get("waiting_for", ())]
    if not waiting:
        return []
    awaited = {i for p in waiting for i in p.payload["waiting_for"]}
    settled = set(db.session.scalars(select(Posting.id).where(
        Posting.id.in_(awaited), Posting.status == WorkStatus.DONE)))
    return [p.id for p in waiting if set(p.payload["waiting_for"]) <= settled]
