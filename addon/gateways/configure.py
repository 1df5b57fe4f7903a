"""Set up, edit and remove a gateway: description, currencies, and per currency the deposit and
receivable accounts and the payout roles (settlement bank, fees, dispute losses), all checked on
the server against the cached chart of accounts."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from addon.accounts import refresh_ledger
from addon.current import company_for_user, login_required
from addon.extensions import db
from addon.gateways import mapping, new_accounts, pay_links, suggest
from addon.gateways.account_options import account_options
from addon.gateways.blueprint import bp
from addon.gateways.registry import kind
from addon.models import Gateway, GatewayAudit, GatewayStatus, utcnow
from connectors.base import RateLimited, VendorUnavailable
from gateways.base import GatewayAuthError, GatewayError

# Above this many candidate accounts a role's list gets a box that narrows it by name (shown
# by remit.js; without JavaScript the list stays a plain one, which browsers search by typing,
# and the server checks the account chosen either way).
SEARCHABLE_FROM = 300


def _gateway(gateway_id: int) -> Gateway:
    """Only a member of the gateway's company reaches it; anyone else gets a 404."""
    gateway = db.session.get(Gateway, gateway_id)
    if gateway is None or gateway.status is GatewayStatus.ARCHIVED:
        abort(404)
    company_for_user(gateway.company_id)
    return gateway


@bp.route("/settings/gateways/<int:gateway_id>", methods=["GET", "POST"])
@login_required
def configure(gateway_id: int):
    gateway = _gateway(gateway_id)
    company = gateway.company
    if request.method == "GET":
        setup = _saved_setup(gateway)
        if not gateway.currencies:
            options = mapping.options(company, gateway)
            suggest.fill_currencies(setup, company, options,
                                    set(pay_links.also_collecting(gateway, list(options))))
        return _form(gateway, setup, {}, gateway.version, fill_ticked=True)
    # The version the form was rendered from travels with every re-render (Refresh, Create),
    # so a save from it still knows what it was based on. A form without one (an old page)
    # is not checked.
    seen = request.form.get("version", type=int)
    setup = mapping.read_form(request.form, company)
    action = request.form.get("action", "")
    if action == "refresh":
        _refresh_accounts(company.id)
        return _form(gateway, setup, {}, seen)
    creating = new_accounts.parse_action(action)
    if creating:
        errors = new_accounts.create(gateway, setup, *creating,
                                     request.form.get(new_accounts.KEY_FIELD, ""), g.user.id)
        if errors:
            flash(_("Nothing was created: see the message below. Your entries are kept."),
                  "error")
        return _form(gateway, setup, errors, seen), 400 if errors else 200
    if seen is not None and seen != gateway.version:
        return _changed_meanwhile(gateway)
    errors = mapping.validate(setup, company, gateway)
    if errors:
        flash(_("Nothing was saved: please correct the fields marked below."), "error")
        return _form(gateway, setup, errors, seen), 400
    if not _claim_version(gateway, seen):
        return _changed_meanwhile(gateway)
    before = {row.currency for row in gateway.currencies}
    db.session.add_all(mapping.apply(gateway, setup, g.user.id))
    if gateway.disconnected_at is None:
        gateway.status = GatewayStatus.ACTIVE
    db.session.commit()
    for account in mapping.bank_deposits(setup, company).values():
        flash(_("%(name)s is a bank account. A clearing account is recommended, so each "
                "%(gateway)s payout matches one bank deposit.", name=account.name,
                gateway=kind(gateway.kind).display_name), "warning")
    added = [code for code in setup.currencies if code not in before]
    for code, others in pay_links.also_collecting(gateway, added).items():
        flash(_("%(others)s already collects %(code)s. Pay links in %(code)s use %(chosen)s: "
                "choose which gateway they use under “Gateway used by pay links” below.",
                others=", ".join(other.description for other in others), code=code,
                chosen=pay_links.gateway_for(company.id, code).description), "warning")
    flash(_("%(name)s is saved. Changes apply to payments recorded from now on.",
            name=gateway.description), "success")
    return redirect(url_for("gateways.settings"))


