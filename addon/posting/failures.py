"""What answers for a failed or cancelled payout's money coming back (a `payout_failure` /
`payout_cancel` entry) when a later payout takes it: one rule for the runner (what the later
payout waits for) and the Reconciliation rows (what its row checks). Pure: statuses in, the
answering posting out.

Failed before Remit recorded it (its payout posting ignored, or unmatched): the clearing account
never lost the money, so nothing answers and the later payout takes the entry from clearing along
with the rest, which nets clearing to zero. Recorded first (its payout posting done): the money
left clearing for the bank, so the reversal (bank -> clearing) must be recorded before the later
payout is. Not settled yet (no posting, or one still pending): the failed payout's own posting,
until it is one or the other.
"""

from __future__ import annotations

PAYOUT, PAYOUT_REVERSAL = "payout", "payout_reversal"
RECORDED = "done"
NEVER_RECORDED = frozenset({"unmatched", "ignored"})  # WorkStatus values: final, no ledger write


def failure_answer(failed_payout_id: str,
                   failed_payout_status: str | None) -> tuple[str, str] | None:
    """The (kind, source id) of the posting that answers for the failure entry of
    `failed_payout_id`, given its payout posting's status (None: no posting); None when nothing
    needs to."""
    if failed_payout_status == RECORDED:
        return PAYOUT_REVERSAL, failed_payout_id
    if failed_payout_status in NEVER_RECORDED:
        return None
    return PAYOUT, failed_payout_id
