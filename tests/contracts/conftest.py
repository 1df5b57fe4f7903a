"""The contract suite's fixtures: one parametrization per registered plugin (by registry key),
each resolved to its harness (tests/contracts/plugins/<key>.py), and the tiers' vcr configs."""

from __future__ import annotations

import pytest

from addon import platforms
from addon.gateways.registry import KINDS
from tests.connectors.conftest import _sandbox_from_its_seed, run_mode  # noqa: F401 (autouse)
from tests.connectors.conftest import vcr_config as connector_vcr_config
from tests.contracts.harness import harness
from tests.gateways.conftest import vcr_config as gateway_vcr_config


@pytest.fixture(params=platforms.keys())
def ledger(request):
    return harness(request.param)


@pytest.fixture(params=list(KINDS))
def gateway(request):
    return harness(request.param)


@pytest.fixture
def mode(request) -> str:
    """"replay" (CI) or "sandbox" (python -m tests.connectors.record tests/contracts)."""
    return run_mode(request.config.getoption("--record-mode") or "none")


@pytest.fixture
def ledger_vcr(ledger) -> dict:
    return ledger.vcr_config(connector_vcr_config.__wrapped__())


@pytest.fixture
def gateway_vcr(gateway) -> dict:
    return gateway.vcr_config(gateway_vcr_config.__wrapped__())
