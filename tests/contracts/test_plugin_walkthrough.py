"""The "Add a ledger" walkthrough (docs/architecture.md), followed by a test: a throwaway ledger
built from exactly the files it names, in a temporary directory, registered by its one entry
point line, is offered by the add-on (home page, sign-in route, settings table, production
check) and passes the contract suite's behaviours it can, with no existing file edited; then
it is removed and nothing of it remains.

LEDGER_PLUGIN_FILES is the walkthrough's file list: the docs test compares the document with it.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

import connectors
import tests.contracts.plugins
from addon import platforms
from addon.settings import SettingsError, from_environment, resolve
from scripts import settings_table
from tests.conftest import REPO_ROOT
from tests.connectors.conftest import vcr_config as connector_vcr_config
from tests.contracts import test_ledger_contract as contract
from tests.contracts.harness import harness
from tests.contracts.throwaway_ledger import CONNECTOR_PACKAGE, EMPTY_CASSETTE, HARNESS

# Every file a new ledger adds (paths from the repository root; `<name>` is its registry key).
LEDGER_PLUGIN_FILES = (
    "connectors/<name>/__init__.py",
    "connectors/<name>/client.py",
    "connectors/<name>/connector.py",
    "connectors/<name>/transformers.py",
    "connectors/<name>/rules.py",
    "connectors/<name>/platform.py",
    "tests/contracts/cassettes/<name>/",
    "tests/contracts/plugins/<name>.py",
)
# The one registry line: an entry point in this group naming the descriptor.
LEDGER_ENTRY_POINT = "[remit.ledgers]\n<name> = connectors.<name>.platform:PLATFORM"
KEY = "abacus"
BEHAVIOURS = (contract.test_company_info_and_its_currencies_agree,
              contract.test_accounts_by_role_follow_the_descriptors_rules,
              contract.test_an_open_invoice_is_read,
              contract.test_an_unknown_invoice_is_rejected)
PRODUCTION = {
    "REMIT_ENV": "production", "REMIT_SECRET_KEY": "secret-key-value-1",
    "REMIT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "REMIT_BASE_URL": "https://remit.example.com", "REMIT_STRIPE_CLIENT_ID": "ca_value_2",
    "REMIT_STRIPE_SECRET_KEY": "sk_live_value_3", "REMIT_STRIPE_WEBHOOK_SECRET": "whsec_value_4",
}


def tracked_files() -> dict[str, tuple[int, int]]:
    """Every file of the repository with its size and modification time."""
    return {str(path.relative_to(REPO_ROOT)): (path.stat().st_size, path.stat().st_mtime_ns)
            for top in ("addon", "connectors", "gateways", "tests", "scripts", "docs")
            if (REPO_ROOT / top).is_dir()
            for path in sorted((REPO_ROOT / top).rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


def write_plugin(root: Path) -> list[Path]:
    """The walkthrough's files under `root` (standing for the repository), and the entry point
    in a dist-info under root/site. Returns the walkthrough's files as written."""
    names = {"key": KEY, "Key": KEY.capitalize(), "KEY": KEY.upper()}
    cassettes = root / "tests" / "contracts" / "cassettes" / KEY
    sources = {f"connectors/<name>/{name}": text for name, text in CONNECTOR_PACKAGE.items()}
    sources["tests/contracts/plugins/<name>.py"] = HARNESS.replace("{cassettes!r}",
                                                                   repr(str(cassettes)))
    written = []
    for listed in LEDGER_PLUGIN_FILES:
        path = root / listed.replace("<name>", KEY)
        if listed.endswith("/"):  # the contract cassettes: the behaviours it runs record none
            path.mkdir(parents=True)
            for case in ("company_and_currencies", "accounts_by_role", "open_invoice",
                         "unknown_invoice"):
                (path / f"{case}.yaml").write_text(EMPTY_CASSETTE)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(sources.pop(listed).format(**names)).lstrip())
        written.append(path)
    assert not sources, f"sources the walkthrough does not name: {sorted(sources)}"
    dist_info = root / "site" / f"remit_{KEY}-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: remit-{KEY}\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(LEDGER_ENTRY_POINT.replace("<name>", KEY) + "\n")
    return written


@pytest.fixture
def throwaway(tmp_path, monkeypatch):
    """Install the plugin as a package beside the real ones (the packages' search paths are
    extended, nothing is written into the repository); uninstall it afterwards."""
    before = tracked_files()
    written = write_plugin(tmp_path)
    monkeypatch.setattr(connectors, "__path__", [*connectors.__path__,
                                                 str(tmp_path / "connectors")])
    monkeypatch.setattr(tests.contracts.plugins, "__path__",
                        [*tests.contracts.plugins.__path__,
                         str(tmp_path / "tests" / "contracts" / "plugins")])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()
    platforms.registered.cache_clear()
    yield written
    monkeypatch.undo()
    for module in [m for m in sys.modules
                   if m in (f"connectors.{KEY}", f"tests.contracts.plugins.{KEY}")
                   or m.startswith(f"connectors.{KEY}.")]:
        del sys.modules[module]
    importlib.invalidate_caches()
    platforms.registered.cache_clear()
    assert tracked_files() == before, "adding a ledger edited or added a file of the project"
    with pytest.raises(platforms.UnknownPlatform):  # removed: the add-on no longer offers it
        platforms.get(KEY)
    with pytest.raises(pytest.fail.Exception, match="has no contract harness"):
        harness(KEY)


def test_the_walkthroughs_files_make_a_ledger_the_add_on_offers(throwaway, make_app):
    assert platforms.keys() == ["quickbooks", "xero", KEY]
    ledger = platforms.get(KEY)
    assert ledger.display_name == "Abacus Books"

    app = make_app(ABACUS_CLIENT_ID="abacus-id", ABACUS_CLIENT_SECRET="abacus-secret")
    home = app.test_client().get("/").get_data(as_text=True)
    assert f'href="/connect/{KEY}"' in home and "Connect to Abacus Books" in home
    not_set_up = make_app().test_client()
    assert f'href="/connect/{KEY}"' not in not_set_up.get("/").get_data(as_text=True)
    assert not_set_up.get(f"/connect/{KEY}").status_code == 400  # routed, says not set up
    assert not_set_up.get("/connect/freeagent").status_code == 404


def test_the_walkthroughs_ledger_has_its_settings_documented_and_checked(throwaway, tmp_path):
    assert "| `REMIT_ABACUS_CLIENT_SECRET` | str | — | Abacus app client secret. |" in (
        settings_table.table())
    half = {**PRODUCTION, "REMIT_ABACUS_CLIENT_ID": "abacus-id"}
    with pytest.raises(SettingsError, match="missing REMIT_ABACUS_CLIENT_SECRET"):
        resolve(from_environment(half), tmp_path)
    whole = {**half, "REMIT_ABACUS_CLIENT_SECRET": "abacus-secret"}
    assert resolve(from_environment(whole), tmp_path)["ABACUS_CLIENT_ID"] == "abacus-id"


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=lambda test: test.__name__)
def test_the_walkthroughs_ledger_passes_the_contract(throwaway, behaviour):
    ledger = harness(KEY)  # found where the walkthrough puts it

    behaviour(ledger, "replay", ledger.vcr_config(connector_vcr_config.__wrapped__()))

