"""The reconciliation rows as CSV: the page's columns, headers in the page's language, amounts
as plain decimals (the currency in its own column) so a spreadsheet reads them as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask_babel import gettext as _

from addon.reconcile import words
from addon.reconcile.rows import PayoutRow


def headers() -> list[str]:
    return [_("Arrival date"), _("Payout"), _("Currency"), _("Gross"), _("Fees"),
            _("Refunds"), _("Disputes"), _("Other"), _("Net"), _("Ledger transaction"),
            _("Status"), _("Difference"), _("Details")]


def table(rows: list[PayoutRow], gateway_name: str) -> list[list[str]]:
    """One list of cells per payout, in headers() order."""
    lines = []
    for row in rows:
        def plain(amount: Decimal, currency: str = row.currency) -> str:
            return f"{amount} {currency}"

        lines.append([
            row.arrival_date.isoformat() if row.arrival_date else "", row.payout_id,
            row.currency, str(row.gross), str(row.fees), str(row.refunds), str(row.disputes),
            str(row.other), str(row.net), row.ledger_object_id or "",
            words.status(row, plain), str(row.difference),
            " ".join(words.finding(f, plain, gateway_name) for f in row.findings),
        ])
    return lines


def entry_headers() -> list[str]:
    return [_("Payout"), _("Balance entry"), _("Category"), _("Object"), _("Payment"),
            _("Currency"), _("Amount"), _("Fee"), _("Net"), _("Recorded by")]


def csv_text(rows: list[PayoutRow], gateway_name: str, entries: bool = False) -> str:
    """The rows; with `entries`, a second table below with one line per balance entry."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers())
    writer.writerows(table(rows, gateway_name))
    if entries:
        writer.writerow([])
        writer.writerow(entry_headers())
        for row in rows:
            for line in row.entries:
                recorded = "; ".join(f"{kind} {state}" + (f" {ids}" if ids else "")
                                     for kind, state, ids in line.answers)
                writer.writerow([row.payout_id, line.id, line.category, line.source_id or "",
                                 line.payment_id or "", row.currency, str(line.amount),
                                 str(line.fee), str(line.net), recorded])
    return out.getvalue()
