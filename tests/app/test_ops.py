"""Probes, metrics and request ids as an operator sees them: /healthz, /readyz naming the part
that is not ready, /metrics counting real deliveries and postings, and the webhook's request id
in the log line of the worker that posts it."""

import io
import json
import logging

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp
from huey import RedisHuey
from prometheus_client.parser import text_string_to_metric_families

import sandbox.stripe
from addon.ops import health, logs
from addon.queue import huey
from tests.app.payment_flow import checkout, company_with_stripe, link_path, pay_and_deliver

FIRST_INVOICE = "130"


def test_healthz_says_the_process_is_up(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_readyz_checks_database_queue_and_migrations(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok", "queue": "ok",
                                 "migrations": "ok"}


def test_readyz_is_503_naming_an_unreachable_database(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/remit.sqlite3")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "database": "unreachable",
                                 "queue": "ok", "migrations": "unknown"}
    assert "sqlite" not in answer.get_data(as_text=True)


def test_readyz_is_503_when_the_database_is_behind_the_migrations(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/old.sqlite3")
    scripts = ScriptDirectory(str(health.MIGRATIONS))
    older = scripts.get_revision(scripts.get_current_head()).down_revision
    with app.app_context():
        stamp(directory=str(health.MIGRATIONS), revision=older)
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["migrations"] == "behind"
    assert answer.get_json()["database"] == "ok"


def test_readyz_is_503_naming_an_unreachable_queue(client, monkeypatch):
    monkeypatch.setattr(health, "huey", RedisHuey("remit-down", url="redis://127.0.0.1:1/0"))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["queue"] == "unreachable"


def scrape(client) -> dict[tuple[str, tuple], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True))
            for sample in family.samples}


def grew(before, after, name, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_deliveries_postings_and_ledger_calls(client, monkeypatch):
    from connectors.quickbooks.transport import CallPolicyMixin

    company = company_with_stripe(client)
    sent, send = [], CallPolicyMixin.request
    monkeypatch.setattr(CallPolicyMixin, "request",
                        lambda session, *args, **kwargs: sent.append(args[1]) or send(
                            session, *args, **kwargs))
    before = scrape(client)
    deliveries = pay_and_deliver(client, checkout(client, link_path(company, FIRST_INVOICE),
                                                  "100.00"))
    client.post("/webhooks/stripe", data=deliveries[0].payload, headers=deliveries[0].headers)
    forged = {**deliveries[0].headers, "Stripe-Signature": "t=1,v1=00"}
    assert client.post("/webhooks/stripe", data=deliveries[0].payload,
                       headers=forged).status_code == 400
    after = scrape(client)
    events = "remit_webhook_events_total"
    assert grew(before, after, events, gateway="stripe", outcome="received") == len(deliveries)
    assert grew(before, after, events, gateway="stripe", outcome="duplicate") == 1
    assert grew(before, after, events, gateway="stripe", outcome="refused") == 1
    assert grew(before, after, "remit_postings_total", kind="payment", outcome="posted") == 1
    # Every call to Intuit (the pay page's read, the posting's reads and write), not only
    # the write.
    assert len(sent) >= 3
    assert grew(before, after, "remit_ledger_calls_total", platform="quickbooks") == len(sent)
    assert grew(before, after, "remit_webhook_to_ledger_seconds_count") == 1
    assert ("remit_queue_depth", ()) in after


def test_the_webhooks_request_id_reaches_the_workers_log_line(client):
    """The id is stored with the enqueued task: the task runs later, outside the request."""
    company = company_with_stripe(client)
    session_id = checkout(client, link_path(company, FIRST_INVOICE), "100.00")
    stream = io.StringIO()
    line_handler = logs.handler("json", stream)
    root = logging.getLogger()
    root.addHandler(line_handler)
    huey.immediate = False  # tasks wait in a queue of this test's own, for a "worker" below
    huey.storage = huey.get_immediate_storage()
    try:
        sandbox.stripe.pay(session_id, sandbox.stripe.SUCCEEDING_CARD)
        ids = []
        for number, delivery in enumerate(sandbox.stripe.last_events()):
            ids.append(f"webhook-{number}")
            headers = {**delivery.headers, "X-Request-Id": ids[-1]}
            answer = client.post("/webhooks/stripe", data=delivery.payload, headers=headers)
            assert answer.status_code == 200 and answer.headers["X-Request-Id"] == ids[-1]
        assert logs.current_request_id.get() is None
        while (task := huey.dequeue()) is not None:  # as a worker would, after the requests
            assert task.kwargs[logs.TASK_KWARG] in ids
            huey.execute(task)
    finally:
        huey.immediate = True
        root.removeHandler(line_handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    (posted,) = [line for line in lines if "outcome=posted" in line["message"]]
    assert posted["request_id"] in ids and posted["logger"] == "addon.posting.runner"


@pytest.mark.parametrize("offered", ["", "has spaces", "x" * 200])
def test_an_unusable_request_id_is_replaced(client, offered):
    answer = client.get("/healthz", headers={"X-Request-Id": offered})
    given = answer.headers["X-Request-Id"]
    assert given != offered and len(given) == 32
