"""The stand-ins as a plugin of the development stack.

The development server (addon/devserver.py) never imports this package: it finds `dev_stack`
through the `remit.devstack` entry point this distribution declares (sandbox/pyproject.toml).
Each stand-in registers itself: a VENDORS line in sandbox/__init__.py (module, url prefix), the
real origins it answers for under that prefix (sandbox/hosts.py), and the settings its module
hands the add-on (its DEV_SETTINGS: client id and secret, webhook secret).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import sandbox
from sandbox.hosts import HOSTS


@dataclass(frozen=True)
class StandIn:
    """One vendor's stand-in, as the development server needs to know it."""

    name: str  # the url prefix without its slash: "quickbooks", "xero", "stripe"
    hosts: Mapping[str, str]  # real origin → the stand-in URL answering for it
    settings: Mapping[str, Any]  # what the add-on is handed: credentials, webhook secret


@dataclass(frozen=True)
class DevStack:
    stand_ins: tuple[StandIn, ...]
    create_app: Callable[[dict | None], Any]  # the stand-ins' WSGI app, mounted at the root


def dev_stack(sandbox_root: str) -> DevStack:
    """Every stand-in with its origins mapped below `sandbox_root`, where the development
    server mounts `create_app`'s app."""
    root = sandbox_root.rstrip("/")
    return DevStack(
        stand_ins=tuple(_stand_in(module, prefix, root) for module, prefix, _ in sandbox.VENDORS),
        create_app=sandbox.create_app)


def _stand_in(module_name: str, prefix: str, root: str) -> StandIn:
    hosts = {origin: root + path for origin, path in HOSTS.items()
             if path.startswith(prefix + "/")}
    return StandIn(name=prefix.strip("/"), hosts=hosts,
                   settings=dict(import_module(module_name).DEV_SETTINGS))
