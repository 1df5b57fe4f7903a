"""Prometheus metrics. Under gunicorn or several workers, set PROMETHEUS_MULTIPROC_DIR (an
empty directory per host, wiped at start) in every web and worker process: each process then
writes its counts to files there and `/metrics` adds them all up (prometheus_client's
multiprocess mode); without it each process reports only its own counts. The queue depth is
read from the queue when scraped, so it is the same whichever process answers."""

from __future__ import annotations

import os
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from addon.models import utcnow

WEBHOOK_EVENTS = Counter(
    "remit_webhook_events_total",
    "Gateway webhook events by outcome: received (stored for the first time), duplicate "
    "(a redelivery, answered without work) or refused (bad signature, no gateway configured).",
    ["gateway", "outcome"])
POSTINGS = Counter(
    "remit_postings_total", "Posting attempts by kind and outcome (posted, refused, throttled, "
    "unavailable, waiting, ...).", ["kind", "outcome"])
LEDGER_CALLS = Counter(
    "remit_ledger_calls_total",
    "Calls sent to a ledger (reads, writes, token refreshes: every HTTP call), by platform.",
    ["platform"])
LEDGER_THROTTLED = Counter(
    "remit_ledger_throttled_total", "Ledger answers of 429 (too many requests), by platform.",
    ["platform"])
WEBHOOK_TO_LEDGER = Histogram(
    "remit_webhook_to_ledger_seconds",
    "From the webhook's arrival to the ledger's confirmation of its posting.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600))


def webhook_event(gateway: str, outcome: str) -> None:
    WEBHOOK_EVENTS.labels(gateway, outcome).inc()


def posting_outcome(kind: str, outcome: str) -> None:
    POSTINGS.labels(kind, outcome).inc()


def ledger_call(platform: str) -> None:
    LEDGER_CALLS.labels(platform).inc()


def ledger_throttled(platform: str) -> None:
    LEDGER_THROTTLED.labels(platform).inc()


def posted_after(received_at: datetime | None) -> None:
    if received_at is not None:
        WEBHOOK_TO_LEDGER.observe(max((utcnow() - received_at).total_seconds(), 0.0))


class QueueDepth:
    """Tasks waiting in the queue, read when scraped."""

    def __init__(self, queue) -> None:
        self.queue = queue

    def collect(self):
        depth = GaugeMetricFamily("remit_queue_depth", "Tasks waiting in the queue.")
        depth.add_metric([], self.queue.pending_count())
        yield depth


def exposition(queue) -> tuple[bytes, str]:
    """The text Prometheus scrapes: every process's counts in multiprocess mode, this
    process's otherwise; and the queue's depth."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        registry.register(QueueDepth(queue))
        return generate_latest(registry), CONTENT_TYPE_LATEST
    registry.register(QueueDepth(queue))
    return generate_latest(REGISTRY) + generate_latest(registry), CONTENT_TYPE_LATEST
