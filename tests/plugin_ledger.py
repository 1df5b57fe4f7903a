"""A throwaway ledger plugin, installed for one test the way an outside package is: a module
and a dist-info declaring it in the `remit.ledgers` entry-point group, on sys.path."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

from addon import platforms

MODULE = "remit_sage_plugin"
SOURCE = '''
from connectors.platform import Endpoints, LedgerPlatform, Setting
from connectors.xero.rules import RULES


def _no_calls(*args):
    raise AssertionError("the throwaway ledger makes no calls")


PLATFORM = LedgerPlatform(
    key="{key}",
    display_name="Sage Test",
    settings=(
        Setting("SAGE_CLIENT_ID", str, None, "Sage app client id.", required=True),
        Setting("SAGE_CLIENT_SECRET", str, None, "Sage app client secret.", secret=True,
                required=True),
        Setting("SAGE_REGION", str, "uk", "Sage region of the app."),
    ),
    scope="full_access",
    endpoints=lambda config: Endpoints(token="https://oauth.sage.example/token",
                                       revoke="https://oauth.sage.example/revoke",
                                       discovery="https://oauth.sage.example/.well-known",
                                       api="https://api.sage.example"),
    token_set=_no_calls,
    revoke=_no_calls,
    connector=_no_calls,
    rules=RULES,
    calls_per_minute=100,
    payment_url="https://app.sage.example/payments/{{id}}",
    reference_limit=25,
)
'''


def install(directory: Path, monkeypatch, entry_name: str = "sage", key: str = "sage") -> None:
    """Put the plugin on sys.path (undone by monkeypatch) and make the registry look again."""
    (directory / f"{MODULE}.py").write_text(textwrap.dedent(SOURCE.format(key=key)))
    dist_info = directory / f"{MODULE}-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {MODULE}\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(
        f"[{platforms.ENTRY_POINT_GROUP}]\n{entry_name} = {MODULE}:PLATFORM\n")
    monkeypatch.syspath_prepend(str(directory))
    importlib.invalidate_caches()
    platforms.registered.cache_clear()


def uninstall(monkeypatch) -> None:
    monkeypatch.undo()
    sys.modules.pop(MODULE, None)
    importlib.invalidate_caches()
    platforms.registered.cache_clear()
