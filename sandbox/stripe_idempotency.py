"""Stripe's idempotent requests in the stand-in (https://docs.stripe.com/api/idempotent_requests;
reference §2.6): a POST with an `Idempotency-Key` seen before, from the same account, with the
same parameters gets the first answer again (`Idempotent-Replayed: true`, `Original-Request`);
with other parameters it is refused with `idempotency_error`. Only answers of requests that ran
are kept: a refused parameter or a forced failure can be retried with the same key.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Response, request

from sandbox.replays import Kept, Replays
from sandbox.stripe_wire import answer, api_error

MAX_KEY_LENGTH = 255
# Only answers of requests that ran (below 400) are kept. The lock is held while a keyed request
# runs: a twin waits and gets the replay (Stripe answers it 409).
_KEYS = Replays(keep=lambda response: response.status_code < 400)


def reset() -> None:
    _KEYS.reset()


def idempotent(run: Callable[[], Response]) -> Response:
    """`run()`'s answer, or the one kept for this request's Idempotency-Key."""
    key = request.headers.get("Idempotency-Key")
    if key and len(key) > MAX_KEY_LENGTH:
        return api_error(400, "invalid_request_error", f"Idempotency keys can be at most "
                         f"{MAX_KEY_LENGTH} characters long.", param="Idempotency-Key")
    fingerprint = (request.method, request.path, tuple(sorted(request.form.items(multi=True))))
    return _KEYS.once(request.headers.get("Stripe-Account") or "platform", key, run,
                      fingerprint, replay=lambda kept: _replayed(kept, fingerprint, key))


def _replayed(kept: Kept, fingerprint: tuple, key: str) -> Response:
    if kept.fingerprint != fingerprint:
        return api_error(400, "idempotency_error", "Keys for idempotent requests can only be "
                         "used with the same parameters they were first used with. Try using a "
                         f"key other than '{key}' if you meant to execute a different request.")
    replayed = answer(json.loads(kept.data), kept.status)
    replayed.headers["Idempotent-Replayed"] = "true"
    replayed.headers["Original-Request"] = kept.headers["Request-Id"]
    return replayed
