"""What the add-on may know about one accounting platform, declared by its connector package.

A `LedgerPlatform` is everything the add-on used to branch on: endpoints and scopes, how sign-in
reads the user and the companies, how access is given back, call budgets, deep links, field
limits, account roles, the settings the plugin reads and the connector factory. The add-on
finds descriptors through its registry (addon/platforms.py) and never names a platform.
No Flask, no ORM and no vendor SDK here, like connectors/base.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from connectors.base import AccountRules, Connector, OAuthClient, TokenKeeper, TokenSet


@dataclass(frozen=True)
class Setting:
    """One REMIT_* setting a plugin reads (`name` without the prefix; also the config key).
    `required`: the plugin cannot be offered without it; production refuses a plugin that has
    some but not all of its required settings."""

    name: str
    kind: type
    default: Any
    help: str
    secret: bool = False
    required: bool = False


@dataclass(frozen=True)
class ScopeUse:
    """What one OAuth scope the platform asks for lets Remit do, for a grant that lacks it (a
    company connected before Remit asked for it). `label`: the permission as the vendor's
    consent screen names it; `purpose`: one of PURPOSES (the add-on words it); `methods`: the
    Connector methods that may need it; `also`: older scopes that grant the same."""

    label: str
    purpose: str
    methods: tuple[str, ...]
    also: tuple[str, ...] = ()


PURPOSES = ("journals", "create_accounts", "balances")


@dataclass(frozen=True)
class Endpoints:
    """The vendor's real URLs (the development stack relocates them to its stand-ins)."""

    token: str
    revoke: str
    discovery: str  # OpenID Connect discovery document
    api: str  # the base every API call is made under


class Connections(Protocol):
    """The companies one consent covers, for platforms whose consent lists several (Xero)."""

    # with connection_id, tenant_id, tenant_name, tenant_type; `this_consent_only`: only the
    # companies the consent that issued the current token named (Xero's authEventId)
    def list(self, this_consent_only: bool = False) -> list[Any]: ...

    def delete(self, connection_id: str) -> None: ...


@dataclass(frozen=True)
class LedgerPlatform:
    key: str  # stored on companies, users and grants; part of URLs (/connect/<key>)
    display_name: str  # the product's own name, as its owner spells it
    settings: tuple[Setting, ...]
    scope: str  # OAuth scopes asked for, space-separated
    endpoints: Callable[[Mapping[str, Any]], Endpoints]  # from the resolved settings
    token_set: Callable[[Mapping], TokenSet]  # an Authlib token answer, typed
    revoke: Callable[[OAuthClient, str, float], None]  # (client, refresh token, timeout)
    # (external id, token keeper, client, API base, timeout, home currency) -> Connector
    connector: Callable[[str, TokenKeeper, OAuthClient, str, float, str | None], Connector]
    rules: AccountRules
    calls_per_minute: int  # per company, the vendor's documented budget
    payment_url: str  # deep link to a recorded payment; "{id}" is the ledger's payment id
    reference_limit: int  # characters of the gateway reference a payment may carry
    use_pkce: bool = False
    token_request_headers: Mapping[str, str] = field(default_factory=dict)  # code exchange
    userinfo_needed: bool = False  # the id_token carries no email or name: ask userinfo
    company_param: str | None = None  # callback query argument naming the one company chosen
    # Consent covers several companies, listed then chosen: (keeper, client, API base, timeout)
    connections: Callable[[TokenKeeper, OAuthClient, str, float], Connections] | None = None
    company_kind: str = "ORGANISATION"  # which listed connections are companies
    receivable_is_fixed: bool = False  # the one AR account per currency is filled in, not chosen
    clearing_advised_for: frozenset[str] = frozenset()  # deposit account types that get a warning
    # A clearing account can be created (and kept) only in the home currency: the platform's
    # non-bank accounts carry no currency of their own (Xero). Elsewhere, in any currency.
    clearing_in_home_currency_only: bool = False
    disconnect_page: bool = False  # the platform sends users to Remit's "disconnected" page
    page_origins: tuple[str, ...] = ()  # its consent pages a form of Remit leads to (CSP)
    frame_origins: tuple[str, ...] = ()  # its web app, which shows Remit in a frame (CSP)
    # Scopes a grant may lack (asked for since some companies connected), and what needs them.
    scope_uses: Mapping[str, ScopeUse] = field(default_factory=dict)
    # Deep links into the vendor's web app per object type a write creates (LedgerWrite's
    # `object_type`); "{id}" is the object's id. A type absent here is shown without a link.
    object_urls: Mapping[str, str] = field(default_factory=dict)
    # The object type each posting kind always writes, for postings recorded before the type
    # was kept with them; a kind that may write one of several types is absent (no link).
    object_types: Mapping[str, str] = field(default_factory=dict)
    # Fills the plugin's derived settings in place; raises ValueError naming a wrong one.
    resolve_settings: Callable[[dict[str, Any], bool], None] | None = None

    @property
    def lists_companies(self) -> bool:
        return self.connections is not None

    def configured(self, config: Mapping[str, Any]) -> bool:
        """Every required setting present: the platform can be offered."""
        return all(config.get(s.name) for s in self.settings if s.required)

    def credentials(self, config: Mapping[str, Any]) -> tuple[str, str]:
        prefix = self.key.upper()
        return config[f"{prefix}_CLIENT_ID"], config[f"{prefix}_CLIENT_SECRET"]

    def object_url(self, object_type: str | None, object_id: str) -> str | None:
        """The vendor's page of one object Remit wrote, or None when its type has none."""
        template = self.object_urls.get(object_type or "")
        return template.format(id=object_id) if template else None
