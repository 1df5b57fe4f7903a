"""Browser tier: the add-on and its sandbox served on loopback, driven by Debian's Chromium."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from addon.devserver import combined_app
from tests.conftest import OUTPUT_DIR, SANDBOX_APPS

CHROMIUM = Path(os.environ.get("REMIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine has no internet: keep Chromium quiet
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        reason = f"no browser at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REMIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"REMIT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The add-on (and /sandbox) on a free loopback port, for as long as one test runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    public_base, app.config["BASE_URL"] = app.config["BASE_URL"], base  # the URLs Remit hands out
    server = make_server("127.0.0.1", port, combined_app(app, addon_url=base), threaded=True)
    for stand_ins in SANDBOX_APPS:  # Stripe's Checkout posts its events to this add-on
        stand_ins.config["REMIT_ADDON_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join()
    app.config["BASE_URL"] = public_base


@pytest.fixture
def screenshots(request) -> Path:
    folder = OUTPUT_DIR / "screenshots" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
