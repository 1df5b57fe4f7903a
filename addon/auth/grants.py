"""What a company's stored grant lacks of the scopes its ledger now asks for, and what waits on it.

A company connected before Remit asked for a scope (Xero's manual journals, say) keeps its old
grant: it is alive, so payments keep posting, but what needs the new scope cannot be written.
That is decided here from the stored scopes, before any ledger call; a ledger that refuses a
scope anyway (connectors.base.ScopeMissing) gets the same reason. One sentence says it
everywhere (the Activity reason, the banner, the set-up form): "Reconnect Xero to let Remit
record fees and disputes (Xero asks you to grant manual journals)". Reconnecting asks for the
descriptor's full scopes (auth.reconnect) and enqueues what waited (`resume`).
"""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from addon.extensions import db
from addon.models import Company, ConnectionStatus, Posting, WorkStatus
from addon.posting.waiting import Waiting

# The Connector method each posting kind writes with (addon/posting/writers.py BUILD).
KIND_METHOD = {"payment": "record_payment", "fee": "record_journal",
               "dispute": "record_journal", "refund": "record_refund",
               "payout": "record_payout", "payout_reversal": "record_payout"}
# connectors.platform.PURPOSES in English (posting.error, logs) ...
ENGLISH_PURPOSES = {"journals": "record fees and disputes", "create_accounts": "create accounts",
                    "balances": "read clearing account balances"}
WAITING_CODE = "scope"


def _purposes() -> dict[str, str]:
    """... and in the reader's language."""
    return {"journals": _("record fees and disputes"), "create_accounts": _("create accounts"),
            "balances": _("read clearing account balances")}


def lacking(company: Company, method: str | None = None) -> tuple[str, ...]:
    """The scopes the ledger asks for that the company's active grant does not hold (nor an
    older scope granting the same), limited to those `method` may need. Nothing when the grant
    is not active (that is "needs reconnecting", said elsewhere) or its scopes were never
    reported."""
    grant = company.connection
    if company.status is not ConnectionStatus.ACTIVE or grant is None or not grant.scopes:
        return ()
    ledger = company.ledger
    granted, asked = set(grant.scopes.split()), set(ledger.scope.split())
    return tuple(scope for scope, use in ledger.scope_uses.items()
                 if scope in asked and scope not in granted and not granted & set(use.also)
                 and (method is None or method in use.methods))


def needed_by(ledger, method: str) -> tuple[str, ...]:
    """The scopes of the ledger's explained ones that `method` may need."""
    return tuple(s for s, use in ledger.scope_uses.items() if method in use.methods)


def require(company: Company, kind: str) -> None:
    """Waiting (code "scope") when the grant lacks a scope this posting kind's write needs."""
    if kind not in KIND_METHOD:  # no ledger write of its own
        return
    missing = lacking(company, KIND_METHOD[kind])
    if missing:
        raise waiting(company, missing)


def waiting(company: Company, scopes: tuple[str, ...], kind: str | None = None) -> Waiting:
    """The Waiting for `scopes` (those a ledger's refusal named; when it named none, those
    the kind's write may need, else every scope the ledger explains)."""
    ledger = company.ledger
    scopes = (tuple(s for s in scopes if s in ledger.scope_uses)
              or (needed_by(ledger, KIND_METHOD[kind]) if kind in KIND_METHOD else ())
              or tuple(ledger.scope_uses))
    uses = [ledger.scope_uses[s] for s in scopes]
    if not uses:  # a ledger that explains none of its scopes
        return Waiting(WAITING_CODE, f"Reconnect {ledger.display_name}: it refused Remit a "
                       "permission this needs.", scopes=[])
    english = (f"Reconnect {ledger.display_name} to let Remit "
               f"{_join(list(dict.fromkeys(ENGLISH_PURPOSES[u.purpose] for u in uses)), 'en')} "
               f"({ledger.display_name} asks you to grant "
               f"{_join([u.label for u in uses], 'en')}).")
    return Waiting(WAITING_CODE, english, scopes=list(scopes))


def refused(company: Company, scopes: tuple[str, ...], kind: str) -> Waiting:
    """The ledger refused a scope the stored grant claims (connectors.base.ScopeMissing): the
    grant is trusted no more for it, so the banner asks for it and later postings wait without
    a call; the Waiting is the same as when it was known beforehand. The caller commits."""
    reason = waiting(company, scopes, kind)
    grant, lost = company.connection, set(reason.values["scopes"])
    if grant is not None and grant.scopes:
        grant.scopes = " ".join(s for s in grant.scopes.split()
                                if s not in lost and not any(
                                    s in company.ledger.scope_uses[m].also for m in lost))
    return reason


def sentence(company: Company | int, scopes) -> str:
    """The reason, in the reader's language: "Reconnect Xero to let Remit record fees and
    disputes (Xero asks you to grant manual journals)". `company` may be its id."""
    if isinstance(company, int):
        company = db.session.get(Company, company)
    ledger, words = company.ledger, _purposes()
    uses = [ledger.scope_uses[s] for s in scopes if s in ledger.scope_uses]
    if not uses:
        return ""
    language = str(get_locale() or "en")
    return _("Reconnect %(platform)s to let Remit %(purposes)s (%(platform)s asks you to grant "
             "%(permissions)s).", platform=ledger.display_name,
             purposes=_join(list(dict.fromkeys(words[u.purpose] for u in uses)), language),
             permissions=_join([_(u.label) for u in uses], language))


def banner(company: Company | None) -> str:
    """The banner's sentence for the company's grant ("" when it lacks nothing)."""
    return sentence(company, lacking(company)) if company is not None else ""


def resume(company: Company) -> list[int]:
    """Pending postings that waited for a reconnection (a scope, or a grant that had died):
    the ids to enqueue once the company is reconnected."""
    from addon.posting.runner import WAITING_FOR_RECONNECT  # runner imports this module

    pending = db.session.scalars(select(Posting).where(
        Posting.company_id == company.id, Posting.status == WorkStatus.PENDING)).all()
    return [p.id for p in pending
            if ((p.payload or {}).get("waiting") or {}).get("code") == WAITING_CODE
            or p.error == WAITING_FOR_RECONNECT]


def _join(items: list[str], language: str) -> str:
    return format_list(items, locale=language.replace("-", "_")) if items else ""
