"""The gateway webhook endpoint: the gateway verifies the whole request before anything else
(its signature may be a header or inside the body), each event it yields is stored once (a
redelivery is answered 2xx and not processed again) and enqueued; the answer comes at once."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, jsonify, request

from addon.extensions import csrf
from addon.gateways.registry import GatewayNotConfigured, kind
from addon.jobs import process_event_task
from addon.webhooks.processing import refused as count_refused
from addon.webhooks.processing import store_event
from gateways.base import WebhookRejected

bp = Blueprint("webhooks", __name__)
log = logging.getLogger(__name__)


@bp.post("/webhooks/<kind_key>")
@csrf.exempt
def receive(kind_key: str):
    gateway_kind = kind(kind_key) or abort(404)
    try:
        events = gateway_kind.build().receive(request.get_data(), request.headers,
                                              gateway_kind.webhook_secret())
    except (WebhookRejected, GatewayNotConfigured) as refused:
        log.warning("Refused a %s webhook: %s", kind_key, refused)
        count_refused(kind_key)
        return jsonify(error="refused"), 400
    stored = [store_event(kind_key, event) for event in events]
    fresh = [row for row, created in stored if created]
    for row in fresh:
        process_event_task(row.id)
    return jsonify(received=True, duplicate=bool(stored) and not fresh)
