"""Creating a clearing or fees account in QuickBooks (Connector.create_account): one POST
/account under the click's `requestid`, checked first against what Intuit refuses.

A clearing account is an Other Current Asset in the payments' currency (Payment and Deposit take
it as DepositToAccountRef, reference §2.3); a fees account is an Expense, which QuickBooks keeps
in the home currency whatever the currency of the fees booked to it (reference §2.4), so it is
sent without a CurrencyRef.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from connectors.base import LedgerAccount, NewAccount, Rejected
from connectors.quickbooks import const, transformers
from connectors.quickbooks.client import QuickBooksClient

T = TypeVar("T")

# role -> (AccountType, AccountSubType), Finance.xsd AccountTypeEnum and its sub-types.
ACCOUNT_KINDS = {
    "clearing": ("Other Current Asset", "OtherCurrentAssets"),
    "fees": ("Expense", "BankCharges"),
}
NAME_LIMIT = 100  # Account.Name (reference §2.2)
FORBIDDEN_IN_NAMES = ('"', ":")  # Intuit refuses both in an account name (":" nests accounts)
DESCRIPTION = "Created by Remit"


def account_request(account: NewAccount) -> dict:
    """The Account create body, exactly: Rejected (no code: Remit refused before asking) for
    a role or a name Intuit would refuse."""
    if account.role not in ACCOUNT_KINDS:
        raise Rejected(f"Remit creates no {account.role!r} account.",
                       f"Remit can create a clearing or a fees account, not {account.role}.")
    name = account.name.strip()
    if not name or len(name) > NAME_LIMIT or any(c in name for c in FORBIDDEN_IN_NAMES):
        raise Rejected("QuickBooks would refuse that account name.",
                       f"An account name has 1 to {NAME_LIMIT} characters, without \" or :.")
    if len(account.idempotency_key) > const.REQUEST_ID_LIMIT:
        raise ValueError(f"requestid is limited to {const.REQUEST_ID_LIMIT} characters")
    account_type, subtype = ACCOUNT_KINDS[account.role]
    fields: dict[str, Any] = {"Name": name, "AccountType": account_type,
                              "AccountSubType": subtype, "Description": DESCRIPTION}
    if account.role == "clearing":
        fields["CurrencyRef"] = {"value": account.currency}
    return fields


def create(call: Callable[[Callable[[QuickBooksClient], T]], T], account: NewAccount,
           home_currency: Callable[[], str]) -> LedgerAccount:
    """One write (and a Preferences read only when Intuit answers without a CurrencyRef and
    the home currency is not known yet). Intuit's refusals come back as Rejected with its
    fault code: 6240 for a name already taken."""
    fields = account_request(account)
    saved = call(partial(QuickBooksClient.create_account, fields=fields,
                         request_id=account.idempotency_key or None))
    home = None if transformers.has_currency(saved) else home_currency()
    return transformers.ledger_account(saved, home)
