"""StripeGateway: gateways.base.GatewayProvider for Stripe Connect (Standard accounts, OAuth).

After connecting, Stripe's advice is the platform key plus the account id, not the deprecated
per-account access token (reference §1.5, §2.1): every API call here uses the platform key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from gateways.base import (
    AccountProfile,
    BalanceEntry,
    ChargeLimits,
    CheckoutRequest,
    CheckoutSession,
    CheckoutState,
    ConnectedAccount,
    GatewayBalance,
    GatewayRejected,
    GatewayUnavailable,
    Landing,
    Movement,
    PayoutMovement,
    ReceivedEvent,
    WebhookRejected,
)
from gateways.stripe import balance, checkout, client, currencies, events, oauth
from gateways.stripe.const import (
    API_BASE,
    AUTHORIZE_PATH,
    CHECKOUT_BASE,
    CONNECT_BASE,
    DASHBOARD_BASE,
    SESSION_LIFETIME,
    SIGNATURE_HEADER,
    TOKEN_PATH,
    WEBHOOK_TOLERANCE,
)

T = TypeVar("T")
ACCOUNT_ID = re.compile(r"acct_[A-Za-z0-9]+")
SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]+")
LIVE_KEY = re.compile(r"(?:sk|rk)_live_")


class StripeGateway:
    """Stripe for one platform registration. `connect_base`/`api_base` are Stripe's real
    origins, or their sandbox stand-ins (sandbox/hosts.py) in sandbox mode."""

    kind = "stripe"
    display_name = "Stripe"
    session_lifetime = SESSION_LIFETIME
    page_origins = (CONNECT_BASE, CHECKOUT_BASE)
    checkout_event_types = events.CHECKOUT_EVENTS

    def __init__(self, client_id: str, secret_key: str, connect_base: str = CONNECT_BASE,
                 api_base: str = API_BASE, timeout: float = 20.0) -> None:
        self.client_id = client_id
        self._secret_key = secret_key
        self._connect_base = connect_base.rstrip("/")
        self._api = client.StripeApi(secret_key, client_id, connect_base, api_base, timeout)
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"StripeGateway(client_id={self.client_id!r}, connect_base={self._connect_base!r})"

    @property
    def livemode(self) -> bool:
        """Stripe's mode is the key's: live keys see live accounts and objects."""
        return bool(LIVE_KEY.match(self._secret_key))

    def authorize_url(self, *, redirect_uri: str, state: str, landing: Landing,
                      prefill: Mapping[str, str]) -> str:
        return oauth.authorize_url(self._connect_base + AUTHORIZE_PATH, self.client_id,
                                   redirect_uri=redirect_uri, state=state, landing=landing,
                                   prefill=prefill)

    def exchange_code(self, code: str) -> ConnectedAccount:
        return oauth.exchange_code(self._connect_base + TOKEN_PATH, self.client_id,
                                   self._secret_key, code, self._timeout)

    def account_profile(self, account_id: str) -> AccountProfile:
        """GET /v1/accounts/{id}, then GET /v1/country_specs/{its country}."""
        account = self._api.account(_checked(account_id))
        country = account.get("country")
        if not isinstance(country, str) or not country:
            raise GatewayUnavailable("Stripe's account answer has no country.")
        spec = self._api.country_spec(country)
        return profile(account, spec, livemode=self.livemode)

    def deauthorize(self, account_id: str) -> None:
        answer = self._api.deauthorize(_checked(account_id))
        if answer.get("stripe_user_id") != account_id:
            raise GatewayUnavailable("Stripe's deauthorize answer named another account.")

    def receive(self, body: bytes, headers: Mapping[str, str],
                secret: str | None) -> list[ReceivedEvent]:
        """Stripe signs one event per request in the Stripe-Signature header."""
        event = self.verify_event(body, headers.get(SIGNATURE_HEADER), secret)
        try:
            return [events.received(event)]
        except ValueError as malformed:
            raise WebhookRejected(str(malformed)) from None

    def verify_event(self, payload: bytes, signature_header: str | None, secret: str | None,
                     tolerance: int = WEBHOOK_TOLERANCE) -> dict:
        return client.verify_event(payload, signature_header, secret, tolerance)

    def event(self, payload: Mapping) -> ReceivedEvent:
        return events.received(payload)

    def checkout_update(self, payload: Mapping) -> CheckoutState | None:
        return events.checkout_update(payload)

    def exponent(self, currency: str) -> int:
        return currencies.exponent(currency)

    def payment_label(self, *, source_id: str, charge_id: str | None, account_id: str) -> str:
        return (f"Stripe payment {source_id}" + (f", charge {charge_id}" if charge_id else "")
                + f", account {account_id}")

    def dashboard_url(self, *, account_id: str, source_id: str, livemode: bool) -> str | None:
        """[verify] the dashboard's page of a payment (or of a payout, po_…), test-mode
        objects under /test/."""
        section = "payouts" if source_id.startswith("po_") else "payments"
        return (f"{DASHBOARD_BASE}/{account_id}/{'' if livemode else 'test/'}{section}/"
                f"{source_id}")

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """POST /v1/checkout/sessions as the connected account: a direct charge (checkout.py)."""
        answer = self._api.create_checkout_session(_checked(request.account_id),
                                                   checkout.session_params(request),
                                                   request.idempotency_key)
        return checkout.checkout_session(answer)

    def expire_checkout(self, account_id: str, session_id: str) -> CheckoutState:
        """POST …/expire; when Stripe refuses because the session is no longer open, GET it to
        learn whether it was paid (two requests then)."""
        account_id, session_id = _checked(account_id), _checked_session(session_id)
        try:
            return checkout.checkout_state(self._api.expire_checkout_session(account_id,
                                                                             session_id))
        except GatewayRejected:
            state = self.checkout_state(account_id, session_id)
            if state.status == "open":  # refused for another reason: say so
                raise
            return state

    def checkout_state(self, account_id: str, session_id: str) -> CheckoutState:
        """GET /v1/checkout/sessions/{id} as the connected account."""
        return checkout.checkout_state(self._api.checkout_session(
            _checked(account_id), _checked_session(session_id)))

    def charge_limits(self, currency: str) -> ChargeLimits:
        return checkout.charge_limits(currency)

    def movements(self, event: dict) -> list[Movement]:
        return events.movements(event)

    def balance_entry(self, account_id: str, entry_id: str) -> BalanceEntry:
        """GET /v1/balance_transactions/{id}?expand[]=source as the connected account."""
        answer = self._api.balance_transaction(_checked(account_id),
                                               _checked_object(entry_id, "txn_"))
        return _readable(lambda: balance.entry(answer))

    def payment_settlement(self, account_id: str, payment_id: str) -> BalanceEntry | None:
        """GET /v1/payment_intents/{id}?expand[]=latest_charge.balance_transaction; None while
        the charge has no balance transaction (async capture, reference §2.2) or there is no
        charge yet. Remit's payments are PaymentIntents (Checkout): other ids are refused."""
        answer = self._api.payment_intent_settlement(_checked(account_id),
                                                     _checked_object(payment_id, "pi_"))
        charge = answer.get("latest_charge")
        transaction = charge.get("balance_transaction") if isinstance(charge, Mapping) else None
        if not isinstance(transaction, Mapping):
            return None
        return _readable(lambda: balance.with_payment(balance.entry(transaction), payment_id))

    def payout(self, account_id: str, payout_id: str) -> PayoutMovement:
        """GET /v1/payouts/{id} as the connected account."""
        answer = self._api.payout(_checked(account_id), _checked_object(payout_id, "po_"))
        return _readable(lambda: balance.payout_movement(
            answer, account_id=account_id, livemode=answer.get("livemode") is True))

    def payout_entries(self, account_id: str, payout_id: str) -> list[BalanceEntry]:
        """GET /v1/balance_transactions?payout=po_…&limit=100&expand[]=data.source, then each
        next page after the last entry read (`starting_after`) while Stripe has more. Stripe
        lists a payout's contents only once its reconciliation is complete (GatewayRejected
        before)."""
        account_id, payout_id = _checked(account_id), _checked_object(payout_id, "po_")
        found: list[BalanceEntry] = []
        after: str | None = None
        while True:
            page = self._api.balance_transactions(account_id, payout_id, after)
            rows = page.get("data")
            if not isinstance(rows, list):
                raise GatewayUnavailable("Stripe's balance transaction list has no data.")
            found += _readable(lambda rows=rows: [balance.entry(row, payout_id=payout_id)
                                                  for row in rows])
            if page.get("has_more") is not True:
                return found
            if not rows:
                raise GatewayUnavailable("Stripe said more balance transactions follow but "
                                         "sent none.")
            after = found[-1].id

    def balances(self, account_id: str) -> list[GatewayBalance]:
        """GET /v1/balance as the connected account: available and pending per currency."""
        answer = self._api.balance(_checked(account_id))
        return _readable(lambda: balance.balances(answer))


