"""Stripe Connect OAuth (Standard accounts) through Authlib: the authorize URL and the one code
exchange (https://docs.stripe.com/connect/oauth-reference; reference §1.3-§1.5).

The exchange is deliberately not stripe-python's `oauth.token`: it goes through Authlib's
requests session, authenticated with `client_secret_post` (Stripe takes the platform secret key
as `client_secret`), with the requests adapter's retries at 0 — a code sent twice makes Stripe
revoke the connection it created, so a failure is reported, never retried.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import HTTPAdapter

from gateways.base import ConnectedAccount, GatewayUnavailable
from gateways.stripe.client import http_failure, oauth_refusal
from gateways.stripe.const import LANDINGS, PREFILL_KEYS, SCOPE


def authorize_url(endpoint: str, client_id: str, *, redirect_uri: str, state: str,
                  landing: str, prefill: Mapping[str, str]) -> str:
    """response_type=code, client_id, redirect_uri, scope=read_write, state, stripe_landing and
    the non-empty stripe_user[...] prefill values (currency lower case, country upper case)."""
    if landing not in LANDINGS:
        raise ValueError(f"landing must be one of {LANDINGS}, not {landing!r}")
    if not state:
        raise ValueError("a state is required: it is what ties the callback to the user")
    with OAuth2Session(client_id, scope=SCOPE, redirect_uri=redirect_uri) as session:
        url, _ = session.create_authorization_url(
            endpoint, state=state, stripe_landing=landing, **stripe_user(prefill))
    return url


def stripe_user(prefill: Mapping[str, str]) -> dict[str, str]:
    """`stripe_user[key]` parameters in Stripe's documented order; unknown keys are a mistake
    in the caller (Stripe would silently ignore them), empty values are dropped."""
    unknown = sorted(set(prefill) - set(PREFILL_KEYS))
    if unknown:
        raise ValueError(f"Stripe cannot prefill {unknown}")
    params = {}
    for key in PREFILL_KEYS:
        value = (prefill.get(key) or "").strip()
        if key == "currency":
            value = value.lower()
        elif key == "country":
            value = value.upper()
        if value:
            params[f"stripe_user[{key}]"] = value
    return params


def exchange_code(endpoint: str, client_id: str, secret_key: str, code: str,
                  timeout: float) -> ConnectedAccount:
    """POST grant_type=authorization_code&code=… once; the connected account, or
    ConnectRefused (invalid_grant: expired, used or unknown code), GatewayAuthError (platform
    key refused), GatewayRateLimited or GatewayUnavailable."""
    session = OAuth2Session(client_id, secret_key,
                            token_endpoint_auth_method="client_secret_post")  # noqa: S106
    no_retries = HTTPAdapter(max_retries=0)
    session.mount("https://", no_retries)
    session.mount("http://", no_retries)
    session.register_compliance_hook("access_token_response", _refuse_http_failures)
    with session:
        try:
            token = session.fetch_token(endpoint, grant_type="authorization_code", code=code,
                                        timeout=timeout)
        except OAuthError as exc:
            raise oauth_refusal(str(exc.error), exc.description or "") from None
        except requests.RequestException:
            raise GatewayUnavailable("Stripe's token endpoint could not be reached.") from None
        except ValueError:
            raise GatewayUnavailable("Stripe's token endpoint answered something other than "
                                     "a JSON object.") from None
    return connected_account(token)


def connected_account(token: Mapping) -> ConnectedAccount:
    """Stripe's token answer (reference §1.5, §6) as a ConnectedAccount. Real answers carry
    `livemode` as a boolean; stripe-python's own test stub sends the string "false". The
    account's own tokens and publishable key are dropped here: Remit acts with the platform key
    and `Stripe-Account`, so they would only be a secret to guard."""
    account_id = token.get("stripe_user_id")
    if not isinstance(account_id, str) or not account_id.startswith("acct_"):
        raise GatewayUnavailable("Stripe's token answer named no connected account.")
    return ConnectedAccount(account_id=account_id, livemode=token.get("livemode") in (True, "true"),
                            scope=str(token.get("scope") or ""))


def _refuse_http_failures(response: requests.Response) -> requests.Response:
    """Authlib's hook on the raw answer: an OAuth error body (`"error": "<code>"`) goes on to
    Authlib; any other failure (an API error object for a bad key, a 429, a 5xx page) is
    translated here by its status."""
    if response.status_code < 400:
        return response
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, str):
        return response
    raise http_failure(response.status_code, response.headers)
