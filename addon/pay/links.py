"""Pay links: signed, dated tokens naming a company and an invoice, under REMIT_BASE_URL.

A link expires after REMIT_PAY_LINK_DAYS (itsdangerous' timed signature), so a link forwarded
or leaked long ago stops opening the company's invoices."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from addon.urls import public_url

SALT = "remit-pay-link"
DAY = 24 * 3600


class LinkExpired(Exception):
    """The link was genuine but is older than REMIT_PAY_LINK_DAYS."""


class LinkInvalid(Exception):
    """The link was not made by Remit (tampered, truncated, signed with another key)."""


@dataclass(frozen=True)
class Link:
    company_id: int
    invoice_id: str


def pay_link(company_id: int, invoice_id: str) -> str:
    """The customer's link, the same from a request, a worker or the CLI (never the Host
    header)."""
    return public_url("pay.invoice_page", token=make_token(company_id, invoice_id))


def make_token(company_id: int, invoice_id: str) -> str:
    return _serializer().dumps({"c": company_id, "i": invoice_id})


def read_token(token: str) -> Link:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PAY_LINK_DAYS"] * DAY)
        return Link(company_id=int(data["c"]), invoice_id=str(data["i"]))
    except SignatureExpired:
        raise LinkExpired(token) from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LinkInvalid(token) from None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)
