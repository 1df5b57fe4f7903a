"""Which of a posting's accounts are bank accounts, from the cached chart (addon/accounts.py),
so the ledger need not read its chart before each fee, dispute step and payout (Xero books a
movement on a bank account as a bank transaction, any other as a manual journal).

Trusted because the set-up form validated each role's account against the same cache (refreshed
on connect, on Refresh and every six hours), and the runner's account re-validation for payments
already reads live. If it is stale, Xero refuses the write (a bank transaction on a non-BANK
account or with a line on a BANK one): a Rejected like any other, shown on Activity with Retry.
"""

from __future__ import annotations

from sqlalchemy import select

from addon.extensions import db
from addon.models import AccountSnapshot, Gateway
from addon.posting import roles

BANK_TYPE = "BANK"  # Xero's type; QuickBooks says "Bank"


def cached_bank_accounts(gateway: Gateway, currency: str, *account_roles: str
                         ) -> frozenset[str] | None:
    """The accounts of `account_roles` in `currency` that the cache calls bank accounts; None
    (the connector reads them itself) when one is not in the cache, or a bank account there is
    in another currency than the posting's (the connector's own check then says so)."""
    ids = {roles.account(gateway, currency, role) for role in account_roles}
    rows = db.session.scalars(select(AccountSnapshot).where(
        AccountSnapshot.company_id == gateway.company_id,
        AccountSnapshot.external_id.in_(ids))).all()
    if {row.external_id for row in rows} != ids:
        return None
    banks = [row for row in rows if (row.account_type or "").upper() == BANK_TYPE]
    if any(row.currency and row.currency != currency for row in banks):
        return None
    return frozenset(row.external_id for row in banks)
