"""The registry of accounting platforms: the one module of the add-on that names them.

Built-in ledgers are listed here; another package adds one by declaring an entry point in the
`remit.ledgers` group that points at its `connectors.platform.LedgerPlatform` (see
pyproject.toml). Everything else in the add-on asks the descriptor and never branches on a key.
"""

from __future__ import annotations

import functools
from importlib import import_module
from importlib.metadata import entry_points

from connectors.platform import LedgerPlatform

ENTRY_POINT_GROUP = "remit.ledgers"
BUILT_IN = {
    "quickbooks": "connectors.quickbooks.platform:PLATFORM",
    "xero": "connectors.xero.platform:PLATFORM",
}


class UnknownPlatform(KeyError):
    """No registered ledger has this key."""


@functools.cache
def registered() -> dict[str, LedgerPlatform]:
    """Every ledger, built-ins first, then entry points in name order. A plugin may not take a
    key another one already has: that is an error at start-up, never a silent replacement."""
    found: dict[str, LedgerPlatform] = {}
    sources = [(key, _load(target)) for key, target in BUILT_IN.items()]
    sources += [(ep.name, ep.load())
                for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)]
    for name, descriptor in sources:
        if not isinstance(descriptor, LedgerPlatform) or descriptor.key != name:
            raise TypeError(f"Ledger plugin {name!r} must be a LedgerPlatform keyed {name!r}.")
        if found.get(name, descriptor) is not descriptor:
            raise ValueError(f"Two ledger plugins claim the key {name!r}.")
        found[name] = descriptor
    return found


def get(key: str) -> LedgerPlatform:
    try:
        return registered()[str(key)]
    except KeyError:
        raise UnknownPlatform(key) from None


def keys() -> list[str]:
    return list(registered())


def _load(target: str) -> LedgerPlatform:
    module, _sep, attribute = target.partition(":")
    return getattr(import_module(module), attribute)


class PlatformKey(str):
    """A ledger's key as stored on companies, users and grants: a plain string that can name
    its descriptor. One instance per key, so `company.platform is Platform.XERO` holds."""

    _instances: dict[str, PlatformKey] = {}

    def __new__(cls, key: str) -> PlatformKey:
        key = str(key)
        if key not in cls._instances:
            cls._instances[key] = super().__new__(cls, key)
        return cls._instances[key]

    @property
    def value(self) -> str:
        return str(self)

    @property
    def ledger(self) -> LedgerPlatform:
        return get(self)

    @property
    def display_name(self) -> str:
        return self.ledger.display_name


class Platform:
    """The built-in keys, by name, for fixtures and tests; a stored key may be any registered
    one (see `registered`)."""

    QUICKBOOKS = PlatformKey("quickbooks")
    XERO = PlatformKey("xero")
