"""A reconciliation row in words, in the page's language: its status and each finding. The page,
the CSV and the command say the same things the same way."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from addon.reconcile.rows import (
    DISPUTE,
    FEE,
    PAYMENT,
    PAYOUT,
    PAYOUT_REVERSAL,
    REFUND,
    Finding,
    PayoutRow,
    Status,
    Why,
)

Money = Callable[[Decimal], str]  # an amount as the page writes it, with its currency

KINDS = {PAYMENT: _l("Payment"), FEE: _l("Fee"), REFUND: _l("Refund"),
         DISPUTE: _l("Dispute step"), PAYOUT: _l("Payout"),
         PAYOUT_REVERSAL: _l("Payout reversal")}
STATES = {"pending": _l("pending"), "processing": _l("being recorded"),
          "failed": _l("failed"), "absent": _l("not received yet"),
          "unmatched": _l("unmatched"), "ignored": _l("ignored")}


def status(row: PayoutRow, money: Money) -> str:
    if row.status is Status.BALANCED:
        return _("Balanced")
    if row.status is Status.WAITING:
        return _("Waiting")
    return _("Off by %(amount)s", amount=money(row.difference))


def finding(item: Finding, money: Money, gateway: str) -> str:
    """One sentence, with the posting's own error when it has one."""
    sentence = _sentence(item, money, gateway)
    return f"{sentence} {item.error}" if item.error else sentence


def _sentence(item: Finding, money: Money, gateway: str) -> str:
    kind = str(KINDS.get(item.posting_kind or "", item.posting_kind or ""))
    state = str(STATES.get(item.posting_state or "", item.posting_state or ""))
    if item.why is Why.NOT_RECONCILED:
        return _("Not reconciled by %(gateway)s yet: it has not listed what the payout "
                 "contains.", gateway=gateway)
    if item.why is Why.PAYOUT_NOT_RECORDED:
        return _("The payout itself is not recorded yet (%(state)s).", state=state)
    if item.why is Why.REVERSAL_NOT_RECORDED:
        return _("The payout failed after it was recorded; its reversal is %(state)s.",
                 state=state)
    if item.why is Why.POSTING_WAITING:
        return _("%(kind)s %(source)s: %(state)s.", kind=kind, source=item.source_id,
                 state=state)
    if item.why is Why.NOT_RECORDED:
        return _("%(kind)s %(source)s is %(state)s: %(amount)s never reached the ledger.",
                 kind=kind, source=item.source_id, state=state,
                 amount=money(item.difference))
    if item.why is Why.OTHER_AMOUNT:
        return _("%(kind)s %(source)s was recorded as %(recorded)s; the balance entry says "
                 "%(expected)s.", kind=kind, source=item.source_id,
                 recorded=money(item.recorded), expected=money(item.expected))
    if item.why is Why.UNANSWERED:
        return _("Balance entry %(entry)s (%(amount)s) is recorded by no posting.",
                 entry=item.entry_id, amount=money(item.expected))
    return _("The payout is %(expected)s but its entries add up to %(recorded)s.",
             expected=money(item.expected), recorded=money(item.recorded))
