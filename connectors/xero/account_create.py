"""Creating a clearing or fees account in Xero (Connector.create_account): a read of the chart
to choose a free Code (Xero requires one for every account but a bank account), then one PUT
/Accounts under the click's Idempotency-Key.

A clearing account is a CURRENT asset with EnablePaymentsToAccount, which Xero's Account schema
takes on create (no follow-up POST); a fees account is an EXPENSE. Only BANK accounts carry a
currency at Xero: every other account is in the organisation's base currency (reference §2.2),
so a clearing account in another currency is refused here, before any call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.base import LedgerAccount, NewAccount, Rejected
from connectors.xero import transformers

# role -> (Type, EnablePaymentsToAccount, the first Code tried): 6xx are current assets and
# 4xx overheads in Xero's default charts (610 is Accounts Receivable, 404 Bank Fees).
ACCOUNT_KINDS = {
    "clearing": ("CURRENT", True, 615),
    "fees": ("EXPENSE", False, 405),
}
NAME_LIMIT = 150  # Account.Name maxLength
CODE_LIMIT = 10
DESCRIPTION = "Created by Remit"


def account_request(account: NewAccount, base_currency: str, taken_codes: set[str]) -> dict:
    """The Account to send (xero-python's field names): Rejected, with no code (Remit refused
    before asking), for what Xero would refuse or could not keep in the account's currency."""
    if account.role not in ACCOUNT_KINDS:
        raise Rejected(f"Remit creates no {account.role!r} account.",
                       f"Remit can create a clearing or a fees account, not {account.role}.")
    name = account.name.strip()
    if not name or len(name) > NAME_LIMIT:
        raise Rejected("Xero would refuse that account name.",
                       f"An account name has 1 to {NAME_LIMIT} characters.")
    check_currency(account, base_currency)
    kind, payments, first_code = ACCOUNT_KINDS[account.role]
    fields: dict[str, Any] = {"code": free_code(taken_codes, first_code), "name": name,
                              "type": kind, "description": DESCRIPTION}
    if payments:
        fields["enable_payments_to_account"] = True
    return fields


def check_currency(account: NewAccount, base_currency: str) -> None:
    """A clearing account takes payments in its own currency, and only a BANK account can be in
    another currency than the base one: refused before any call."""
    if account.role == "clearing" and account.currency != base_currency:
        raise Rejected(
            f"Xero keeps a clearing (CURRENT) account in the base currency {base_currency}, "
            f"not {account.currency}.",
            f"Xero accounts other than bank accounts are in the organisation's base currency "
            f"({base_currency}): a clearing account can be created for {base_currency} only.")


def free_code(taken: set[str], first: int) -> str:
    """The first numeric Code from `first` up that no account (archived ones included) has."""
    code = first
    while str(code) in taken:
        code += 1
    if len(str(code)) > CODE_LIMIT:
        raise Rejected("No free account code.", "Every account code Remit tries is taken.")
    return str(code)


def create(account: NewAccount, base_currency: Callable[[], str],
           chart: Callable[[], list], write: Callable[[dict], Any]) -> LedgerAccount:
    """Two calls: the chart (`chart()`, raw Account models, for their Codes), then `write()`
    of the Account. A name or code already taken comes back as Xero's ValidationException,
    Rejected with that code and Xero's messages in `detail`."""
    base = base_currency()
    check_currency(account, base)
    taken = {str(model.code).upper() for model in chart() if getattr(model, "code", None)}
    created = write(account_request(account, base, taken))
    return transformers.ledger_account(created, base)
