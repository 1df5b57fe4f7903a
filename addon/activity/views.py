"""The activity page: every payment Remit saw for the company and all that followed it (fees,
refunds, dispute steps, payouts and their reversals), what each wrote to the ledger in words a
bookkeeper reads, what it waits for and, when something failed, why — with Retry and Ignore.
Payments Remit did not ask for (no Remit checkout) are listed as unmatched, without either, and
so is what follows them. Filtered by status, newest first, 50 to a page (listing.py); each row
in the bookkeeper's terms (rows.py). Pay-now links are made on their own page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from addon.accounts import account_names
from addon.activity import listing, rows
from addon.current import company_for_user, current_company, login_required
from addon.extensions import db
from addon.models import Gateway, GatewayCurrency, Posting, WorkStatus
from addon.posting.writers import SETTLED_WITHOUT_WRITE

bp = Blueprint("activity", __name__)
FILTER_LABELS = {"all": _l("All"), "attention": _l("Needs attention"),
                 "recorded": _l("Recorded"), "ignored": _l("Ignored"),
                 "unmatched": _l("Unmatched")}


@bp.get("/activity")
@login_required
def activity():
    company = current_company() or abort(404)
    status = listing.status_filter(request.args.get("status"))
    shown = listing.page(company.id, status,
                         before=listing.Cursor.parse(request.args.get("before")),
                         after=listing.Cursor.parse(request.args.get("after")))
    # Held for the whole render: each row's gateway then comes from the session's identity
    # map (which holds objects only while referenced) instead of one query per row.
    gateways = _gateways(company.id)
    # Rows name the accounts their gateway maps, a handful: reading the whole chart for them
    # cost more than the page itself at 20,000 accounts.
    names = account_names(company.id, {account_id for gateway in gateways
                                       for row in gateway.currencies
                                       for account_id in _mapped(row) if account_id})
    return render_template("activity/activity.html", company=company, page=shown,
                           rows=rows.rows(company, shown.postings), status=status,
                           filters=FILTER_LABELS, counts=listing.counts(company.id),
                           WorkStatus=WorkStatus, accounts=lambda p: _accounts(p, names),
                           isodate=date.fromisoformat,
                           settled_without_write=SETTLED_WITHOUT_WRITE, gateways=gateways)


def _mapped(row: GatewayCurrency) -> tuple[str | None, ...]:
    return (row.deposit_account_id, row.settlement_account_id, row.fees_account_id,
            row.dispute_losses_account_id)


def _gateways(company_id: int) -> list[Gateway]:
    return list(db.session.scalars(select(Gateway).options(selectinload(Gateway.currencies))
                                   .where(Gateway.company_id == company_id)))


@bp.post("/activity/postings/<int:posting_id>/<action>")
@login_required
def act(posting_id: int, action: str):
    """Retry, Ignore (asked first: remedies.confirm_ignore), Undo, or record as credit."""
    from addon.activity import remedies  # it attaches its own routes to this blueprint

    posting = db.session.get(Posting, posting_id, with_for_update=True) or abort(404)
    company_for_user(posting.company_id)
    remedies.act(posting, action)
    return redirect(url_for("activity.activity"))


def _accounts(posting: Posting, names: dict[str, str]) -> dict[str, str]:
    """The name of each account the posting moves money between, by role, as set on the
    gateway for the currency it moved in ("—" for a role not set)."""
    gateway = db.session.get(Gateway, posting.gateway_id) if posting.gateway_id else None
    entry = (posting.payload or {}).get("entry") or {}
    currency = entry.get("currency") or posting.currency
    row = next((r for r in gateway.currencies if r.currency == currency), None) \
        if gateway is not None else None
    first_fees = next((r.fees_account_id for r in gateway.currencies if r.fees_account_id),
                      None) if gateway is not None else None
    ids = {"clearing": row.deposit_account_id if row else None,
           "bank": row.settlement_account_id if row else None,
           "fees": (row.fees_account_id if row else None) or first_fees}
    ids["losses"] = (row.dispute_losses_account_id if row else None) or ids["fees"]
    return {role: names.get(account_id, account_id) if account_id else "—"
            for role, account_id in ids.items()}
