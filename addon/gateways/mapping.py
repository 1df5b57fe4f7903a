"""A gateway's set-up form, checked against the cached chart of accounts: which currencies it
collects and, for each, the deposit and receivable accounts (required) and the payout roles:
settlement bank, fees and dispute losses (optional until payouts are recorded). Every rule runs
on the server; nothing is saved while any fails."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from addon.accounts import accounts_by_currency, cached_accounts
from addon.ledger import RULES
from addon.models import Company, Gateway, GatewayAudit, GatewayCurrency
from connectors.base import LedgerAccount

MAX_DESCRIPTION = 255
REQUIRED_ROLES = ("deposit", "receivable")
# Needed before payouts are recorded; a blank dispute-losses account means the fees account.
PAYOUT_ROLES = ("settlement", "fees", "dispute_losses")
ROLES = REQUIRED_ROLES + PAYOUT_ROLES


@dataclass
class GatewaySetup:
    description: str = ""
    currencies: list[str] = field(default_factory=list)
    deposit: dict[str, str] = field(default_factory=dict)  # currency -> account id
    receivable: dict[str, str] = field(default_factory=dict)
    settlement: dict[str, str] = field(default_factory=dict)
    fees: dict[str, str] = field(default_factory=dict)
    dispute_losses: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RoleChoices:
    """The accounts each role may take in one currency, from the cached chart and the
    platform's rules (zero platform calls)."""

    code: str
    deposit: list[LedgerAccount]
    receivable: list[LedgerAccount]
    settlement: list[LedgerAccount]
    fees: list[LedgerAccount]

    @property
    def dispute_losses(self) -> list[LedgerAccount]:
        return self.fees


def offered_currencies(company: Company, gateway: Gateway) -> list[str]:
    """Currencies both the ledger and the gateway account can take."""
    return sorted(set(company.currencies) & set(gateway.account_currencies))


def options(company: Company, gateway: Gateway) -> dict[str, RoleChoices]:
    codes = offered_currencies(company, gateway)
    accounts, rules = cached_accounts(company), RULES[company.platform]
    return {
        code: RoleChoices(code, choices.deposit, choices.receivable,
                          [a for a in accounts if rules.is_settlement(a, code)],
                          [a for a in accounts if rules.is_fees(a, code)])
        for code, choices in accounts_by_currency(company, codes).items()
    }


def current_setup(gateway: Gateway) -> GatewaySetup:
    return GatewaySetup(
        description=gateway.description,
        currencies=[row.currency for row in gateway.currencies],
        **{role: {row.currency: getattr(row, f"{role}_account_id") or ""
                  for row in gateway.currencies} for role in ROLES},
    )


def read_form(form: MultiDict, company: Company) -> GatewaySetup:
    chosen = [code for code in dict.fromkeys(form.getlist("currency")) if code]
    setup = GatewaySetup(description=form.get("description", "").strip(), currencies=chosen)
    for code in chosen:
        for role in ROLES:
            getattr(setup, role)[code] = form.get(f"{role}-{code}", "")
    return setup


def _share_fees_account(setup: GatewaySetup, offered: dict[str, RoleChoices]) -> None:
    """One fees account for all currencies by default: a currency left blank takes the first
    one chosen, where that account may take fees in it."""
    first = next((setup.fees[c] for c in setup.currencies if setup.fees.get(c)), "")
    for code in setup.currencies:
        if (first and not setup.fees.get(code) and code in offered
                and first in {a.id for a in offered[code].fees}):
            setup.fees[code] = first


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
    _share_fees_account(setup, offered)
    for code in [c for c in setup.currencies if c in offered]:
        if company.ledger.receivable_is_fixed and len(offered[code].receivable) == 1:
            setup.receivable[code] = offered[code].receivable[0].id
        for role in ROLES:
            allowed = getattr(offered[code], role)
            chosen_id = getattr(setup, role).get(code, "")
            if role in PAYOUT_ROLES and not chosen_id:
                continue  # optional until payouts are recorded
            problem = (_("That account is not in the chart of accounts Remit read from the "
                         "ledger. Press Refresh, then choose again.")
                       if chosen_id and chosen_id not in by_id
                       else _problem(role, by_id.get(chosen_id), allowed, code))
            if problem:
                errors[f"{role}-{code}"] = problem
    return errors


def _problem(role: str, account: LedgerAccount | None, allowed: list[LedgerAccount],
             code: str) -> str | None:
    if account is None and allowed and role == "deposit":
        return _("Choose the deposit account for %(code)s.", code=code)
    if account is None and allowed:
        return _("Choose the accounts-receivable account for %(code)s.", code=code)
    if account is None and role == "deposit":
        return _("The ledger has no account in %(code)s that can receive payments.", code=code)
    if account is None:
        return _("No accounts-receivable account in %(code)s yet. QuickBooks creates it with the "
                 "first invoice in %(code)s: create one, then press Refresh.", code=code)
    if not account.active:
        return _("%(name)s is inactive in the ledger: choose another account for %(code)s.",
                 name=account.name, code=code)
    if account in allowed:
        return None
    if role == "deposit":
        return _("%(name)s cannot receive payments in %(code)s.", name=account.name, code=code)
    if role == "settlement":
        return _("%(name)s is not a bank account in %(code)s: Stripe pays %(code)s out to a bank "
                 "account in %(code)s.", name=account.name, code=code)
    if role in ("fees", "dispute_losses"):
        return _("%(name)s is not an expense account.", name=account.name)
    return _("%(name)s is not an accounts-receivable account in %(code)s.", name=account.name,
             code=code)


def bank_deposits(setup: GatewaySetup, company: Company) -> dict[str, LedgerAccount]:
    """Currency -> its chosen deposit account, where that is of a type the ledger advises
    against (a bank account) and a clearing account could take its place (not in a currency
    the platform keeps no clearing account in): allowed, but a clearing account lets each
    payout be matched to one bank deposit."""
    advised_against = company.ledger.clearing_advised_for
    if not advised_against:
        return {}
    home_only = company.ledger.clearing_in_home_currency_only
    by_id = {account.id: account for account in cached_accounts(company)}
    chosen = {code: by_id.get(setup.deposit.get(code, "")) for code in setup.currencies
              if not home_only or code == company.home_currency}
    return {code: account for code, account in chosen.items()
            if account and account.account_type in advised_against}


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
        for role in ROLES:
            old, new = getattr(row, f"{role}_account_id"), getattr(setup, role).get(code, "")
            if role in PAYOUT_ROLES:
                new = new or None  # not set yet
            if old != new:
                changes.append((f"{role}_account:{code}", names.get(old, old), names.get(new, new)))
            setattr(row, f"{role}_account_id", new)
    return [GatewayAudit(gateway=gateway, user_id=user_id, change=c, old_value=o, new_value=n)
            for c, o, n in changes]