def profile(account: Mapping, spec: Mapping, *, livemode: bool) -> AccountProfile:
    """An account object and its country's spec as an AccountProfile. The name is what the
    account's owner sees in Stripe's dashboard, falling back to the business name, the email,
    and finally the id."""
    dashboard = (account.get("settings") or {}).get("dashboard") or {}
    business = account.get("business_profile") or {}
    name = (dashboard.get("display_name") or business.get("name") or account.get("email")
            or account["id"])
    currencies = sorted({code.upper() for code in spec.get("supported_payment_currencies", [])})
    return AccountProfile(
        account_id=account["id"], display_name=name, country=account["country"],
        default_currency=str(account.get("default_currency") or "").upper(),
        currencies=tuple(currencies), livemode=livemode, email=account.get("email") or None)


def _checked(account_id: str) -> str:
    """Refuse anything that is not an account id before it reaches a URL path."""
    if not ACCOUNT_ID.fullmatch(account_id or ""):
        raise ValueError(f"not a Stripe account id: {account_id!r}")
    return account_id


def _checked_object(object_id: str, prefix: str) -> str:
    """An object id of the expected kind (txn_, pi_, po_), refused before it reaches a URL."""
    if not re.fullmatch(re.escape(prefix) + r"[A-Za-z0-9_]+", object_id or ""):
        raise ValueError(f"not a Stripe {prefix}… id: {object_id!r}")
    return object_id


def _readable(read: Callable[[], T]) -> T:
    """What an answer says, or GatewayUnavailable when Stripe's answer cannot be read."""
    try:
        return read()
    except ValueError as unreadable:
        raise GatewayUnavailable(f"Stripe's answer could not be read: {unreadable}") from None


def _checked_session(session_id: str) -> str:
    if not SESSION_ID.fullmatch(session_id or ""):
        raise ValueError(f"not a Checkout Session id: {session_id!r}")
    return session_id
