"""The activity page: every payment Remit saw for the company, what it wrote to the ledger and,
when something failed, why — with Retry and Ignore. Payments Remit did not ask for (no Remit
checkout) are listed as unmatched, without either. It also makes pay-now links."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from addon.current import company_for_user, current_company, login_required
from addon.extensions import db
from addon.gateways.registry import GatewayNotConfigured, kind
from addon.jobs import post_task
from addon.models import Company, Gateway, Posting, WorkStatus
from addon.pay.views import pay_link

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
    return render_template("activity/activity.html", company=company, postings=postings,
                           WorkStatus=WorkStatus, ledger_url=lambda p: _ledger_url(company, p),
                           gateway_link=_gateway_link,
                           pay_link=link, invoice_id=invoice_id)


@bp.post("/activity/postings/<int:posting_id>/<action>")
@login_required
def act(posting_id: int, action: str):
    posting = db.session.get(Posting, posting_id) or abort(404)
    company_for_user(posting.company_id)
    if action not in ("retry", "ignore") or posting.status in (WorkStatus.DONE,
                                                                WorkStatus.UNMATCHED):
        abort(400)  # an unmatched payment names no invoice: there is nothing to post
    posting.status = WorkStatus.PENDING if action == "retry" else WorkStatus.IGNORED
    posting.error = None
    if action == "retry":
        # A fresh set of attempts. The key is the one the runner left: a new generation's when
        # the ledger refused the last one, the same when it never answered.
        posting.attempts = 0
    db.session.commit()
    if action == "retry":
        post_task(posting.id)
        flash(_("Remit is recording this payment again."), "success")
    else:
        flash(_("This payment will not be recorded by Remit."), "success")
    return redirect(url_for("activity.activity"))


def _ledger_url(company: Company, posting: Posting) -> str | None:
    if not posting.ledger_object_id:
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
