"""The activity page: every payment Remit saw for the company and all that followed it (fees,
refunds, dispute steps, payouts and their reversals), what each wrote to the ledger in words a
bookkeeper reads, what it waits for and, when something failed, why — with Retry and Ignore.
Payments Remit did not ask for (no Remit checkout) are listed as unmatched, without either, and
so is what follows them. It also makes pay-now links."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from addon.accounts import cached_accounts
from addon.current import company_for_user, current_company, login_required
from addon.extensions import db
from addon.gateways.registry import GatewayNotConfigured, kind
from addon.models import Company, Gateway, Posting, WorkStatus
from addon.pay.views import pay_link
from addon.posting.writers import SETTLED_WITHOUT_WRITE

bp = Blueprint("activity", __name__)


@bp.get("/activity")
@login_required
def activity():
    company = current_company() or abort(404)
    postings = list(db.session.scalars(
        select(Posting).where(Posting.company_id == company.id)
        .order_by(Posting.created_at.desc()).limit(200)))
    link = None
    invoice_id = request.args.get("invoice", "").strip()
    if invoice_id:
        link = pay_link(company.id, invoice_id)
    names = {account.id: account.name for account in cached_accounts(company)}
    return render_template("activity/activity.html", company=company, postings=postings,
                           WorkStatus=WorkStatus, ledger_url=lambda p: _ledger_url(company, p),
                           gateway_link=_gateway_link, accounts=lambda p: _accounts(p, names),
                           isodate=date.fromisoformat,
                           settled_without_write=SETTLED_WITHOUT_WRITE,
                           pay_link=link, invoice_id=invoice_id)


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


def _ledger_url(company: Company, posting: Posting) -> str | None:
    """A deep link for a recorded payment (the descriptor knows the payment page only)."""
    if not posting.ledger_object_id or posting.kind != "payment":
        return None
    first = posting.ledger_object_id.split(",")[0]
    if current_app.config["SANDBOX_MODE"]:
        return f"{current_app.config['SANDBOX_URL']}/{company.ledger.key}/"
    return company.ledger.payment_url.format(id=first)


def _gateway_link(posting: Posting) -> tuple[str, str] | None:
    """The payment's page in its gateway's dashboard and the gateway's name, when the gateway
    offers one; the sandbox's console for that gateway in sandbox mode."""
    gateway = db.session.get(Gateway, posting.gateway_id) if posting.gateway_id else None
    gateway_kind = kind(gateway.kind) if gateway is not None else None
    if gateway_kind is None:
        return None
    if current_app.config["SANDBOX_MODE"]:
        return f"{current_app.config['SANDBOX_URL']}/{gateway.kind}/", gateway_kind.display_name
    try:
        url = gateway_kind.build().dashboard_url(account_id=gateway.account_id,
                                                 source_id=posting.source_id,
                                                 livemode=gateway.livemode)
    except GatewayNotConfigured:
        return None
    return (url, gateway_kind.display_name) if url else None
