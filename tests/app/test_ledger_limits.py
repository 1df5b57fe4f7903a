"""The per-company budget of ledger calls: shared counters, a clear refusal past the limit."""

import pytest
from huey.exceptions import RateLimitExceeded

from addon.extensions import db
from addon.models import Company, Platform
from addon.posting import limits


@pytest.fixture
def xero_company(app):
    company = Company(platform=Platform.XERO, external_id="t-limits", name="Org",
                      home_currency="GBP")
    db.session.add(company)
    db.session.commit()
    yield company
    limits.limiter(company).reset()


def test_xero_allows_twelve_postings_a_minute_per_company(xero_company):
    assert limits.postings_per_minute(Platform.XERO) == 12
    assert limits.postings_per_minute(Platform.QUICKBOOKS) == 100
    for _ in range(12):
        limits.acquire(xero_company)
    with pytest.raises(RateLimitExceeded) as over:
        limits.acquire(xero_company)
    assert 0 < over.value.delay <= limits.WINDOW_SECONDS


def test_budgets_are_per_company(xero_company):
    other = Company(platform=Platform.XERO, external_id="t-other", name="Other",
                    home_currency="GBP")
    db.session.add(other)
    db.session.commit()
    for _ in range(12):
        limits.acquire(xero_company)
    limits.acquire(other)  # its own budget
    limits.limiter(other).reset()


def test_one_posting_at_a_time_per_company(xero_company):
    from huey.exceptions import TaskLockedException

    from addon.jobs import post_payment_task
    from addon.models import Posting

    posting = Posting(company_id=xero_company.id, kind="payment", source_id="pi_locked",
                      amount_minor=100, currency="GBP", idempotency_key="rp-locked")
    db.session.add(posting)
    db.session.commit()
    with limits.one_at_a_time(xero_company), pytest.raises(TaskLockedException):
        post_payment_task.call_local(posting.id)
    db.session.expire_all()
    assert posting.attempts == 0  # nothing was tried while another worker held the company
