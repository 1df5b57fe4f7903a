"""The gateway webhook endpoint: verify the signature before anything else, store the event once
(a redelivery is answered 2xx and not processed again), enqueue, answer at once."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, jsonify, request

from addon.extensions import csrf
from addon.gateways.registry import GatewayNotConfigured, kind
from addon.jobs import process_event_task
from addon.webhooks.processing import store_event
from gateways.base import WebhookRejected

bp = Blueprint("webhooks", __name__)
log = logging.getLogger(__name__)


@bp.post("/webhooks/<kind_key>")
@csrf.exempt
def receive(kind_key: str):
    gateway_kind = kind(kind_key) or abort(404)
    try:
        event = gateway_kind.build().verify_event(
            request.get_data(), request.headers.get(gateway_kind.signature_header),
            gateway_kind.webhook_secret(),
        )
    except (WebhookRejected, GatewayNotConfigured) as refused:
        log.warning("Refused a %s webhook: %s", kind_key, refused)
        return jsonify(error="refused"), 400
    row, created = store_event(kind_key, event)
    if created:
        process_event_task(row.id)
    return jsonify(received=True, duplicate=not created)
