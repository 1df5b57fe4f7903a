"""Ledgers are plugins: the add-on asks the registry's descriptors and never names a platform;
an outside package adds a ledger, with its settings, through an entry point."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from addon import platforms, settings
from addon.settings import SettingsError, from_environment, resolve
from scripts import settings_table
from tests import plugin_ledger
from tests.unit.test_settings import PRODUCTION as FULL_PRODUCTION

REPO = Path(__file__).resolve().parents[2]
BRANCH = re.compile(r"Platform\.(QUICKBOOKS|XERO)")
TEMPLATE_BRANCH = re.compile(r"is_xero|platform\.value\s*==|platform\s+is\s")
# Production with everything but a ledger app: each test adds the ledger it is about.
PRODUCTION = {name: value for name, value in FULL_PRODUCTION.items()
              if not name.startswith(("REMIT_QUICKBOOKS_", "REMIT_XERO_"))}


@pytest.fixture
def sage(tmp_path, monkeypatch):
    plugin_ledger.install(tmp_path, monkeypatch)
    yield platforms.get("sage")
    plugin_ledger.uninstall(monkeypatch)


def test_the_add_on_never_branches_on_a_platform():
    registry = REPO / "addon" / "platforms.py"
    branches = [f"{path.relative_to(REPO)}:{number}"
                for path in sorted((REPO / "addon").rglob("*.py")) if path != registry
                for number, line in enumerate(path.read_text().splitlines(), start=1)
                if BRANCH.search(line)]
    assert branches == []
    template_branches = [str(path.relative_to(REPO))
                         for path in sorted((REPO / "addon" / "templates").rglob("*.html"))
                         if TEMPLATE_BRANCH.search(path.read_text())]
    assert template_branches == []


def test_the_built_in_ledgers_are_registered_in_order():
    assert platforms.keys()[:2] == ["quickbooks", "xero"]
    assert platforms.get("xero").display_name == "Xero"
    with pytest.raises(platforms.UnknownPlatform):
        platforms.get("sage")


def test_an_entry_point_adds_a_ledger(sage):
    assert platforms.keys() == ["quickbooks", "xero", "sage"]
    assert sage.display_name == "Sage Test" and sage.key == "sage"
    assert platforms.PlatformKey("sage").ledger is sage


def test_a_plugin_ledgers_settings_are_read_documented_and_checked(sage, tmp_path):
    assert from_environment({"REMIT_SAGE_CLIENT_ID": "sage-id"})["SAGE_CLIENT_ID"] == "sage-id"
    assert from_environment({})["SAGE_REGION"] == "uk"
    assert {"SAGE_CLIENT_ID", "SAGE_CLIENT_SECRET"} <= {s.name for s in settings.SETTINGS}
    assert "SAGE_CLIENT_ID" in settings.VENDOR_CREDENTIALS
    assert "| `REMIT_SAGE_CLIENT_SECRET` | str | — | Sage app client secret. |" in (
        settings_table.table())
    # Sage alone is a complete ledger app in production ...
    only_sage = {**PRODUCTION, "REMIT_SAGE_CLIENT_ID": "sage-id-5",
                 "REMIT_SAGE_CLIENT_SECRET": "sage-secret-6"}
    assert resolve(from_environment(only_sage), tmp_path)["SAGE_CLIENT_ID"] == "sage-id-5"
    # ... half of it is refused by name, and no ledger at all names Sage among the choices.
    half = {k: v for k, v in only_sage.items() if k != "REMIT_SAGE_CLIENT_SECRET"}
    with pytest.raises(SettingsError, match="missing REMIT_SAGE_CLIENT_SECRET"):
        resolve(from_environment(half), tmp_path)
    with pytest.raises(SettingsError) as refused:
        resolve(from_environment(PRODUCTION), tmp_path)
    assert "REMIT_SAGE_CLIENT_ID with REMIT_SAGE_CLIENT_SECRET" in str(refused.value)
    assert "sage-id-5" not in str(refused.value)


def test_two_ledgers_may_not_claim_one_key(tmp_path, monkeypatch):
    plugin_ledger.install(tmp_path, monkeypatch, entry_name="xero", key="xero")
    try:
        with pytest.raises(ValueError, match="Two ledger plugins claim the key 'xero'"):
            platforms.registered()
    finally:
        plugin_ledger.uninstall(monkeypatch)


def test_an_entry_point_must_name_its_own_key(tmp_path, monkeypatch):
    plugin_ledger.install(tmp_path, monkeypatch, entry_name="sage", key="freeagent")
    try:
        with pytest.raises(TypeError, match="keyed 'sage'"):
            platforms.registered()
    finally:
        plugin_ledger.uninstall(monkeypatch)


def test_readme_settings_table_is_the_generated_one():
    readme = (REPO / "README.md").read_text()
    assert settings_table.with_table(readme) == readme, "run `make settings-table`"


def test_a_gateways_declared_settings_are_read_documented_and_required(monkeypatch, tmp_path):
    from addon.gateways import registry
    from gateways.base import Setting

    adyen = dataclasses.replace(registry.KINDS["stripe"], key="adyen", display_name="Adyen",
                                settings=(Setting("ADYEN_API_KEY", str, None, "Adyen API key.",
                                                  secret=True, required=True),))
    monkeypatch.setitem(registry.KINDS, "adyen", adyen)
    assert "| `REMIT_ADYEN_API_KEY` | str | — | Adyen API key. |" in settings_table.table()
    assert "ADYEN_API_KEY" not in settings.VENDOR_CREDENTIALS  # a secret, not a client id
    with_ledger = {**PRODUCTION, "REMIT_XERO_CLIENT_ID": "xero-id-7",
                   "REMIT_XERO_CLIENT_SECRET": "xero-secret-8"}
    with pytest.raises(SettingsError, match="missing REMIT_ADYEN_API_KEY"):
        resolve(from_environment(with_ledger), tmp_path)
    complete = {**with_ledger, "REMIT_ADYEN_API_KEY": "adyen-key-9"}
    assert resolve(from_environment(complete), tmp_path)["ADYEN_API_KEY"] == "adyen-key-9"
