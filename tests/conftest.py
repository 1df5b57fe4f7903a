"""Shared fixtures: one migrated database per run (SQLite, or PostgreSQL when
REMIT_DATABASE_URL says so), emptied after every test; an app and a client on it."""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from werkzeug.serving import make_server

from tests.specs.requirement import pytest_runtest_makereport  # noqa: F401  (REMIT_REQUIRE_SPECS)

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = REPO_ROOT / "test-output"
SANDBOX_APPS: list = []  # the stand-ins' app, so a live server can say where events go
TEST_KEYS = (Fernet.generate_key().decode(), Fernet.generate_key().decode())


def base_config(database_url: str, sandbox_url: str = "http://127.0.0.1:9/unused") -> dict:
    """Tests run in sandbox mode: the stand-ins' credentials and hosts are handed in the way the
    development server hands them in (addon/devserver.py), whatever the environment says."""
    from addon.devserver import sandbox_settings

    return {
        "ENV": "testing",
        "BASE_URL": "http://127.0.0.1:5000",
        "SECRET_KEY": "test-secret-key",
        "ENCRYPTION_KEYS": TEST_KEYS[0],
        "DATABASE_URL": database_url,
        "HUEY_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        **sandbox_settings(sandbox_url),
    }


def real_mode(**overrides) -> dict:
    """make_app overrides for a deployment against the real vendors: no stand-ins, every
    credential set (made-up values; nothing in the suite reaches a vendor)."""
    return {
        "VENDOR_HOSTS": {},
        "BASE_URL": "https://remit.example.com",
        "QUICKBOOKS_ENVIRONMENT": None,
        "QUICKBOOKS_CLIENT_ID": "qb-client-id", "QUICKBOOKS_CLIENT_SECRET": "qb-client-secret",
        "XERO_CLIENT_ID": "xero-client-id", "XERO_CLIENT_SECRET": "xero-client-secret",
        "STRIPE_CLIENT_ID": "ca_remit", "STRIPE_SECRET_KEY": "sk_test_remit",
        "STRIPE_WEBHOOK_SECRET": "whsec_remit",
        **overrides,
    }


def build_script():
    """setup.py as a module (its setup() call only runs as __main__, under the build)."""
    spec = importlib.util.spec_from_file_location("remit_setup", REPO_ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session", autouse=True)
def french_catalogue():
    """A fresh clone has no compiled .mo (git-ignored): compile it as the build does, so
    `pip install -e .[test] && pytest` serves French without `make`."""
    stale = [po for po in REPO_ROOT.glob(build_script().CATALOGUES)
             if not po.with_suffix(".mo").exists()
             or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if stale:
        build_script().compile_catalogues()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    configured = os.environ.get("REMIT_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'remit-test.sqlite3'}"


@pytest.fixture(scope="session")
def sandbox_url():
    """The vendor stand-ins on a loopback port, as `make run` serves them under /sandbox."""
    import sandbox

    SANDBOX_APPS.append(sandbox.create_app())
    server = make_server("127.0.0.1", 0, SANDBOX_APPS[-1], threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def migrated_app(database_url, sandbox_url):
    """The app on a database brought to the newest revision by the real Alembic migrations."""
    from flask_migrate import upgrade

    from addon import create_app
    from addon.extensions import db

    app = create_app(base_config(database_url, sandbox_url))
    with app.app_context():
        _drop_everything(db.engine)
        upgrade()
    yield app
    _close(app)


@pytest.fixture
def make_app(database_url, sandbox_url):
    """Build extra apps on the test database with other settings; closed after the test."""
    from addon import create_app

    made = []

    def build(**overrides):
        made.append(create_app({**base_config(database_url, sandbox_url), **overrides}))
        return made[-1]

    yield build
    for app in made:
        _close(app)


@pytest.fixture
def app(migrated_app):
    import sandbox
    from addon.extensions import db
    from addon.queue import huey

    sandbox.reset()
    huey.storage.flush_all()  # in-memory queue, results and rate-limit counters start empty
    from addon.posting import shared

    shared.values.forget_all()  # no ledger lock, call count or pause left by another test
    with migrated_app.app_context():
        yield migrated_app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _close(app) -> None:
    """Return pooled connections now; PostgreSQL ones left to the garbage collector warn."""
    from addon.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_everything(engine: sa.Engine) -> None:
    """Start each run from an empty schema, whatever an earlier run left behind."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    metadata.drop_all(bind=engine)
