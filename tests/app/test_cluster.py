"""The cluster script's processes are one system: a bookkeeper set up through one web process is
signed in on the other, a customer pays through the second, the stand-in's webhook reaches the
first, a worker posts the payment, and every process stops on its graceful signal.

Needs PostgreSQL and Redis (the PG tier: REMIT_DATABASE_URL=postgresql://…, REMIT_REDIS_URL);
it uses a database of its own beside REMIT_DATABASE_URL's, named with a `_cluster` suffix."""

from __future__ import annotations

import os
import time
from urllib.parse import urljoin

import pytest
import requests
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from benchmarks.cluster import Cluster, free_port_block
from benchmarks.drills import fresh_database
from tests.browserless import press

CONFIGURED = os.environ.get("REMIT_DATABASE_URL", "")
REDIS = os.environ.get("REMIT_REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not (CONFIGURED.startswith("postgresql") and REDIS),
    reason="the cluster shares PostgreSQL and Redis: run with the PG tier's settings")

PAY_LINK_SALT = "remit-pay-link"  # addon/pay/links.py
SETTLE_LIMIT = 60


@pytest.fixture
def cluster_database() -> str:
    return fresh_database(CONFIGURED, "_cluster")


def test_two_web_processes_and_two_workers_post_a_payment_together(cluster_database, tmp_path):
    engine = sa.create_engine(cluster_database.replace("postgresql://", "postgresql+psycopg://"))
    try:
        codes = _pay_through_the_cluster(cluster_database, engine, tmp_path)
    finally:
        engine.dispose()
    assert None not in codes.values(), "every process stopped on its graceful signal"


def _pay_through_the_cluster(cluster_database: str, engine: sa.Engine, tmp_path) -> dict:
    with Cluster(cluster_database, REDIS, port=free_port_block(3), sandbox=True,
                 log_dir=tmp_path) as cluster:
        first, second = cluster.web_urls
        for url in cluster.web_urls:
            assert requests.get(url + "/", timeout=10).status_code < 500
        roles = sorted(process.role for process in cluster.processes)
        assert roles == ["sandbox", "web", "web", "worker", "worker"]

        bookkeeper = requests.Session()  # loopback cookies ignore the port: one sign-in for both
        start = bookkeeper.get(first + "/connect/quickbooks", allow_redirects=False)
        consent = press(requests.Session(), start.headers["Location"], "Approve")
        bookkeeper.get(urljoin(first, consent.headers["Location"])).raise_for_status()
        start = bookkeeper.get(second + "/settings/gateways/connect/stripe?landing=login",
                               allow_redirects=False)
        consent = press(requests.Session(), start.headers["Location"], "Connect my Stripe account")
        bookkeeper.get(urljoin(first, consent.headers["Location"])).raise_for_status()
        with engine.connect() as connection:
            ((gateway_id, company_id, realm),) = connection.execute(sa.text(
                "SELECT gateway.id, company.id, company.external_id "
                "FROM gateway JOIN company ON company.id = gateway.company_id")).all()
        saved = press(bookkeeper, f"{second}/settings/gateways/{gateway_id}", "Save",
                      {"description": "Stripe.com", "currency": "USD", "deposit-USD": "4",
                       "receivable-USD": "84"})
        assert saved.status_code == 302

        made = requests.post(f"{cluster.sandbox_url}/quickbooks/sandbox/invoices", timeout=10,
                             json={"realm": realm, "currency": "USD", "amount": "10.00"})
        made.raise_for_status()
        token = URLSafeTimedSerializer(cluster.secret_key, salt=PAY_LINK_SALT).dumps(
            {"c": company_id, "i": made.json()["Invoice"]["Id"]})
        customer = requests.Session()
        opened = press(customer, f"{second}/pay/{token}", "Pay", {"amount": "10.00"})
        assert opened.status_code == 303
        paid = press(customer, urljoin(second, opened.headers["Location"]), "Pay",
                     {"cardnumber": "4242 4242 4242 4242"})
        assert paid.status_code in (302, 303)

        deadline = time.monotonic() + SETTLE_LIMIT
        while True:
            with engine.connect() as connection:
                postings = connection.execute(sa.text(
                    "SELECT status, posted_at, ledger_object_id FROM posting "
                    "WHERE kind = 'payment'")).all()
            if postings and postings[0].posted_at:
                break
            assert time.monotonic() < deadline, f"no payment posted: {postings}"
            time.sleep(0.5)
        assert len(postings) == 1 and postings[0].ledger_object_id
        return cluster.stop()