def _saved_setup(gateway: Gateway) -> mapping.GatewaySetup:
    setup = mapping.current_setup(gateway)
    if not setup.description:
        setup.description = f"{kind(gateway.kind).display_name}.com"
    return setup


def _claim_version(gateway: Gateway, seen: int | None) -> bool:
    """Raise the gateway's version, only from the one the form was rendered from: a single
    conditional UPDATE, so of two tabs saving at once exactly one wins (the row lock makes the
    other re-read the version on PostgreSQL; SQLite writes one at a time)."""
    claim = update(Gateway).where(Gateway.id == gateway.id)
    if seen is not None:
        claim = claim.where(Gateway.version == seen)
    result = db.session.execute(claim.values(version=Gateway.version + 1),
                                execution_options={"synchronize_session": "fetch"})
    return result.rowcount == 1


def _changed_meanwhile(gateway: Gateway):
    """Someone saved this gateway since the form was opened: nothing is overwritten, and the
    form shows what is saved now, with the version it is based on."""
    db.session.rollback()
    flash(_("%(name)s was changed meanwhile, in another tab or by someone else. Nothing was "
            "saved: the form now shows the saved values. Make your changes again, then press "
            "Save.", name=gateway.description or kind(gateway.kind).display_name), "error")
    return _form(gateway, _saved_setup(gateway), {}, gateway.version), 409


def _form(gateway: Gateway, setup: mapping.GatewaySetup, errors: dict[str, str],
          version: int | None, fill_ticked: bool = False):
    """The set-up form. Suggestions fill blank accounts of every currency on first display,
    and of the unticked ones only after a submit, so a deliberate blank is never overridden."""
    company = gateway.company
    options = mapping.options(company, gateway)
    suggest.fill_accounts(setup, gateway, options,
                          [c for c in options if fill_ticked or c not in setup.currencies])
    shown, more = suggest.split_currencies(setup, company, options)
    editing = bool(gateway.currencies)
    name = kind(gateway.kind).display_name
    history, older = history_page(gateway, request.args.get("history_before", type=int))
    heading = (_("Edit %(name)s", name=gateway.description) if editing
               else _("Set up your %(gateway)s gateway", gateway=name))
    return render_template(
        "gateways/configure.html", gateway=gateway, company=company, setup=setup, errors=errors,
        form_errors=bool(errors),
        options=options, ledger=company.ledger, gateway_name=name, heading=heading,
        shown_currencies=shown, more_currencies=more, version=version or gateway.version,
        also_collecting=pay_links.also_collecting(gateway, list(options)),
        history=history, older_history=older,
        history_before=request.args.get("history_before", type=int),
        offers=new_accounts.offers(company, gateway, list(options)),
        bank_warnings=mapping.bank_deposits(setup, company), create_key=new_accounts.new_key(),
        searchable_from=SEARCHABLE_FROM, account_options=account_options,
    )


@dataclass(frozen=True)
class HistoryLine:
    at: object
    who: str
    what: str
    old: str | None
    new: str | None


HISTORY_PAGE = 50


def history_page(gateway: Gateway, before: int | None) -> tuple[list[HistoryLine], int | None]:
    """The newest HISTORY_PAGE audit entries older than entry `before` (all when None), with
    their users in the same query, and the id to ask for the next page (None: no older ones).
    A gateway edited for years keeps a long history; the form shows a page of it."""
    query = (select(GatewayAudit).options(joinedload(GatewayAudit.user))
             .where(GatewayAudit.gateway_id == gateway.id).order_by(GatewayAudit.id.desc())
             .limit(HISTORY_PAGE + 1))
    if before is not None:
        query = query.where(GatewayAudit.id < before)
    entries = list(db.session.scalars(query))
    older = entries[HISTORY_PAGE - 1].id if len(entries) > HISTORY_PAGE else None
    return [_describe(entry) for entry in entries[:HISTORY_PAGE]], older


