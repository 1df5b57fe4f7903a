"""The Stripe stand-in's memory: the accounts, which of them are connected to the platform, and
the codes and tokens issued, with Stripe's rules (reference §1.4-§1.6): a code is single use
and lives 5 minutes, and using it twice revokes the connection its first use created.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from dataclasses import dataclass

from sandbox import stripe_seed as seed
from sandbox.oauth import OAuthError

CODE_TTL = 300
clock = time.time  # tests move time forward by replacing it
_lock = threading.RLock()


@dataclass(frozen=True)
class Connection:
    account_id: str
    scope: str
    access_token: str
    refresh_token: str
    publishable_key: str
    connected_at: float


@dataclass
class _Code:
    account_id: str
    scope: str
    expires_at: float
    used: bool = False
    made: Connection | None = None  # what its first exchange created


_accounts: dict[str, dict] = {}
_connections: dict[str, Connection] = {}
_codes: dict[str, _Code] = {}


def reset() -> None:
    with _lock:
        _accounts.clear()
        _accounts.update(seed.seeded_accounts())
        _connections.clear()
        _codes.clear()


def account(account_id: str) -> dict | None:
    with _lock:
        found = _accounts.get(account_id)
        return copy.deepcopy(found) if found else None


def accounts() -> list[dict]:
    with _lock:
        return [copy.deepcopy(found) for found in _accounts.values()]


def create_account(name: str, email: str, country: str, currency: str) -> str:
    """What Stripe's sign-up form does: a new Standard account, ready to connect."""
    alphabet = string.ascii_uppercase + string.digits
    account_id = "acct_1Remit" + "".join(secrets.choice(alphabet) for _ in range(11))
    created = seed.account_object(account_id, name=name, country=country, email=email,
                                  currency=currency, timezone=seed.TIMEZONES[country],
                                  created=int(clock()))
    with _lock:
        _accounts[account_id] = created
    return account_id


def issue_code(account_id: str, scope: str = "read_write") -> str:
    """The user approved the platform for this account: a code for the redirect back."""
    if account(account_id) is None:
        raise LookupError(f"No sandbox Stripe account {account_id}")
    code = "ac_sandbox-code-" + secrets.token_urlsafe(18)
    with _lock:
        _codes[code] = _Code(account_id, scope, clock() + CODE_TTL)
    return code


def exchange_code(code: str) -> Connection:
    with _lock:
        issued = _codes.get(code)
        if issued is None:
            raise OAuthError("invalid_grant", f"Authorization code does not exist: {code}")
        if issued.used:
            # A second use revokes what the first one created (not a later connection).
            current = _connections.get(issued.account_id)
            if issued.made and current and current.refresh_token == issued.made.refresh_token:
                del _connections[issued.account_id]
            raise OAuthError("invalid_grant", "This authorization code has already been used. "
                                              "All tokens issued with this code have been "
                                              "revoked.")
        issued.used = True
        if issued.expires_at <= clock():
            raise OAuthError("invalid_grant", "This authorization code has expired.")
        issued.made = _connect(issued.account_id, issued.scope)
        return issued.made


def refresh(refresh_token: str, scope: str | None) -> Connection:
    """A new access token (and the same refresh token) for a connection still in place."""
    with _lock:
        held = next((c for c in _connections.values() if c.refresh_token == refresh_token), None)
        if held is None:
            raise OAuthError("invalid_grant", "Invalid refresh token.")
        if scope not in (None, "", held.scope, "read_only"):
            raise OAuthError("invalid_scope", f"Invalid scope: {scope}")
        renewed = Connection(held.account_id, scope or held.scope, _token("sk_test_sandbox-at-"),
                             held.refresh_token, held.publishable_key, held.connected_at)
        _connections[held.account_id] = renewed
        return renewed


def connect(account_id: str, scope: str = "read_write") -> Connection:
    """A connection made without the browser (recorders, the console, tests)."""
    return exchange_code(issue_code(account_id, scope))


def connection(account_id: str) -> Connection | None:
    with _lock:
        return _connections.get(account_id)


def connections() -> list[Connection]:
    with _lock:
        return list(_connections.values())


def disconnect(account_id: str) -> bool:
    """The connection ends (deauthorized by the platform or by the account's owner); its
    tokens die with it. False when the account was not connected."""
    with _lock:
        return _connections.pop(account_id, None) is not None


def _connect(account_id: str, scope: str) -> Connection:
    made = Connection(account_id, scope, _token("sk_test_sandbox-at-"),
                      _token("rt_sandbox-rt-"), _token("pk_test_sandbox-pk-"), clock())
    _connections[account_id] = made
    return made


def _token(prefix: str) -> str:
    """Sandbox-looking credentials: `…-at-`/`-rt-` match sandbox.oauth.ISSUED_TOKEN, so the
    cassette checks catch one that slipped through, and none matches a real key pattern."""
    return prefix + secrets.token_urlsafe(24)


reset()
