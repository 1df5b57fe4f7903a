"""One call budget per company, shared by every worker and web process, told by the platform:
every ledger call counted (pay-page reads too), a 429 or a spent minute pausing the company for
all until the platform said, pay pages saying when to come back, /metrics counting each call."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
from flask_babel import refresh
from huey import RedisHuey
from sqlalchemy import select

import sandbox.xero
from addon import settings
from addon.extensions import db
from addon.jobs import post_payment_task
from addon.ledger import connector_for
from addon.models import Company, Platform, Posting, WorkStatus
from addon.posting import budget, shared
from connectors.base import RateLimited
from connectors.calls import Answer
from sandbox import xero_api
from tests.app.payment_flow import (
    after_the_wait,
    checkout,
    count_xero_calls,
    link_path,
    pay_and_deliver,
    xero_company_with_stripe,
)
from tests.app.test_ops import grew, scrape

INVOICE = sandbox.xero.INVOICE_IDS["INV-0001"]
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def quickbooks_company(app):
    company = Company(platform=Platform.QUICKBOOKS, external_id="r-budget", name="Org",
                      home_currency="USD")
    db.session.add(company)
    db.session.commit()
    return company


@pytest.fixture
def xero(client):
    return xero_company_with_stripe(client)


def _in_threads(count: int, work) -> None:
    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_workers_share_one_budget_of_the_descriptors_calls_a_minute(store,
                                                                       quickbooks_company,
                                                                       monkeypatch):
    """QuickBooks states no remaining count: its documented 500 a minute is the budget."""
    moment = (int(time.time()) // 60 + 0.5) * 60  # all in one window, whatever the time
    monkeypatch.setattr(budget, "now", lambda: moment)
    sent, held_back = [], []
    observers = iter([budget.CompanyCalls(quickbooks_company) for _ in range(2)])

    def worker():
        observer = next(observers)  # each worker its own connector
        for _ in range(300):
            try:
                observer.before()
                sent.append(1)
            except budget.Paused as wait:
                held_back.append(wait.retry_after)

    _in_threads(2, worker)
    assert (len(sent), len(held_back)) == (500, 100)
    assert all(wait == 30 for wait in held_back)  # the window's end


def test_a_throttle_one_worker_meets_pauses_the_company_for_every_worker(store,
                                                                         quickbooks_company):
    met = budget.CompanyCalls(quickbooks_company)
    met.before()
    met.after(Answer(429, throttled=True, retry_after=30))
    refused = []
    others = iter([budget.CompanyCalls(quickbooks_company) for _ in range(2)])

    def other_worker():
        try:
            next(others).before()
        except RateLimited as wait:
            refused.append(wait.retry_after)

    _in_threads(2, other_worker)
    assert len(refused) == 2 and all(29 <= wait <= 30 for wait in refused)
    assert 29 < budget.paused_for(quickbooks_company) <= 30


def test_a_longer_pause_is_not_shortened_by_a_later_shorter_one(store, quickbooks_company):
    observer = budget.CompanyCalls(quickbooks_company)
    observer.after(Answer(429, throttled=True, retry_after=600))
    observer.after(Answer(429, throttled=True, retry_after=5))
    assert budget.paused_for(quickbooks_company) > 590


def test_a_xero_429_pauses_the_company_so_the_next_posting_calls_nothing(client, xero,
                                                                        monkeypatch):
    session_id = checkout(client, link_path(xero, INVOICE), "100.00")
    calls = count_xero_calls(monkeypatch)
    sandbox.xero.force_next("429")  # Retry-After 45, X-Rate-Limit-Problem: minute
    pay_and_deliver(client, session_id)
    assert len(calls) == 1  # the throttled call; every other event's posting waited
    posting = db.session.scalars(select(Posting).where(Posting.kind == "payment")).one()
    assert posting.status is WorkStatus.PENDING and posting.attempts == 0
    assert 40 < budget.paused_for(xero) <= 45
    with pytest.raises(RateLimited):
        connector_for(xero).invoice(INVOICE)  # a read is held back too
    assert len(calls) == 1
    after_the_wait(monkeypatch, 46)
    assert post_payment_task.call_local(posting.id) == WorkStatus.DONE.value
    db.session.expire_all()
    assert posting.attempts == 1 and len(calls) > 1


def test_a_spent_xero_minute_pauses_the_company_without_a_429(client, xero, monkeypatch):
    before = scrape(client)
    calls = count_xero_calls(monkeypatch)
    spent = sum(1 for _ in xero_api._calls.get(xero.external_id, []))
    monkeypatch.setattr(xero_api, "MINUTE_LIMIT", spent + 1)  # the next answer says 0 left
    connector_for(xero).invoice(INVOICE)
    assert budget.remaining(xero)["minute"] == 0
    with pytest.raises(RateLimited):
        connector_for(xero).invoice(INVOICE)
    assert len(calls) == 1  # the second read was never sent, so Xero never had to refuse it
    assert grew(before, scrape(client), "remit_ledger_throttled_total", platform="xero") == 0


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Please try again in 30 seconds."),
    ("fr", "Veuillez réessayer dans 30 secondes."),
])
def test_a_pay_page_during_a_pause_calls_nothing_and_says_when(app, xero, monkeypatch,
                                                              language, said):
    """The customer's own browser (no session of the company's user) picks the language."""
    calls = count_xero_calls(monkeypatch)
    budget.pause(budget.tenant(xero), 30)
    refresh()  # the tests' outer app context would keep an earlier request's language
    answer = app.test_client().get(link_path(xero, INVOICE),
                                   headers={"Accept-Language": language})
    assert answer.status_code == 503 and answer.headers["Retry-After"] in ("29", "30")
    assert said.replace("30", answer.headers["Retry-After"]) in answer.get_data(as_text=True)
    assert calls == []


def test_a_pay_links_search_during_a_pause_calls_nothing_and_says_when(client, xero,
                                                                     monkeypatch):
    calls = count_xero_calls(monkeypatch)
    budget.pause(budget.tenant(xero), 30)
    answer = client.get("/pay-links", query_string={"q": "INV"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] in ("29", "30")
    seconds = answer.headers["Retry-After"]
    assert f"Please search again in {seconds} seconds." in answer.get_data(as_text=True)
    assert calls == []


def test_each_call_of_a_pay_page_read_is_counted_in_metrics(client, xero, monkeypatch):
    calls = count_xero_calls(monkeypatch)
    before = scrape(client)
    assert client.get(link_path(xero, INVOICE)).status_code == 200
    after = scrape(client)
    assert calls  # the invoice read, and whatever else the page needed
    assert grew(before, after, "remit_ledger_calls_total", platform="xero") == len(calls)
    assert budget.remaining(xero)["minute"] < xero_api.MINUTE_LIMIT


def test_a_refresh_during_a_pause_waits_for_it_without_calling(client, xero, monkeypatch):
    from huey.exceptions import RetryTask

    from addon.jobs import refresh_ledger_task

    calls = count_xero_calls(monkeypatch)
    budget.pause(budget.tenant(xero), 30)
    with pytest.raises(RetryTask) as retried:
        refresh_ledger_task.call_local(xero.id)
    assert 29 <= retried.value.delay <= 30 and calls == []


COUNTING = """
import sys
from huey import RedisHuey, SqliteHuey
from addon.posting import shared
kind, where, name = sys.argv[1:4]
queue = (SqliteHuey(name, filename=where) if kind == "sqlite" else RedisHuey(name, url=where))
values = shared.build(queue)
print(" ".join(str(values.count("calls.two-processes", 60)) for _ in range(150)))
"""


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_two_worker_processes_draw_on_one_count(kind, tmp_path):
    """Each call's number is handed out once, whichever process asks: no two calls of two
    workers are both let through as the 500th."""
    import subprocess
    import sys

    if kind == "redis":
        where = settings.from_environment()["REDIS_URL"]
        if not where:
            pytest.skip("the Redis tier sets REMIT_REDIS_URL")
    else:
        where = str(tmp_path / "huey.sqlite3")
    name = f"remit-two-{uuid.uuid4().hex[:8]}"
    workers = [subprocess.Popen([sys.executable, "-c", COUNTING, kind, where, name],
                                stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
               for _ in range(2)]
    handed = [int(n) for worker in workers for n in worker.communicate(timeout=120)[0].split()]
    assert all(worker.returncode == 0 for worker in workers)
    assert sorted(handed) == list(range(1, 301))
    if kind == "redis":
        shared.build(RedisHuey(name, url=where)).forget_all()
