"""Stripe objects the stand-in keeps by id, each owned by one connected account (refunds,
disputes): read as that account sees them (another account's is not found), copied in and out
so no caller changes a kept object outside the lock."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass


@dataclass
class Held:
    account_id: str
    obj: dict


class HeldObjects:
    """`lock` guards `by_id`; a caller changing a kept object in place takes it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_id: dict[str, Held] = {}

    def reset(self) -> None:
        with self.lock:
            self.by_id.clear()

    def keep(self, account_id: str, obj: dict) -> None:
        with self.lock:
            self.by_id[obj["id"]] = Held(account_id, obj)

    def seen_by(self, account_id: str, object_id: str) -> dict | None:
        """A copy of the object, as its account sees it (another account's: None)."""
        with self.lock:
            held = self.by_id.get(object_id)
            return copy.deepcopy(held.obj) if held and held.account_id == account_id else None

    def newest_first(self) -> list[dict]:
        with self.lock:
            return [copy.deepcopy(held.obj) for held in reversed(self.by_id.values())]

    def account_of(self, object_id: str) -> str | None:
        with self.lock:
            held = self.by_id.get(object_id)
            return held.account_id if held else None
