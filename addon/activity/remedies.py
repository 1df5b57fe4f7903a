"""What a bookkeeper can do about a posting Remit could not record: the refusal in their words
(addon/posting/refusals.py says which cause, this module words it), and the actions that make
sense for it — Retry, fix the gateway's accounts, record the payment as the customer's credit,
refund it in the gateway's dashboard, Ignore (after a confirmation) and Undo."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from addon.current import company_for_user, login_required
from addon.extensions import db
from addon.gateways.registry import GatewayNotConfigured, kind
from addon.jobs import post_task
from addon.models import Gateway, Posting, WorkStatus
from addon.posting import refusals, runner
from addon.posting.refusals import Cause, Remedy

from .views import bp

# Postings a bookkeeper may still act on; the others are settled (done) or name no invoice.
ACTIONABLE = (WorkStatus.FAILED, WorkStatus.PENDING)

# Per cause: what happened, then what to do. %(platform)s is the ledger's name, %(gateway)s
# the payment gateway's.
WORDS = {
    Cause.INVOICE_GONE: (
        _l("The invoice this payment was for no longer exists in %(platform)s."),
        _l("Record the money as the customer's credit, refund it in %(gateway)s, or restore "
           "the invoice and Retry.")),
    Cause.INVOICE_NOT_OPEN: (
        _l("The invoice this payment was for takes no payment in %(platform)s: it was "
           "voided or deleted, or it is not approved."),
        _l("Record the money as the customer's credit, refund it in %(gateway)s, or approve "
           "the invoice and Retry.")),
    Cause.INVOICE_PAID: (
        _l("The invoice was paid by other means meanwhile: it has less left to pay than this "
           "payment."),
        _l("Retry to apply what is still due and keep the rest as the customer's credit, "
           "record all of it as credit, or refund it in %(gateway)s.")),
    Cause.INVOICE_CURRENCY: (
        _l("The invoice is in another currency than the payment, so %(platform)s cannot "
           "apply one to the other."),
        _l("Refund the payment in %(gateway)s and send the customer a new pay-now link.")),
    Cause.ACCOUNT: (
        _l("An account this gateway records into cannot take the payment: it was deleted, "
           "made inactive or archived, or it is of another kind or currency."),
        _l("Choose another account in the gateway's settings, then Retry.")),
    Cause.REFERENCE: (
        _l("Something the payment names in %(platform)s, an account or the customer, was "
           "deleted or made inactive."),
        _l("Make it active again in %(platform)s, or choose another account in the "
           "gateway's settings, then Retry.")),
    Cause.CUSTOMER: (
        _l("The customer in %(platform)s was deleted or made inactive, or does not match "
           "the invoice."),
        _l("Make the customer active again in %(platform)s, then Retry.")),
    Cause.PERIOD_CLOSED: (
        _l("The books are closed in %(platform)s for the payment's date."),
        _l("Move the closing date (or lock date) in %(platform)s before the payment's date, "
           "then Retry.")),
    Cause.DUPLICATE: (
        _l("%(platform)s already has a document with the same number or name."),
        _l("Check in %(platform)s whether this was already recorded: if so, Ignore it; if "
           "not, renumber the other document, then Retry.")),
    Cause.BUSINESS_RULE: (
        _l("%(platform)s refused it under one of its accounting rules."),
        _l("Correct in %(platform)s what the details below point to, then Retry.")),
    Cause.UNREADABLE: (
        _l("%(platform)s answered in a way Remit could not read, so it may have been "
           "recorded."),
        _l("Look in %(platform)s: if it is there, Ignore it; if not, Retry (the same request "
           "is never recorded twice).")),
    Cause.OTHER: (
        _l("It could not be recorded as it stands."),
        _l("Correct what the details below point to, then Retry.")),
}


@dataclass(frozen=True)
class Problem:
    """A failed posting, worded for the page: the cause, what to do, the ledger's own words
    and code, and the remedies with the addresses they need."""

    refusal: refusals.Refusal
    what: str
    todo: str
    settings_url: str | None
    refund_url: str | None
    gateway_name: str

    @property
    def remedies(self) -> tuple[Remedy, ...]:
        """Remedies the page can offer: a link must have its address."""
        return tuple(r for r in self.refusal.remedies
                     if (r is not Remedy.REFUND or self.refund_url)
                     and (r is not Remedy.FIX_MAPPING or self.settings_url))


def problem_of(posting: Posting) -> Problem | None:
    """The worded problem of a failed posting; None for any other."""
    if posting.status is not WorkStatus.FAILED:
        return None
    refusal = refusals.explain(posting.kind, (posting.payload or {}).get("refusal"),
                               posting.error)
    gateway = db.session.get(Gateway, posting.gateway_id) if posting.gateway_id else None
    gateway_kind = kind(gateway.kind) if gateway is not None else None
    names = {"platform": gateway.company.ledger.display_name if gateway is not None else "",
             "gateway": gateway_kind.display_name if gateway_kind else ""}
    what, todo = WORDS[refusal.cause]
    return Problem(refusal=refusal, what=str(what) % names, todo=str(todo) % names,
                   settings_url=url_for("gateways.configure", gateway_id=gateway.id)
                   if gateway is not None else None,
                   refund_url=payment_page(posting) if posting.kind == "payment" else None,
                   gateway_name=names["gateway"])


def payment_page(posting: Posting) -> str | None:
    """The payment's page in its gateway's dashboard (where it is refunded); the stand-in's
    console in sandbox mode; None when the gateway offers none."""
    gateway = db.session.get(Gateway, posting.gateway_id) if posting.gateway_id else None
    gateway_kind = kind(gateway.kind) if gateway is not None else None
    if gateway_kind is None:
        return None
    if current_app.config["SANDBOX_MODE"]:
        return f"{current_app.config['SANDBOX_URL']}/{gateway.kind}/"
    try:
        return gateway_kind.build().dashboard_url(account_id=gateway.account_id,
                                                  source_id=posting.source_id,
                                                  livemode=gateway.livemode)
    except GatewayNotConfigured:
        return None


@bp.context_processor
def remedy_helpers() -> dict:
    """The partials _problem.html and _actions.html read a posting's problem through this,
    whatever else the page hands them."""
    return {"problem_of": problem_of, "Remedy": Remedy, "ACTIONABLE": ACTIONABLE}


@bp.get("/activity/postings/<int:posting_id>/ignore")
@login_required
def confirm_ignore(posting_id: int):
    """Ignore asks first (the page works without JavaScript): what it means, and that it can
    be undone."""
    posting = _actionable(posting_id)
    company = company_for_user(posting.company_id)
    return render_template("activity/confirm_ignore.html", posting=posting, company=company)


def act(posting: Posting, action: str) -> None:
    """Run one action on a posting its company's member asked for (views.act checks who)."""
    actions = {"retry": retry, "ignore": ignore, "undo": undo, "credit": credit}
    if action not in actions:
        abort(400)
    actions[action](posting)


