"""A gateway's set-up form, checked against the cached chart of accounts: which currencies it
collects and, for each, the deposit and receivable accounts. Every rule runs on the server;
nothing is saved while any fails."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from addon.accounts import CurrencyAccounts, accounts_by_currency, cached_accounts
from addon.models import Company, Gateway, GatewayAudit, GatewayCurrency
from connectors.base import LedgerAccount

MAX_DESCRIPTION = 255


@dataclass
class GatewaySetup:
    description: str = ""
    currencies: list[str] = field(default_factory=list)
    deposit: dict[str, str] = field(default_factory=dict)  # currency -> account id
    receivable: dict[str, str] = field(default_factory=dict)


def offered_currencies(company: Company, gateway: Gateway) -> list[str]:
    """Currencies both the ledger and the gateway account can take."""
    return sorted(set(company.currencies) & set(gateway.account_currencies))


def options(company: Company, gateway: Gateway) -> dict[str, CurrencyAccounts]:
    return accounts_by_currency(company, offered_currencies(company, gateway))


def current_setup(gateway: Gateway) -> GatewaySetup:
    return GatewaySetup(
        description=gateway.description,
        currencies=[row.currency for row in gateway.currencies],
        deposit={row.currency: row.deposit_account_id or "" for row in gateway.currencies},
        receivable={row.currency: row.receivable_account_id or "" for row in gateway.currencies},
    )


def read_form(form: MultiDict, company: Company) -> GatewaySetup:
    chosen = [code for code in dict.fromkeys(form.getlist("currency")) if code]
    setup = GatewaySetup(description=form.get("description", "").strip(), currencies=chosen)
    for code in chosen:
        setup.deposit[code] = form.get(f"deposit-{code}", "")
        setup.receivable[code] = form.get(f"receivable-{code}", "")
    return setup


def validate(setup: GatewaySetup, company: Company, gateway: Gateway) -> dict[str, str]:
    """Field name -> message; empty when the set-up may be saved. Xero's receivable account
    is the organisation's single AR account, filled in here rather than chosen."""
    errors: dict[str, str] = {}
    if not setup.description:
        errors["description"] = _("Give the gateway a description, for example “Stripe.com”.")
    elif len(setup.description) > MAX_DESCRIPTION:
        errors["description"] = _("Keep the description under %(n)d characters.", n=MAX_DESCRIPTION)
    offered = options(company, gateway)
    if not setup.currencies:
        errors["currencies"] = _("Choose at least one currency.")
    unknown = [code for code in setup.currencies if code not in offered]
    if unknown:
        errors["currencies"] = _("%(codes)s cannot be collected here: the ledger or the payment "
                                 "account does not take it.", codes=", ".join(unknown))
    by_id = {account.id: account for account in cached_accounts(company)}
    for code in [c for c in setup.currencies if c in offered]:
        if company.ledger.receivable_is_fixed and len(offered[code].receivable) == 1:
            setup.receivable[code] = offered[code].receivable[0].id
        for role, allowed in (("deposit", offered[code].deposit),
                              ("receivable", offered[code].receivable)):
            chosen_id = getattr(setup, role).get(code, "")
            problem = (_("That account is not in the chart of accounts Remit read from the "
                         "ledger. Press Refresh, then choose again.")
                       if chosen_id and chosen_id not in by_id
                       else _problem(role, by_id.get(chosen_id), allowed, code))
            if problem:
                errors[f"{role}-{code}"] = problem
    return errors


def _problem(role: str, account: LedgerAccount | None, allowed: list[LedgerAccount],
             code: str) -> str | None:
    if account is None and allowed:
        return _("Choose an account.")
    if account is None and role == "deposit":
        return _("The ledger has no account in %(code)s that can receive payments.", code=code)
    if account is None:
        return _("No accounts-receivable account in %(code)s yet. QuickBooks creates it with the "
                 "first invoice in %(code)s: create one, then press Refresh.", code=code)
    if not account.active:
        return _("%(name)s is inactive in the ledger.", name=account.name)
    if account in allowed:
        return None
    if role == "deposit":
        return _("%(name)s cannot receive payments in %(code)s.", name=account.name, code=code)
    return _("%(name)s is not an accounts-receivable account in %(code)s.", name=account.name,
             code=code)


def bank_deposits(setup: GatewaySetup, company: Company) -> list[LedgerAccount]:
    """Deposit accounts of a type the ledger advises against (QuickBooks Bank accounts):
    allowed, but a clearing account (Undeposited Funds) lets the Stripe payout be matched to
    the bank deposit."""
    advised_against = company.ledger.clearing_advised_for
    if not advised_against:
        return []
    by_id = {account.id: account for account in cached_accounts(company)}
    chosen = [by_id.get(setup.deposit.get(code, "")) for code in setup.currencies]
    return [account for account in chosen
            if account and account.account_type in advised_against]


def apply(gateway: Gateway, setup: GatewaySetup, user_id: int | None) -> list[GatewayAudit]:
    """Write a validated set-up onto the gateway; return one audit entry per change (accounts
    recorded by name and id, so the trail reads well even after the chart changes)."""
    names = {a.id: f"{a.name} ({a.id})" for a in cached_accounts(gateway.company)}
    before = current_setup(gateway)
    changes = []
    if before.description != setup.description:
        changes.append(("description", before.description, setup.description))
    gateway.description = setup.description
    rows = {row.currency: row for row in gateway.currencies}
    for code in sorted(set(rows) - set(setup.currencies)):
        changes.append((f"currency:{code}", "collected", None))
        gateway.currencies.remove(rows[code])
    for code in setup.currencies:
        row = rows.get(code) or GatewayCurrency(currency=code)
        if code not in rows:
            changes.append((f"currency:{code}", None, "collected"))
            gateway.currencies.append(row)
        for role in ("deposit", "receivable"):
            old, new = getattr(row, f"{role}_account_id"), getattr(setup, role)[code]
            if old != new:
                changes.append((f"{role}_account:{code}", names.get(old, old), names.get(new, new)))
            setattr(row, f"{role}_account_id", new)
    return [GatewayAudit(gateway=gateway, user_id=user_id, change=c, old_value=o, new_value=n)
            for c, o, n in changes]
