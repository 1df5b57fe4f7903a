"""The payment objects of the Stripe stand-in — checkout.session, payment_intent, charge — built
with exactly the keys of Stripe's own fixtures (../shared/specs/stripe/fixtures3.json), the
values a card payment through hosted Checkout has (API version 2026-10-28.endive: the
PaymentIntent is made when the customer pays; async capture, so the Charge's balance transaction
is not known yet, reference §2.2).
"""

from __future__ import annotations

import copy
import secrets
import string

from sandbox import stripe_seed as seed
from sandbox.stripe_sessions import SessionRequest

ALPHANUMERIC = string.ascii_letters + string.digits
SESSION_LIFETIME = 24 * 3600  # Stripe's default expires_at
NO_ADDRESS = {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None,
              "state": None}


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))


# What every session the stand-in opens has in common: no tax, discounts, shipping, customer
# object, invoice or embedded UI; cards only.
SESSION_CONSTANTS = {
    "adaptive_pricing": {"enabled": False}, "after_expiration": None,
    "allow_promotion_codes": None,
    "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
    "billing_address_collection": None, "client_reference_id": None, "client_secret": None,
    "collected_information": None, "consent": None, "consent_collection": None,
    "currency_conversion": None, "custom_fields": [],
    "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                    "terms_of_service_acceptance": None},
    "customer": None, "customer_account": None, "customer_creation": "if_required",
    "customer_details": None, "discounts": [], "integration_identifier": None, "invoice": None,
    "invoice_creation": {"enabled": False, "invoice_data": {
        "account_tax_ids": None, "custom_fields": None, "description": None, "footer": None,
        "issuer": None, "metadata": {}, "rendering_options": None}},
    "livemode": False, "locale": None, "mode": "payment", "origin_context": None,
    "payment_intent": None, "payment_link": None, "payment_method_collection": "if_required",
    "payment_method_configuration_details": None, "payment_method_options": {},
    "payment_method_types": ["card"], "payment_status": "unpaid", "permissions": None,
    "phone_number_collection": {"enabled": False}, "recovered_from": None,
    "saved_payment_method_options": None, "setup_intent": None,
    "shipping_address_collection": None, "shipping_cost": None, "shipping_options": [],
    "status": "open", "submit_type": None, "subscription": None,
    "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
    "ui_mode": "hosted", "wallet_options": None,
}


def checkout_session(session_id: str, request: SessionRequest, *, url: str,
                     created: int) -> dict:
    """An open, unpaid session as POST /v1/checkout/sessions answers it: id and object first,
    then the fields in Stripe's alphabetical order."""
    fields = {
        **copy.deepcopy(SESSION_CONSTANTS),
        "amount_subtotal": request.amount_total, "amount_total": request.amount_total,
        "cancel_url": request.cancel_url, "created": created, "currency": request.currency,
        "customer_email": request.customer_email,
        "expires_at": request.expires_at or created + SESSION_LIFETIME,
        "metadata": dict(request.metadata), "success_url": request.success_url, "url": url,
    }
    return {"id": session_id, "object": "checkout.session", **dict(sorted(fields.items()))}


def completed(session: dict, intent_id: str) -> dict:
    """The session once paid: complete, its PaymentIntent named, no page to visit any more."""
    details = {"address": dict(NO_ADDRESS), "business_name": None,
               "email": session["customer_email"], "individual_name": None, "name": None,
               "phone": None, "tax_exempt": "none", "tax_ids": []}
    return {**session, "customer_details": details, "payment_intent": intent_id,
            "payment_status": "paid", "status": "complete", "url": None}


def expired(session: dict) -> dict:
    """The session once expired (by its expires_at or by the expire call): no page any more."""
    return {**session, "status": "expired", "url": None}