def retry(posting: Posting) -> None:
    _require(posting.status in ACTIONABLE)
    posting.status, posting.error = WorkStatus.PENDING, None
    # A fresh set of attempts. The key is the one the runner left: a new generation's when
    # the ledger refused the last one, the same when it never answered.
    posting.attempts = 0
    db.session.commit()
    post_task(posting.id)
    flash(_("Remit is recording this payment again.") if posting.kind == "payment"
          else _("Remit is recording this again."), "success")


def ignore(posting: Posting) -> None:
    """Settle a posting without a ledger write, keeping what it was so Undo can restore it."""
    _require(posting.status in ACTIONABLE)
    posting.payload = {**(posting.payload or {}), "ignored_from": {
        "status": posting.status.value, "error": posting.error}}
    posting.status, posting.error = WorkStatus.IGNORED, None
    db.session.commit()
    said = (_("This payment will not be recorded by Remit.") if posting.kind == "payment"
            else _("Remit will not record this."))
    # The partial is rendered with autoescape on: its HTML is safe to flash as markup.
    flash(Markup(render_template("activity/_undo.html", posting=posting, said=said)),  # noqa: S704
          "success")


def undo(posting: Posting) -> None:
    """Put an ignored posting back as it was (failed with its reason, or pending again)."""
    before = (posting.payload or {}).get("ignored_from")
    _require(posting.status is WorkStatus.IGNORED and before is not None)
    posting.status, posting.error = WorkStatus(before["status"]), before["error"]
    posting.payload = {k: v for k, v in posting.payload.items() if k != "ignored_from"}
    db.session.commit()
    if posting.status is WorkStatus.PENDING:
        post_task(posting.id)
    flash(_("Undone: Remit will record this again.") if posting.status is WorkStatus.PENDING
          else _("Undone: it is back among the failures to resolve."), "success")


def credit(posting: Posting) -> None:
    """Post the whole payment as the customer's unapplied credit, under a new attempt
    generation (a new idempotency key: the ledger would replay the last answer for the old
    one). Pressed again while it is being or has been recorded, nothing more happens; the
    worker's own retries reuse the new key, so the ledger records it once."""
    if posting.kind == "payment" and (posting.payload or {}).get(runner.AS_CREDIT) \
            and posting.status in (WorkStatus.PENDING, WorkStatus.DONE):
        flash(_("This payment is already being recorded as the customer's credit."), "success")
        return
    problem = problem_of(posting)
    _require(problem is not None and Remedy.CREDIT in problem.refusal.remedies)
    posting.payload = {**posting.payload, runner.AS_CREDIT: True}
    runner.next_generation(posting)
    posting.status, posting.error, posting.attempts = WorkStatus.PENDING, None, 0
    db.session.commit()
    post_task(posting.id)
    flash(_("Remit is recording this payment as the customer's credit."), "success")


def _actionable(posting_id: int) -> Posting:
    posting = db.session.get(Posting, posting_id) or abort(404)
    company_for_user(posting.company_id)
    _require(posting.status in ACTIONABLE)
    return posting


def _require(condition: bool) -> None:
    """An action that does not apply to the posting as it stands (an unmatched payment names
    no invoice; a recorded one is settled) is a bad request."""
    if not condition:
        abort(400)