def _describe(entry: GatewayAudit) -> HistoryLine:
    """An audit entry in the reader's language."""
    change, _sep, code = entry.change.partition(":")
    who = (entry.user.name or entry.user.email) if entry.user else _("The account owner")
    what = {
        "description": _("Description"),
        "deposit_account": _("Deposit account (%(code)s)", code=code),
        "receivable_account": _("Accounts receivable (%(code)s)", code=code),
        "settlement_account": _("Settlement bank account (%(code)s)", code=code),
        "fees_account": _("Fees account (%(code)s)", code=code),
        "dispute_losses_account": _("Dispute losses account (%(code)s)", code=code),
        "pay_links": _("Gateway for pay links in %(code)s", code=code),
        "created_clearing_account": _("Created a clearing account (%(code)s)", code=code),
        "created_fees_account": _("Created a fees account (%(code)s)", code=code),
        "connected": _("Connected"),
        "reconnected": _("Reconnected"),
        "removed": _("Removed"),
        "deauthorized": _("Disconnected in Stripe by the account owner"),
    }.get(change)
    if change == "currency":
        what = (_("Started collecting %(code)s", code=code) if entry.new_value
                else _("Stopped collecting %(code)s", code=code))
        return HistoryLine(entry.at, who, what, None, None)
    return HistoryLine(entry.at, who, what or entry.change, entry.old_value, entry.new_value)


def _refresh_accounts(company_id: int) -> None:
    try:
        refreshed = refresh_ledger(company_id)
    except (RateLimited, VendorUnavailable):
        refreshed = False
    if refreshed:
        flash(_("Chart of accounts refreshed. Your entries are kept; nothing is saved until you "
                "press Save."), "success")
    else:
        flash(_("The chart of accounts could not be refreshed. Your entries are kept; please "
                "try again in a minute."), "error")


def _account_shared(gateway: Gateway) -> bool:
    """Another gateway (of this or another company) still collects through the same account:
    deauthorizing it would cut that one off too, so only this gateway is archived."""
    return db.session.scalar(select(func.count()).select_from(Gateway).where(
        Gateway.id != gateway.id, Gateway.kind == gateway.kind,
        Gateway.account_id == gateway.account_id, Gateway.status != GatewayStatus.ARCHIVED)) > 0


@bp.route("/settings/gateways/<int:gateway_id>/remove", methods=["GET", "POST"])
@login_required
def remove(gateway_id: int):
    gateway = _gateway(gateway_id)
    if request.method == "GET":
        return render_template("gateways/remove.html", gateway=gateway,
                               gateway_name=kind(gateway.kind).display_name,
                               shared=_account_shared(gateway))
    shared = _account_shared(gateway)
    try:
        if gateway.disconnected_at is None and gateway.account_id and not shared:
            kind(gateway.kind).build().deauthorize(gateway.account_id)
    except GatewayAuthError:
        pass  # the account had already disconnected Remit
    except GatewayError:
        flash(_("Stripe could not be reached, so nothing changed. Please try again in a "
                "moment."), "error")
        return redirect(url_for("gateways.remove", gateway_id=gateway.id))
    gateway.status = GatewayStatus.ARCHIVED
    gateway.archived_at = utcnow()
    gateway.credentials = None  # history stays; the means to act on the account goes
    db.session.add(GatewayAudit(gateway=gateway, user_id=g.user.id, change="removed"))
    db.session.commit()
    name = gateway.description or gateway.account_name
    if shared:
        flash(_("%(name)s is removed. Its account stays connected: another gateway still uses "
                "it. Its history is kept.", name=name), "success")
    else:
        flash(_("%(name)s is removed and disconnected from its account. Its history is kept.",
                name=name), "success")
    return redirect(url_for("gateways.settings"))