def payment_intent(intent_id: str, charge_id: str, request: SessionRequest, *,
                   method_id: str, created: int) -> dict:
    """The succeeded PaymentIntent a paid session made, carrying payment_intent_data's
    metadata."""
    amount = request.amount_total
    return {
        "id": intent_id, "object": "payment_intent", "amount": amount, "amount_capturable": 0,
        "amount_details": {"tip": {}}, "amount_received": amount, "application": None,
        "application_fee_amount": None, "automatic_payment_methods": None,
        "canceled_at": None, "cancellation_reason": None, "capture_method": "automatic_async",
        "client_secret": f"{intent_id}_secret_{new_id('', 25)}",
        "confirmation_method": "automatic", "created": created, "currency": request.currency,
        "customer": None, "customer_account": None, "description": None,
        "excluded_payment_method_types": None, "last_payment_error": None,
        "latest_charge": charge_id, "livemode": False, "metadata": dict(request.intent_metadata),
        "next_action": None, "on_behalf_of": None, "payment_method": method_id,
        "payment_method_configuration_details": None, "payment_method_options": {},
        "payment_method_types": ["card"], "processing": None,
        "receipt_email": request.customer_email, "review": None, "setup_future_usage": None,
        "shipping": None, "source": None, "statement_descriptor": None,
        "statement_descriptor_suffix": None, "status": "succeeded", "transfer_data": None,
        "transfer_group": None,
    }


def charge(charge_id: str, intent: dict, *, account: dict, last4: str) -> dict:
    """The captured card charge of a succeeded PaymentIntent (same metadata, same amount)."""
    amount = intent["amount"]
    return {
        "id": charge_id, "object": "charge", "amount": amount, "amount_captured": amount,
        "amount_refunded": 0, "application": None, "application_fee": None,
        "application_fee_amount": None, "balance_transaction": None,
        "billing_details": {"address": dict(NO_ADDRESS), "email": intent["receipt_email"],
                            "name": None, "phone": None, "tax_id": None},
        "calculated_statement_descriptor": ((account.get("settings") or {}).get(
            "payments") or {}).get("statement_descriptor"),
        "captured": True, "created": intent["created"], "currency": intent["currency"],
        "customer": None, "description": None, "disputed": False,
        "failure_balance_transaction": None, "failure_code": None, "failure_message": None,
        "fraud_details": {}, "livemode": False, "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": {"advice_code": None, "network_advice_code": None,
                    "network_decline_code": None, "network_status": "approved_by_network",
                    "reason": None, "seller_message": "Payment complete.",
                    "type": "authorized"},
        "paid": True, "payment_intent": intent["id"],
        "payment_method": intent["payment_method"],
        "payment_method_details": {"card": _card(amount, last4), "type": "card"},
        "receipt_email": intent["receipt_email"], "receipt_number": None, "receipt_url": None,
        "refunded": False, "review": None, "shipping": None, "source": None,
        "source_transfer": None, "statement_descriptor": None,
        "statement_descriptor_suffix": None, "status": "succeeded", "transfer_data": None,
        "transfer_group": None,
    }


def _card(amount: int, last4: str) -> dict:
    return {
        "amount_authorized": amount, "authorization_code": "123456", "brand": "visa",
        "checks": {"address_line1_check": None, "address_postal_code_check": None,
                   "cvc_check": None},
        "country": "US", "exp_month": 12, "exp_year": 2034,
        "extended_authorization": {"status": "disabled"},
        "fingerprint": "RemitSandbox" + last4, "funding": "credit",
        "incremental_authorization": {"status": "unavailable"}, "installments": None,
        "last4": last4, "mandate": None, "multicapture": {"status": "unavailable"},
        "network": "visa", "network_token": {"used": False},
        "network_transaction_id": None,
        "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
        "regulated_status": "unregulated", "three_d_secure": None, "wallet": None,
    }


def display_amount(amount_minor: int, currency: str) -> str:
    """How the hosted page shows an amount: major units with the currency's decimals."""
    places = seed.exponent(currency)
    major, minor = divmod(amount_minor, 10 ** places)
    return f"{major:,}.{minor:0{places}d} {currency.upper()}" if places else \
        f"{major:,} {currency.upper()}"
