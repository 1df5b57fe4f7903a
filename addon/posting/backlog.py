"""After an outage, the company's backlog moves as soon as its ledger answers again.

A posting the ledger could not take (503, a timeout) is retried on its own backoff: 10 s, 20 s,
40 s… up to minutes apart, so after a five-minute outage the backlog trickled back over many
more minutes (drill 4). When one of the company's postings is written, the ledger is evidently
back: the postings it left pending after an attempt are enqueued at once, and the shared budget
and write lock pace them. At most one process does this per company per WAKE_EVERY seconds (a
flag in the shared store), so a drain of many postings does not wake the same backlog over and
over; waking a posting twice is harmless (a task finds a recorded posting done and stops).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from addon.extensions import db
from addon.models import Company, Posting, WorkStatus
from addon.posting import budget, shared

WAKE_EVERY = 60.0
WAKE_AT_MOST = 500  # postings per wake; a larger backlog is woken again a minute later


def to_wake(company: Company) -> list[int]:
    """The company's postings left pending by a failed attempt, oldest first, when no process
    woke them within WAKE_EVERY seconds; else nothing."""
    if not shared.values.take(f"backlog-woken.{budget.tenant(company)}", uuid.uuid4().hex,
                              WAKE_EVERY):
        return []
    query = (select(Posting.id)
             .where(Posting.company_id == company.id, Posting.status == WorkStatus.PENDING,
                    Posting.attempts > 0)
             .order_by(Posting.id).limit(WAKE_AT_MOST))
    return list(db.session.scalars(query))
