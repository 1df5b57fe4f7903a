"""How the contract suite finds each plugin's side and replays its cassettes.

Every registered plugin (addon.platforms.keys(), addon.gateways.registry.KINDS) must have a
module `tests/contracts/plugins/<key>.py` exposing `Harness`: a registered plugin without one
fails the suite instead of being skipped. A harness names, per behaviour, a `Case`: the cassette
that holds the vendor's side (one of its own tier's, reused, or one under
tests/contracts/cassettes/<key>/ that the contract records) and which company to call.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import vcr

CONTRACTS = Path(__file__).resolve().parent
OWN_CASSETTES = CONTRACTS / "cassettes"


@dataclass(frozen=True)
class Case:
    """One behaviour of one plugin: where its recorded exchange is and whom it concerns."""

    cassette: Path
    company: str | None = None  # the ledger company (realm, tenant) or gateway account
    read: str = "company_info"  # the connector read the behaviour goes through
    home_currency: str | None = None  # handed to the connector, as the add-on does once known

    @property
    def owned(self) -> bool:
        """Recorded by the contract suite (else by the plugin's own tier, replayed here)."""
        return OWN_CASSETTES in self.cassette.parents


def harness(key: str):
    """The plugin's harness; a registered plugin without one is an error, never a skip."""
    try:
        module = importlib.import_module(f"tests.contracts.plugins.{key}")
    except ModuleNotFoundError as missing:
        if missing.name != f"tests.contracts.plugins.{key}":
            raise
        pytest.fail(f"plugin {key!r} is registered but has no contract harness: add "
                    f"tests/contracts/plugins/{key}.py exposing Harness", pytrace=False)
    return module.Harness()


@contextmanager
def replay(case: Case, vcr_config: dict, mode: str) -> Iterator[vcr.cassette.Cassette]:
    """Serve the case's cassette. Replay must use every recorded interaction (fewer calls than
    recorded is a behaviour change too). A sandbox recording rewrites only the suite's own
    cassettes; one reused from a plugin's tier is recorded there (its README says how)."""
    recording = mode != "replay"
    if recording and not case.owned:
        pytest.skip("a reused cassette: re-record it with its own tier")
    if recording:
        case.cassette.unlink(missing_ok=True)
    elif not case.cassette.exists():
        pytest.fail(f"no cassette at {case.cassette}: record it from the sandbox", pytrace=False)
    recorder = vcr.VCR(**vcr_config)
    with recorder.use_cassette(str(case.cassette), record_mode="all" if recording else "none",
                               allow_playback_repeats=False) as cassette:
        yield cassette
    if not recording:
        assert cassette.all_played, f"calls recorded in {case.cassette.name} were not made"
