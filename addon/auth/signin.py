"""What happens after a platform says yes: the user, the grant and the companies are stored
together, or not at all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from addon import platforms
from addon.auth.tokens import MemoryTokenKeeper, store_tokens, tokens_from_json, tokens_to_json
from addon.extensions import db
from addon.ledger import build_connector, connections
from addon.models import (
    Company,
    ConnectionStatus,
    Membership,
    OAuthHandoff,
    PlatformConnection,
    User,
    utcnow,
)
from connectors.base import CompanyInfo, ConnectorError, TokenSet

HANDOFF_LIFETIME = timedelta(minutes=15)


class SignInError(Exception):
    """The sign-in cannot complete; `reason` is a key of the error page's messages."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Profile:
    subject: str
    email: str | None
    name: str | None
    locale: str | None


def profile_from_claims(claims: dict[str, Any]) -> Profile:
    """OpenID claims (Xero id_token) or Intuit's camelCase userinfo, to one shape."""
    given = claims.get("given_name") or claims.get("givenName")
    family = claims.get("family_name") or claims.get("familyName")
    name = claims.get("name") or " ".join(part for part in (given, family) if part) or None
    if not claims.get("sub"):
        raise SignInError("no_identity")
    return Profile(claims["sub"], claims.get("email"), name, claims.get("locale"))


def connect_one(platform: str, token: dict, external_id: str | None,
                profile: Profile) -> tuple[User, Company]:
    """A consent for exactly one company, named in the callback (QuickBooks' realmId)."""
    if not external_id:
        raise SignInError("unknown_company")
    keeper = MemoryTokenKeeper(platforms.get(platform).token_set(token))
    info = _company_info(platform, external_id, keeper)
    user = _upsert_user(platform, profile)
    grant = _new_grant(platform, keeper.tokens, user)
    company = _attach(platform, external_id, info, grant, user)
    _retire_unused_grants()
    db.session.commit()
    return user, company


def begin_choice(platform: str, token: dict, profile: Profile) -> tuple[User, OAuthHandoff]:
    """A consent that may cover several companies (Xero): store its tokens server-side and
    list the organisations this consent authorised (the user already named them at Xero;
    those connected by earlier consents are not offered again)."""
    descriptor = platforms.get(platform)
    keeper = MemoryTokenKeeper(descriptor.token_set(token))
    try:
        tenants = [t for t in connections(platform, keeper).list(this_consent_only=True)
                   if t.tenant_type == descriptor.company_kind]
    except ConnectorError as failure:
        raise SignInError("platform_error") from failure
    if not tenants:
        raise SignInError("no_organisation")
    user = _upsert_user(platform, profile)
    db.session.flush()
    handoff = OAuthHandoff(
        id=secrets.token_urlsafe(24), platform=platform, user_id=user.id,
        tokens=tokens_to_json(keeper.tokens), expires_at=utcnow() + HANDOFF_LIFETIME,
        tenants=[{"connection_id": t.connection_id, "tenant_id": t.tenant_id,
                  "name": t.tenant_name} for t in tenants],
    )
    db.session.add(handoff)
    db.session.commit()
    return user, handoff


def finish_choice(handoff: OAuthHandoff, chosen_tenant_ids: set[str]) -> list[Company]:
    """Connect the chosen organisations on one shared grant; give back the others' access."""
    keeper = MemoryTokenKeeper(tokens_from_json(handoff.tokens))
    user = db.session.get(User, handoff.user_id)
    chosen = [t for t in handoff.tenants if t["tenant_id"] in chosen_tenant_ids]
    platform = handoff.platform
    infos = {t["tenant_id"]: _company_info(platform, t["tenant_id"], keeper) for t in chosen}
    _release_unchosen(platform, keeper, handoff.tenants, chosen_tenant_ids)
    grant = _new_grant(platform, keeper.tokens, user)
    companies = []
    for tenant in chosen:
        company = _attach(platform, tenant["tenant_id"], infos[tenant["tenant_id"]], grant, user)
        company.xero_connection_id = tenant["connection_id"]
        companies.append(company)
    db.session.delete(handoff)
    _retire_unused_grants()
    db.session.commit()
    return companies


def pending_handoff(handoff_id: str | None, user_id: int | None) -> OAuthHandoff:
    handoff = db.session.get(OAuthHandoff, handoff_id) if handoff_id else None
    if handoff is None or handoff.user_id != user_id or handoff.expires_at < utcnow():
        raise SignInError("expired")
    return handoff


def _company_info(platform: str, external_id: str, keeper: MemoryTokenKeeper):
    try:
        return build_connector(platform, external_id, keeper).company_info()
    except ConnectorError as failure:
        raise SignInError("platform_error") from failure


def _release_unchosen(platform: str, keeper, tenants: list[dict], chosen: set[str]) -> None:
    """Delete the Xero connections of organisations the user left out, unless Remit already
    serves them (connected earlier, possibly by someone else)."""
    served = set(db.session.scalars(
        select(Company.external_id).where(Company.platform == platform,
                                          Company.disconnected_at.is_(None))
    ))
    for tenant in tenants:
        if tenant["tenant_id"] not in chosen and tenant["tenant_id"] not in served:
            try:
                connections(platform, keeper).delete(tenant["connection_id"])
            except ConnectorError as failure:
                raise SignInError("platform_error") from failure


def _upsert_user(platform: str, profile: Profile) -> User:
    user = db.session.scalar(
        select(User).where(User.platform == platform, User.subject == profile.subject)
    ) or User(platform=platform, subject=profile.subject)
    user.email = profile.email or user.email
    user.name = profile.name or user.name
    user.locale = profile.locale or user.locale
    db.session.add(user)
    return user


def _new_grant(platform: str, tokens: TokenSet, user: User) -> PlatformConnection:
    db.session.flush()  # the user's id
    grant = PlatformConnection(platform=platform, status=ConnectionStatus.ACTIVE,
                               granted_by_id=user.id)
    store_tokens(grant, tokens)
    db.session.add(grant)
    return grant


def _attach(platform: str, external_id: str, info: CompanyInfo,
            grant: PlatformConnection, user: User) -> Company:
    company = db.session.scalar(
        select(Company).where(Company.platform == platform, Company.external_id == external_id)
    ) or Company(platform=platform, external_id=external_id)
    company.name, company.home_currency = info.name, info.home_currency
    company.multicurrency, company.country = info.multicurrency, info.country
    company.connection = grant
    company.disconnected_at = None
    db.session.add(company)
    db.session.flush()
    if not db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.company_id == company.id)):
        db.session.add(Membership(user=user, company=company))
    return company


def _retire_unused_grants() -> None:
    """A grant no company points at any more is superseded: forget its tokens."""
    db.session.flush()
    for grant in db.session.scalars(
        select(PlatformConnection).where(~PlatformConnection.companies.any(),
                                         PlatformConnection.refresh_token.is_not(None))
    ):
        grant.access_token = grant.refresh_token = None
        grant.status = ConnectionStatus.DISCONNECTED
