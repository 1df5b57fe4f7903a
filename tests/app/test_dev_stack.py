"""The development stack (`make run`: `flask --app addon.devserver remit serve|worker`) hands
the add-on the stand-ins' credentials and hosts; anything else runs against the real vendors."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from types import SimpleNamespace

import pytest
from werkzeug.test import Client

from addon import devserver, queue, settings
from addon.settings import SettingsError
from tests.conftest import TEST_KEYS, _close, real_mode

NO_VENDOR = {"QUICKBOOKS_CLIENT_ID": None, "XERO_CLIENT_ID": None, "STRIPE_CLIENT_ID": None,
             "SANDBOX_URL": None}


@pytest.fixture
def dev_app(database_url):
    made = []

    def build(**config):
        made.append(devserver.create_app({"DATABASE_URL": database_url, "HUEY_IMMEDIATE": True,
                                          "SECRET_KEY": "s", "ENCRYPTION_KEYS": TEST_KEYS[0],
                                          **config}))
        return made[-1]

    yield build
    for app in made:
        _close(app)


def test_without_vendor_credentials_the_dev_server_runs_on_the_stand_ins(dev_app):
    import sandbox.stripe

    app = dev_app(ENV="development", BASE_URL="http://127.0.0.1:5055", **NO_VENDOR)
    assert app.config["SANDBOX_MODE"] is True
    assert app.config["VENDOR_HOSTS"]["https://api.stripe.com"] == (
        "http://127.0.0.1:5055/sandbox/stripe/api")
    assert app.config["STRIPE_WEBHOOK_SECRET"] == sandbox.stripe.SANDBOX_STRIPE_WEBHOOK_SECRET
    assert app.config["QUICKBOOKS_ENVIRONMENT"] == "sandbox"


def test_each_stand_in_registers_its_hosts_and_settings_through_the_entry_point():
    """The dev server knows no vendor: what it hands in is what the installed plugin's stand-ins
    registered, every origin under the sandbox root and every vendor credential included."""
    found = devserver.entry_points(group=devserver.DEV_STACK_GROUP)
    assert [point.value for point in found] == ["sandbox.devstack:dev_stack"]
    stack = devserver.dev_stack("http://127.0.0.1:5055/sandbox/")
    assert [stand_in.name for stand_in in stack.stand_ins] == ["quickbooks", "xero", "stripe"]
    for stand_in in stack.stand_ins:
        assert stand_in.hosts and stand_in.settings
        assert all(url.startswith(f"http://127.0.0.1:5055/sandbox/{stand_in.name}/")
                   for url in stand_in.hosts.values())
    handed = devserver.sandbox_settings("http://127.0.0.1:5055/sandbox")
    assert set(settings.VENDOR_CREDENTIALS) <= set(handed)
    assert handed["VENDOR_HOSTS"]["https://identity.xero.com"] == (
        "http://127.0.0.1:5055/sandbox/xero/identity")


def _other_stack(root):
    """An outside stand-in plugin, as a third ledger's package would declare one."""
    ledger = SimpleNamespace(name="sage", hosts={"https://api.sage.com": root + "/sage/api"},
                             settings={"SAGE_CLIENT_ID": "sage-sandbox"})
    return SimpleNamespace(stand_ins=(ledger,), create_app=None)


def _clashing_stack(root):
    first = SimpleNamespace(name="a", hosts={"https://api.example.com": root + "/a"}, settings={})
    second = SimpleNamespace(name="b", hosts={"https://api.example.com": root + "/b"},
                             settings={})
    return SimpleNamespace(stand_ins=(first, second), create_app=None)


def _plugins(*values):
    return lambda group: [EntryPoint(name=value.split(":")[1], value=value, group=group)
                          for value in values]


def test_the_dev_server_takes_whatever_stand_ins_the_installed_plugin_registers(monkeypatch):
    monkeypatch.setattr(devserver, "entry_points",
                        _plugins("tests.app.test_dev_stack:_other_stack"))
    handed = devserver.sandbox_settings("http://127.0.0.1:5055/sandbox")
    assert handed["VENDOR_HOSTS"] == {
        "https://api.sage.com": "http://127.0.0.1:5055/sandbox/sage/api"}
    assert handed["SAGE_CLIENT_ID"] == "sage-sandbox"


@pytest.mark.parametrize("installed", [
    (),  # `pip install -e ./sandbox` never ran
    ("tests.app.test_dev_stack:_other_stack", "sandbox.devstack:dev_stack"),  # two at /sandbox
    ("tests.app.test_dev_stack:_clashing_stack",),  # two stand-ins answer for one origin
])
def test_sandbox_mode_without_one_consistent_plugin_is_refused(dev_app, monkeypatch,
                                                               installed):
    monkeypatch.setattr(devserver, "entry_points", _plugins(*installed))
    with pytest.raises(devserver.DevStackError):
        dev_app(ENV="development", BASE_URL="http://127.0.0.1:5055", **NO_VENDOR)


def test_the_dev_server_mounts_the_plugin_s_stand_ins_under_sandbox(dev_app):
    app = dev_app(ENV="development", BASE_URL="http://127.0.0.1:5055", **NO_VENDOR)
    client = Client(devserver.combined_app(app))
    index = client.get("/sandbox/")
    assert index.status_code == 200
    assert all(f'href="/sandbox/{name}/' in index.get_data(as_text=True)
               for name in ("quickbooks", "xero", "stripe"))
    assert client.get("/sandbox/xero/identity/.well-known/openid-configuration").status_code == 200


def test_with_vendor_credentials_the_dev_server_talks_to_the_real_vendors(dev_app):
    app = dev_app(**real_mode(ENV="development", VENDOR_HOSTS=None))
    assert app.config["SANDBOX_MODE"] is False and app.config["VENDOR_HOSTS"] == {}
    assert app.config["STRIPE_WEBHOOK_SECRET"] == "whsec_remit"


def test_the_dev_server_never_turns_production_into_sandbox_mode(dev_app):
    with pytest.raises(SettingsError, match="REMIT_STRIPE_WEBHOOK_SECRET"):
        dev_app(ENV="production", BASE_URL="https://remit.example.com", **NO_VENDOR)


def test_the_worker_runs_its_tasks_in_the_app_it_was_started_with(app, monkeypatch):
    """`flask --app addon.devserver remit worker` must not build a second, sandbox-less app."""
    seen = []

    class Consumer:
        def run(self):
            seen.append(queue._app_for_worker())

    monkeypatch.setattr(queue, "_worker_app", None)
    monkeypatch.setattr(queue.huey, "create_consumer", lambda **options: Consumer())
    result = app.test_cli_runner().invoke(args=["remit", "worker"])
    assert result.exit_code == 0, result.output
    assert seen == [app]
