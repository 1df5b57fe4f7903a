"""One-click accounts on a gateway's set-up form: a clearing account per currency (recommended
over a bank account as the deposit account) and a fees account, created in the ledger under the
gateway's own name ("Stripe Clearing EUR", "Stripe Fees"), then chosen in the form for that
currency with everything else the user typed kept. The creation is a fact in the ledger, so it
is audited at once; the choice is saved only with the form.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import flash
from flask_babel import gettext as _

from addon.accounts import cached_accounts, forget_cached_accounts, refresh_ledger
from addon.auth import grants
from addon.extensions import db
from addon.gateways.mapping import offered_currencies
from addon.gateways.registry import kind
from addon.ledger import connector_for
from addon.models import AccountSnapshot, Company, Gateway, GatewayAudit, utcnow
from connectors.base import (
    AuthError,
    LedgerAccount,
    NewAccount,
    RateLimited,
    Rejected,
    ScopeMissing,
    VendorUnavailable,
)

ACTION_PREFIX = "create-"
LEDGER_ROLES = {"deposit": "clearing", "fees": "fees"}  # form field -> NewAccount.role
KEY_FIELD = "create_key"  # one per rendered form: the same click sent twice makes one account


@dataclass(frozen=True)
class Offer:
    """An account Remit offers to create for one form field (`role`-`code`)."""

    role: str  # "deposit" or "fees"
    code: str
    name: str

    @property
    def action(self) -> str:
        return f"{ACTION_PREFIX}{self.role}-{self.code}"


@dataclass(frozen=True)
class CurrencyOffers:
    deposit: Offer | None
    fees: Offer | None
    clearing_home_only: bool  # no clearing account can be made in this currency: say why


def account_name(gateway: Gateway, role: str, code: str) -> str:
    """Named after the gateway kind (its registry's display name): one clearing account per
    currency, one fees account for all (expense accounts are in the home currency)."""
    gateway_name = kind(gateway.kind).display_name
    return f"{gateway_name} Clearing {code}" if role == "deposit" else f"{gateway_name} Fees"


def offers(company: Company, gateway: Gateway, codes: list[str]) -> dict[str, CurrencyOffers]:
    """Per currency, the buttons to show: none for an account whose name the chart already
    has, and a clearing account only where the platform can keep one in that currency."""
    taken = {account.name.casefold() for account in cached_accounts(company)}
    found = {}
    for code in codes:
        shown = {role: offer for role in LEDGER_ROLES
                 if (offer := offer_for(company, gateway, role, code))
                 and offer.name.casefold() not in taken}
        found[code] = CurrencyOffers(deposit=shown.get("deposit"), fees=shown.get("fees"),
                                     clearing_home_only=not _clearing_possible(company, code))
    return found


def offer_for(company: Company, gateway: Gateway, role: str, code: str) -> Offer | None:
    """What a Create button for (`role`, `code`) makes, None where nothing can be made. A name
    already taken is left for the ledger to refuse: a repeated click (same key) must get its
    account back, not a refusal."""
    if role not in LEDGER_ROLES or (role == "deposit" and not _clearing_possible(company, code)):
        return None
    return Offer(role, code, account_name(gateway, role, code))


def _clearing_possible(company: Company, code: str) -> bool:
    return not company.ledger.clearing_in_home_currency_only or code == company.home_currency


def new_key() -> str:
    return secrets.token_hex(12)


def parse_action(action: str) -> tuple[str, str] | None:
    """("deposit" | "fees", currency) for a create button's value, else None."""
    role, _sep, code = action.removeprefix(ACTION_PREFIX).partition("-")
    if not action.startswith(ACTION_PREFIX) or role not in LEDGER_ROLES or len(code) != 3:
        return None
    return role, code


def create(gateway: Gateway, setup, role: str, code: str, form_key: str,
           user_id: int | None) -> dict[str, str]:
    """Create the offered account and choose it in `setup` for `code`; errors by field (the
    ledger's refusal, in its words) when nothing was created. `setup` keeps every entry."""
    company = gateway.company
    offer = offer_for(company, gateway, role, code)
    field = f"{role}-{code}"
    if offer is None or code not in offered_currencies(company, gateway):
        return {field: _("Remit cannot create that account here: choose one in the list.")}
    form_key = form_key if form_key.isascii() and form_key.isalnum() else new_key()
    key = f"{form_key[:24]}-{role}-{code}"  # within Intuit's 50 characters of requestid
    currency = code if role == "deposit" else company.home_currency
    known = {account.id for account in cached_accounts(company)}
    missing = grants.lacking(company, "create_account")
    if missing:  # decided from the stored grant: no call Xero would refuse
        return {field: _reconnect_first(company, missing)}
    try:
        created = connector_for(company).create_account(
            NewAccount(LEDGER_ROLES[role], offer.name, currency, idempotency_key=key))
    except Rejected as refused:
        return {field: _("%(platform)s did not create “%(name)s”: %(reason)s",
                         platform=company.ledger.display_name, name=offer.name,
                         reason=refused.detail or str(refused))}
    except ScopeMissing as refused:
        return {field: _reconnect_first(company, refused.scopes or grants.needed_by(
            company.ledger, "create_account"))}
    except AuthError:
        return {field: _reconnect_first(company, ())}
    except (RateLimited, VendorUnavailable):
        return {field: _("%(platform)s could not be reached. Please try again in a minute.",
                         platform=company.ledger.display_name)}
    _cache(company, created)
    if created.id not in known:  # a repeated click (same key) answers the same account
        db.session.add(GatewayAudit(gateway=gateway, user_id=user_id,
                                    change=f"created_{LEDGER_ROLES[role]}_account:{code}",
                                    new_value=f"{created.name} ({created.id})"))
        db.session.commit()
    if code not in setup.currencies:
        setup.currencies.append(code)
    getattr(setup, role)[code] = created.id
    flash(_("“%(name)s” is created in %(platform)s and chosen for %(code)s. Press Save to keep "
            "the choice.", name=created.name, platform=company.ledger.display_name, code=code),
          "success")
    return {}


def _cache(company: Company, created: LedgerAccount) -> None:
    """Refresh the chart cache; should the refresh fail, the new account joins it alone, so it
    can be chosen at once."""
    try:
        refresh_ledger(company.id)
    except (RateLimited, VendorUnavailable):
        db.session.rollback()
    if created.id in {account.id for account in cached_accounts(company)}:
        return
    db.session.add(AccountSnapshot(
        company_id=company.id, external_id=created.id, name=created.name,
        account_type=created.account_type, account_subtype=created.account_subtype,
        currency=created.currency, active=created.active,
        payments_enabled=created.payments_enabled, system_account=created.system_account,
        fetched_at=utcnow()))
    db.session.commit()
    forget_cached_accounts(company.id)


def _reconnect_first(company: Company, scopes) -> str:
    """The banner's sentence (addon/auth/grants.py) for the scopes creating accounts needs,
    then "try again"; without a scope to name, the plain refusal."""
    reason = grants.sentence(company, scopes)
    if reason:
        return _("%(reason)s Then try again.", reason=reason)
    return _("%(platform)s refused Remit the right to create accounts. Reconnect %(platform)s, "
             "then try again.", platform=company.ledger.display_name)
