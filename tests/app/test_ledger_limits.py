"""The one-write-at-a-time lock per company: shared by every worker, expiring, released only by
its holder; on the queue's own store (in memory, or Redis on that tier) and on Huey's SQLite."""

import contextlib
import threading
import time

import pytest
from huey.exceptions import TaskLockedException

from addon.extensions import db
from addon.jobs import post_payment_task
from addon.models import Company, Platform, Posting, WorkStatus
from addon.posting import ledger_lock, limits


@pytest.fixture
def xero_company(app):
    company = Company(platform=Platform.XERO, external_id="t-limits", name="Org",
                      home_currency="GBP")
    db.session.add(company)
    db.session.commit()
    return company


def test_a_dead_holders_lock_lapses_after_its_ttl(store):
    dead = ledger_lock.LedgerLock("t-dead", ttl=0.3)
    dead.acquire()  # and never released: the worker was killed
    with pytest.raises(TaskLockedException):
        ledger_lock.LedgerLock("t-dead", ttl=0.3).acquire()
    time.sleep(0.35)
    assert ledger_lock.LedgerLock("t-dead", ttl=0.3).acquire()


def test_a_late_release_by_the_old_holder_keeps_the_new_holders_lock(store):
    old = ledger_lock.LedgerLock("t-late", ttl=0.2)
    old.acquire()
    time.sleep(0.25)
    new = ledger_lock.LedgerLock("t-late", ttl=5)
    new.acquire()
    assert old.release() is False  # its lock had lapsed: it frees nothing
    with pytest.raises(TaskLockedException):
        ledger_lock.LedgerLock("t-late", ttl=5).acquire()
    assert new.release() is True
    assert ledger_lock.LedgerLock("t-late", ttl=5).acquire()


def test_a_holder_keeps_its_lock_alive_call_by_call(store):
    holder = ledger_lock.LedgerLock("t-alive", ttl=0.3)
    holder.acquire()
    for _ in range(3):
        time.sleep(0.15)
        ledger_lock.keep_alive()  # what the budget does before each ledger call
    with pytest.raises(TaskLockedException):  # 0.45 s later, still held
        ledger_lock.LedgerLock("t-alive", ttl=0.3).acquire()
    holder.release()
    ledger_lock.keep_alive()  # released: nothing held, nothing extended
    assert ledger_lock.LedgerLock("t-alive", ttl=0.3).acquire()


def test_only_one_of_many_workers_takes_a_free_lock(store):
    taken = []

    def worker():
        with contextlib.suppress(TaskLockedException):
            taken.append(ledger_lock.LedgerLock("t-race", ttl=5).acquire())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken == [True]


def test_one_posting_at_a_time_per_company(xero_company, monkeypatch):
    from addon import queue

    monkeypatch.setattr(queue, "LOCK_WAIT", 0.1)
    posting = Posting(company_id=xero_company.id, kind="payment", source_id="pi_locked",
                      amount_minor=100, currency="GBP", idempotency_key="rp-locked")
    db.session.add(posting)
    db.session.commit()
    other = limits.one_at_a_time(xero_company)
    other.acquire()  # another worker is writing to this company's ledger
    try:
        with pytest.raises(TaskLockedException):
            post_payment_task.call_local(posting.id)
    finally:
        other.release()
    db.session.expire_all()
    assert posting.attempts == 0  # nothing was tried while another worker held the company


def test_a_worker_killed_mid_posting_holds_its_company_only_until_the_ttl(xero_company,
                                                                          monkeypatch):
    """Huey's lock never expired: every later posting of the company was retried until the
    sweep gave up. Now the next worker waits out the TTL (here shorter than its own wait)."""
    monkeypatch.setattr(ledger_lock, "ttl_seconds", lambda: 0.5)
    posting = Posting(company_id=xero_company.id, kind="payment", source_id="pi_killed",
                      amount_minor=100, currency="GBP", idempotency_key="rp-killed",
                      status=WorkStatus.DONE)
    db.session.add(posting)
    db.session.commit()
    limits.one_at_a_time(xero_company).acquire()  # the killed worker's, never released
    assert post_payment_task.call_local(posting.id) == WorkStatus.DONE.value


def test_the_ttl_outlasts_a_few_calls_at_their_worst(app):
    assert ledger_lock.ttl_seconds() == 3 * 2 * app.config["HTTP_TIMEOUT"]
