"""Background tasks (Huey). Each runs in an app context and retries with backoff.

The database is the source of truth; these only do work it describes.
"""

from __future__ import annotations

from huey import crontab
from sqlalchemy import select

from addon.accounts import refresh_ledger
from addon.extensions import db
from addon.models import Company, ConnectionStatus, PlatformConnection
from addon.queue import app_periodic_task, app_task


@app_task()
def refresh_ledger_task(company_id: int) -> bool:
    """Re-read one company's currencies and chart of accounts into the cache."""
    return refresh_ledger(company_id)


@app_periodic_task(crontab(minute="17", hour="*/6"))
def refresh_all_ledgers() -> int:
    """Keep every connected company's cache fresh; the calls also keep refresh tokens alive."""
    query = (select(Company.id).join(PlatformConnection)
             .where(Company.disconnected_at.is_(None),
                    PlatformConnection.status == ConnectionStatus.ACTIVE))
    company_ids = list(db.session.scalars(query))
    for company_id in company_ids:
        refresh_ledger_task(company_id)
    return len(company_ids)
