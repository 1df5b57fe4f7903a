"""The gateway webhook endpoint: the gateway verifies the whole request before anything else
(its signature may be a header or inside the body), each event it yields is stored once in one
round trip (a redelivery is answered 2xx and not processed again) and enqueued; the answer
comes at once. The provider and its signing secret are built once per process, not per request."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, jsonify, request

from addon.extensions import csrf
from addon.gateways.registry import GatewayKind, GatewayNotConfigured, kind
from addon.jobs import process_event_task
from addon.webhooks.ingest import store_event
from addon.webhooks.processing import refused as count_refused
from gateways.base import GatewayProvider, WebhookRejected

bp = Blueprint("webhooks", __name__)
log = logging.getLogger(__name__)


@bp.post("/webhooks/<kind_key>")
@csrf.exempt
def receive(kind_key: str):
    gateway_kind = kind(kind_key) or abort(404)
    try:
        provider, secret = _receiver(gateway_kind)
        events = provider.receive(request.get_data(), request.headers, secret)
    except (WebhookRejected, GatewayNotConfigured) as refused:
        log.warning("Refused a %s webhook: %s", kind_key, refused)
        count_refused(kind_key)
        return jsonify(error="refused"), 400
    new_ids = [new_id for event in events
               if (new_id := store_event(kind_key, event)) is not None]
    for new_id in new_ids:
        process_event_task(new_id)
    return jsonify(received=True, duplicate=bool(events) and not new_ids)


def _receiver(gateway_kind: GatewayKind) -> tuple[GatewayProvider, str | None]:
    """This app's provider and webhook secret for the kind, built on its first webhook (the
    settings do not change while the process runs); a kind registered anew is built anew."""
    built = current_app.extensions.setdefault("remit.webhook_receivers", {})
    cached = built.get(gateway_kind.key)
    if cached is None or cached[0] is not gateway_kind:
        cached = built[gateway_kind.key] = (gateway_kind, gateway_kind.build(),
                                            gateway_kind.webhook_secret())
    return cached[1], cached[2]
