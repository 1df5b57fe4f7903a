"""api.xero.com stand-in, reports (at /xero/api/api.xro/2.0): GET /Reports/TrialBalance, the
balances xero_books.py derives from everything the organisation holds, in Xero's ReportWithRows
shape (spec example of getReportTrialBalance): a Header row, then one Section per account class
whose Rows carry the account ("Name (Code)") and Debit, Credit, YTD Debit, YTD Credit cells,
each cell's Attributes naming the AccountID [verify: that the YTD columns hold balance-sheet
balances]. Amounts are in the base currency, as Xero's trial balance is. Balance-sheet and
profit-and-loss accounts alike carry their whole balance in both column pairs: the stand-in's
books hold one financial year. `date` and `paymentsOnly` are accepted and not applied (the
stand-in's limit): tests ask for today's balances.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint, Response

from sandbox import xero_api, xero_books
from sandbox.xero_seed import ms_date
from sandbox.xero_wire import envelope

bp = Blueprint("reports", __name__)
bp.before_request(xero_api.gate)
ACCOUNTING = xero_api.ACCOUNTING
SCOPES = frozenset({"accounting.reports.trialbalance.read", "accounting.reports.read"})
SECTIONS = (("Revenue", {"REVENUE"}), ("Expenses", {"EXPENSE"}), ("Assets", {"ASSET"}),
            ("Liabilities", {"LIABILITY"}), ("Equity", {"EQUITY"}))


@bp.get(f"{ACCOUNTING}/Reports/TrialBalance")
@xero_api.accounting(SCOPES)
def trial_balance(org: dict) -> Response:
    with xero_api.BOOKS:
        balances = xero_books.balances(org)
    now = datetime.now(UTC)
    header = {"RowType": "Header", "Cells": [{"Value": title} for title in (
        "Account", "Debit", "Credit", "YTD Debit", "YTD Credit")]}
    sections = [{"RowType": "Section", "Title": title,
                 "Rows": [_row(account, balances[account["AccountID"]])
                          for account in org["Accounts"]
                          if account.get("Class") in classes and account["Status"] != "DELETED"
                          and balances.get(account["AccountID"])]}
                for title, classes in SECTIONS]
    report = {"ReportName": "Trial Balance", "ReportType": "TrialBalance",
              "ReportTitles": ["Trial Balance", org["Organisation"]["Name"],
                               f"As at {now.day} {now:%B %Y}"],
              "ReportDate": f"{now.day} {now:%B %Y}", "UpdatedDateUTC": ms_date(now, offset=""),
              "Fields": [], "Rows": [header, *sections]}
    return envelope("Reports", [report])


def _row(account: dict, balance: Decimal) -> dict:
    """Debit balances in the debit columns, credit ones in the credit columns, "" elsewhere."""
    debit = f"{balance:.2f}" if balance > 0 else ""
    credit = f"{-balance:.2f}" if balance < 0 else ""
    name = f"{account['Name']} ({account['Code']})" if account.get("Code") else account["Name"]
    attributes = [{"Value": account["AccountID"], "Id": "account"}]
    return {"RowType": "Row", "Cells": [{"Value": value, "Attributes": attributes}
                                        for value in (name, debit, credit, debit, credit)]}
