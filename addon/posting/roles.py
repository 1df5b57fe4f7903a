"""Which ledger account plays each role for a gateway currency, as the set-up form promises:
a currency row without a fees account takes the first currency's (one fees account for all),
and dispute losses default to the fees account. A role not set makes the posting wait with a
reason naming the currency and the role (no ledger call is made to find out)."""

from __future__ import annotations

from addon.models import Gateway, GatewayCurrency
from addon.posting.waiting import role_missing


def row(gateway: Gateway, currency: str) -> GatewayCurrency | None:
    return next((r for r in gateway.currencies if r.currency == currency), None)


def account(gateway: Gateway, currency: str, role: str) -> str:
    """The account id for `role` ("deposit", "settlement", "fees", "dispute_losses") in
    `currency`; Waiting when it is not set."""
    found = row(gateway, currency)
    chosen = getattr(found, f"{role}_account_id", None) if found is not None else None
    if not chosen and role == "dispute_losses":
        return account(gateway, currency, "fees")
    if not chosen and role == "fees" and found is not None:
        chosen = next((r.fees_account_id for r in gateway.currencies if r.fees_account_id),
                      None)
    if not chosen:
        raise role_missing(currency, role)
    return chosen
