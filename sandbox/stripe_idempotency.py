"""Stripe's idempotent requests in the stand-in (https://docs.stripe.com/api/idempotent_requests;
reference §2.6): a POST with an `Idempotency-Key` seen before, from the same account, with the
same parameters gets the first answer again (`Idempotent-Replayed: true`, `Original-Request`);
with other parameters it is refused with `idempotency_error`. Only answers of requests that ran
are kept: a refused parameter or a forced failure can be retried with the same key.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, request

from sandbox.stripe_wire import answer, api_error

MAX_KEY_LENGTH = 255
# Held while a keyed request runs: a twin waits and gets the replay (Stripe answers it 409).
_lock = threading.Lock()


@dataclass(frozen=True)
class _Kept:
    fingerprint: tuple
    status: int
    body: dict
    request_id: str


_kept: dict[tuple[str, str], _Kept] = {}


def reset() -> None:
    with _lock:
        _kept.clear()


def idempotent(run: Callable[[], Response]) -> Response:
    """`run()`'s answer, or the one kept for this request's Idempotency-Key."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        return run()
    if len(key) > MAX_KEY_LENGTH:
        return api_error(400, "invalid_request_error", f"Idempotency keys can be at most "
                         f"{MAX_KEY_LENGTH} characters long.", param="Idempotency-Key")
    scope = (request.headers.get("Stripe-Account") or "platform", key)
    fingerprint = (request.method, request.path, tuple(sorted(request.form.items(multi=True))))
    with _lock:
        kept = _kept.get(scope)
        if kept is None:
            response = run()
            if response.status_code < 400:
                _kept[scope] = _Kept(fingerprint, response.status_code,
                                     copy.deepcopy(response.get_json()),
                                     response.headers["Request-Id"])
            return response
    if kept.fingerprint != fingerprint:
        return api_error(400, "idempotency_error", "Keys for idempotent requests can only be "
                         "used with the same parameters they were first used with. Try using a "
                         f"key other than '{key}' if you meant to execute a different request.")
    replayed = answer(copy.deepcopy(kept.body), kept.status)
    replayed.headers["Idempotent-Replayed"] = "true"
    replayed.headers["Original-Request"] = kept.request_id
    return replayed
