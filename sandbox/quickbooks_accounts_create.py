"""Account create as QuickBooks Online does it (POST /v3/company/<realm>/account): Intuit's
checks, then the new Account in the company's chart, under `requestid` replays like every write
(the original answer again, faults included; reference quickbooks.md §2.2, §2.4, §2.9).

Refusals: an unknown property (2010), no Name or AccountType (2020), an AccountType outside
Finance.xsd's AccountTypeEnum, a name with `"` or `:` or over 100 characters, a CurrencyRef the
company has not enabled, or a foreign currency on an account QuickBooks keeps in the home
currency (income, expense, equity), and a name another account already has: 6240 "Duplicate
Name Exists Error". Wording marked [verify] is second-hand.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from sandbox import quickbooks_data as data
from sandbox import quickbooks_writes
from sandbox.quickbooks_entities import account, intuit_timestamp
from sandbox.quickbooks_payment_checks import (
    Fault,
    invalid,
    invalid_reference,
    missing,
    unsupported,
)

bp = Blueprint("accounts_create", __name__)

# Finance.xsd Account and its IntuitEntity base: anything else is refused.
ACCOUNT_FIELDS = frozenset({
    "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "domain", "status", "sparse",
    "Name", "SubAccount", "ParentRef", "Description", "FullyQualifiedName", "AccountAlias",
    "TxnLocationType", "Active", "Classification", "AccountType", "AccountSubType",
    "AccountPurposes", "AcctNum", "AcctNumExtn", "BankNum", "OpeningBalance",
    "OpeningBalanceDate", "CurrentBalance", "CurrentBalanceWithSubAccounts", "CurrencyRef",
    "TaxAccount", "TaxCodeRef", "OnlineBankingEnabled", "FIName", "JournalCodeRef",
    "AccountEx"})
# Finance.xsd AccountTypeEnum -> Classification.
CLASSIFICATIONS = {
    "Bank": "Asset", "Accounts Receivable": "Asset", "Other Current Asset": "Asset",
    "Fixed Asset": "Asset", "Other Asset": "Asset", "Accounts Payable": "Liability",
    "Credit Card": "Liability", "Other Current Liability": "Liability",
    "Long Term Liability": "Liability", "Equity": "Equity", "Income": "Revenue",
    "Cost of Goods Sold": "Expense", "Expense": "Expense", "Other Income": "Revenue",
    "Other Expense": "Expense", "Non-Posting": "Asset"}
# Income, expense and equity accounts are always in the home currency (reference §2.4).
HOME_ONLY = frozenset({"Equity", "Income", "Cost of Goods Sold", "Expense", "Other Income",
                       "Other Expense", "Non-Posting"})
NAME_LIMIT = 100
DUPLICATE = Fault("6240", "Duplicate Name Exists Error",
                  "The name supplied already exists. : Another account is already using this "
                  "name. Please use a different name.")  # [verify] the Detail's exact wording


@bp.post("/api/v3/company/<realm>/account")
def create_account(realm: str) -> Response:
    """Create an Account; a `requestid` answered before gets that answer again, running
    nothing. Updates (an Id in the body) are not part of the stand-in."""
    return quickbooks_writes.once(realm, lambda: quickbooks_writes.created(
        "Account", lambda: create(realm, request.get_data(as_text=True))))


def create(realm: str, body: str) -> dict:
    """Check an Account create body as Intuit does and add the account; raises Fault."""
    fields = _parsed(body)
    name, account_type = fields["Name"], fields["AccountType"]
    currency = _currency(realm, fields, account_type)
    company = data.COMPANIES[realm]
    if any(a["FullyQualifiedName"].casefold() == name.casefold() for a in company["Account"]):
        raise DUPLICATE  # inactive accounts keep their names too
    created = account(data.next_id(company["Account"]), name, account_type,
                      fields.get("AccountSubType") or "", currency,
                      created=intuit_timestamp())
    created["Classification"] = CLASSIFICATIONS[account_type]
    if fields.get("Description"):
        created["Description"] = fields["Description"]
    company["Account"].append(created)
    return created


def _parsed(body: str) -> dict:
    try:
        fields = json.loads(body)
    except ValueError:
        raise invalid("Account") from None
    if not isinstance(fields, dict):
        raise invalid("Account")
    for key in fields:
        if key not in ACCOUNT_FIELDS:
            raise unsupported(key, "Account")
    if fields.get("Id"):
        raise Fault("500", "Unsupported Operation",
                    "Operation Account update is not supported by Remit's sandbox")
    for required in ("Name", "AccountType"):
        if not fields.get(required):
            raise missing(required)
    if fields["AccountType"] not in CLASSIFICATIONS:  # [verify] Intuit's code for a bad enum
        raise Fault("2170", "Invalid Enumeration",
                    f"Invalid Enumeration : {fields['AccountType']}", element="AccountType")
    name = fields["Name"]
    if not isinstance(name, str) or len(name) > NAME_LIMIT or any(c in name for c in '":'):
        raise Fault("2050", "String length is either shorter or longer than supported by "
                    "specification",  # [verify] the fault for `"` or `:` in a name
                    f"Name: {NAME_LIMIT} characters at most, without double quotes or colons",
                    element="Name")
    return fields


def _currency(realm: str, fields: dict, account_type: str) -> str:
    """The account's currency: the home one unless CurrencyRef names another enabled one, on
    an account type that may hold a foreign currency."""
    home = data.home_currency(realm)
    wanted = (fields.get("CurrencyRef") or {}).get("value") or home
    if wanted not in data.enabled_currencies(realm):
        raise invalid_reference(f"Currency {wanted} is not enabled in this company")  # [verify]
    if wanted != home and account_type in HOME_ONLY:
        raise invalid_reference(  # [verify]
            f"Currency {wanted}: {account_type} accounts are in the home currency")
    return wanted
