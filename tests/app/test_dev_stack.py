"""The development stack (`make run`: `flask --app addon.devserver remit serve|worker`) hands
the add-on the stand-ins' credentials and hosts; anything else runs against the real vendors."""

from __future__ import annotations

import pytest

from addon import devserver, queue
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
