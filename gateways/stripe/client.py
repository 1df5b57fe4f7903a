"""The one module that imports stripe-python: a client per call, the error translation, and
webhook signature checks.

stripe-python 16 traps handled here (reference §5):
- the global style (`stripe.OAuth.token`, `stripe.api_key`) retries 5xx twice, resending an
  OAuth code (which revokes the connection): only `StripeClient` is used, with
  `max_network_retries=0`, so every call is exactly one HTTP request;
- the default HTTP timeout is 80 s: every client gets `RequestsClient(timeout=...)`;
- the first request writes a telemetry id under ~/.config/stripe and sends the platform string:
  telemetry is off (§5.6);
- OAuth errors are `stripe.oauth_error.*`, not `stripe.InvalidRequestError` (§3.2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

import requests
import stripe
import stripe.oauth_error  # not loaded by `import stripe`

from gateways.base import (
    ConnectRefused,
    GatewayAuthError,
    GatewayError,
    GatewayRateLimited,
    GatewayRejected,
    GatewayUnavailable,
    WebhookRejected,
)
from gateways.stripe.const import API_VERSION

stripe.enable_telemetry = False

# Codes, keys and tokens Stripe may echo in an error text ("Authorization code does not exist:
# ac_…"): never carried into Remit's exceptions.
CREDENTIAL = re.compile(r"\b(ac|sk|rk|rt|pk)_[\w-]+")


class StripeApi:
    """stripe-python bound to the platform's key and to where Stripe answers (the real hosts,
    or their sandbox stand-ins). Builds a fresh StripeClient and HTTP session per call, so no
    state or connection outlives the call; construction makes no network call."""

    def __init__(self, secret_key: str, client_id: str, connect_base: str, api_base: str,
                 timeout: float) -> None:
        self._secret_key, self._client_id = secret_key, client_id
        self._bases = {"api": api_base.rstrip("/"), "connect": connect_base.rstrip("/")}
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"StripeApi(client_id={self._client_id!r}, bases={self._bases!r})"

    def account(self, account_id: str) -> dict:
        """GET /v1/accounts/{id} with the platform key: a connected account."""
        return self._call(lambda client: client.v1.accounts.retrieve(account_id))

    def country_spec(self, country: str) -> dict:
        """GET /v1/country_specs/{country}: what accounts in that country can accept."""
        return self._call(lambda client: client.v1.country_specs.retrieve(country))

    def deauthorize(self, account_id: str) -> dict:
        """POST {connect}/oauth/deauthorize: client_id + stripe_user_id."""
        return self._call(lambda client: client.oauth.deauthorize({"stripe_user_id": account_id}))

    def create_checkout_session(self, account_id: str, params: dict,
                                idempotency_key: str) -> dict:
        """POST /v1/checkout/sessions as the connected account (`Stripe-Account`), with the
        caller's Idempotency-Key instead of the SDK's random one, so a retry finds the first
        session (reference §2.1, §2.6)."""
        options: stripe.RequestOptions = {"stripe_account": account_id,
                                          "idempotency_key": idempotency_key}
        return self._call(lambda client: client.v1.checkout.sessions.create(params, options))

    def expire_checkout_session(self, account_id: str, session_id: str) -> dict:
        """POST /v1/checkout/sessions/{id}/expire as the connected account: only an open
        session can be expired (https://docs.stripe.com/api/checkout/sessions/expire)."""
        options: stripe.RequestOptions = {"stripe_account": account_id}
        return self._call(lambda client: client.v1.checkout.sessions.expire(session_id,
                                                                            options=options))

    def checkout_session(self, account_id: str, session_id: str) -> dict:
        """GET /v1/checkout/sessions/{id} as the connected account."""
        options: stripe.RequestOptions = {"stripe_account": account_id}
        return self._call(lambda client: client.v1.checkout.sessions.retrieve(session_id,
                                                                              options=options))

    def balance_transaction(self, account_id: str, transaction_id: str) -> dict:
        """GET /v1/balance_transactions/{id}?expand[]=source as the connected account: the
        source expanded names the payment it belongs to."""
        return self._call(lambda client: client.v1.balance_transactions.retrieve(
            transaction_id, {"expand": ["source"]}, _as(account_id)))

    def balance_transactions(self, account_id: str, payout_id: str,
                             starting_after: str | None = None) -> dict:
        """One page (100, Stripe's most) of GET /v1/balance_transactions?payout=po_… with
        `expand[]=data.source`, after `starting_after` when given."""
        params: dict = {"payout": payout_id, "limit": 100, "expand": ["data.source"]}
        if starting_after is not None:
            params["starting_after"] = starting_after
        return self._call(lambda client: client.v1.balance_transactions.list(
            params, _as(account_id)))

    def payment_intent_settlement(self, account_id: str, payment_intent_id: str) -> dict:
        """GET /v1/payment_intents/{id}?expand[]=latest_charge.balance_transaction: the
        payment with its charge's balance transaction in one request (reference §2.2)."""
        return self._call(lambda client: client.v1.payment_intents.retrieve(
            payment_intent_id, {"expand": ["latest_charge.balance_transaction"]},
            _as(account_id)))

    def payout(self, account_id: str, payout_id: str) -> dict:
        """GET /v1/payouts/{id} as the connected account."""
        return self._call(lambda client: client.v1.payouts.retrieve(payout_id,
                                                                    options=_as(account_id)))

    def balance(self, account_id: str) -> dict:
        """GET /v1/balance as the connected account."""
        return self._call(lambda client: client.v1.balance.retrieve(options=_as(account_id)))

    def _call(self, operation: Callable[[stripe.StripeClient], stripe.StripeObject]) -> dict:
        with requests.Session() as session:
            client = stripe.StripeClient(
                self._secret_key, client_id=self._client_id, base_addresses=self._bases,
                stripe_version=API_VERSION, max_network_retries=0,
                http_client=stripe.RequestsClient(timeout=self._timeout, session=session))
            try:
                return operation(client).to_dict()
            except stripe.StripeError as exc:
                raise translate(exc) from None  # the SDK error may quote the request


def _as(account_id: str) -> stripe.RequestOptions:
    """Request options acting as the connected account (the `Stripe-Account` header)."""
    return {"stripe_account": account_id}


def translate(exc: stripe.StripeError) -> GatewayError:
    """Every stripe-python error as Remit's taxonomy (reference §3.2)."""
    if isinstance(exc, stripe.oauth_error.OAuthError):
        return oauth_refusal(exc.code or "oauth_error", exc.user_message or "")
    if isinstance(exc, stripe.APIConnectionError):
        return GatewayUnavailable("Stripe could not be reached (connection failed or timed "
                                  "out).")
    status = exc.http_status or 0
    if isinstance(exc, stripe.RateLimitError):
        return http_failure(429, exc.headers)
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        return GatewayAuthError(f"Stripe refused the platform key or access to the account "
                                f"(HTTP {status}, {_reference(exc)}).")
    if status >= 500 or isinstance(exc, stripe.APIError):
        return http_failure(max(status, 500), exc.headers)
    if isinstance(exc, stripe.IdempotencyError):
        return GatewayRejected(f"Stripe refused the idempotency key: it was first used with "
                               f"other parameters (HTTP {status}, {_reference(exc)}).",
                               detail=redact(exc.user_message or ""))
    if isinstance(exc, stripe.InvalidRequestError):
        return GatewayRejected(f"Stripe rejected the request (HTTP {status}, {_reference(exc)}).",
                               detail=redact(exc.user_message or ""), code=exc.code or "")
    return GatewayError(f"Stripe answered {type(exc).__name__} (HTTP {status}).")


def oauth_refusal(code: str, description: str) -> GatewayError:
    """An OAuth error answer (`{"error": "<code>", ...}`). `invalid_client` means the platform's
    client or key is wrong, or the account is not connected to it: an auth problem; every
    other code ends the connect flow."""
    if code == "invalid_client":
        return GatewayAuthError("Stripe refused the platform's client, or the account is not "
                                "connected to it (invalid_client).")
    return ConnectRefused(code, redact(description))


def http_failure(status: int, headers: Mapping[str, str] | None) -> GatewayError:
    """An answer that is an HTTP failure rather than a Stripe error object."""
    if status == 429:
        return GatewayRateLimited("Stripe throttled the request (HTTP 429).",
                                  retry_after=_retry_after(headers or {}))
    if status in (401, 403):
        return GatewayAuthError(f"Stripe refused the platform key (HTTP {status}).")
    if status >= 500:
        return GatewayUnavailable(f"Stripe is unavailable (HTTP {status}).")
    return GatewayRejected(f"Stripe rejected the request (HTTP {status}).")


def redact(text: str) -> str:
    return CREDENTIAL.sub(lambda match: match.group(1) + "_[hidden]", text)


def verify_event(payload: bytes, signature_header: str | None, secret: str | None,
                 tolerance: int) -> dict:
    """The event once stripe-python's own check (HMAC-SHA256 over `t.body`, any `v1`
    matching, not older than `tolerance` s) passes; else WebhookRejected (reference §4.2)."""
    if tolerance <= 0:  # Stripe's check would silently skip the age test
        raise ValueError("tolerance must be positive")
    if not secret or not secret.strip():
        raise WebhookRejected("no webhook signing secret is configured")
    if not signature_header:
        raise WebhookRejected("the Stripe-Signature header is missing")
    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, tolerance)
        event = json.loads(payload)
    except stripe.SignatureVerificationError as exc:
        raise WebhookRejected(_rejection(exc.user_message or "", tolerance)) from None
    except ValueError:  # undecodable bytes or not JSON
        raise WebhookRejected("the body is not UTF-8 JSON") from None
    if not isinstance(event, dict) or event.get("object") != "event":
        raise WebhookRejected("the body is not a Stripe snapshot event")
    return event


def _rejection(message: str, tolerance: int) -> str:
    """stripe-python's verification message, as a reason that holds no signature."""
    if message.startswith("Timestamp outside the tolerance zone"):
        return f"the signature timestamp is older than {tolerance} s"
    if message.startswith("No signatures found matching"):
        return "no signature matches the body and the signing secret"
    return "the Stripe-Signature header is malformed"


def _reference(exc: stripe.StripeError) -> str:
    """What identifies the failure for support, without the message (it may echo the key)."""
    code = getattr(exc, "code", None) or "no code"
    return f"{code}, request {exc.request_id}" if exc.request_id else code


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Stripe does not document Retry-After on 429s (reference §3.2); honour it when sent."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
