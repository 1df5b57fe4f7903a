"""Production without its settings does not start, whichever way it is started: the process
exits non-zero naming each missing setting, and never prints a value it was given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GIVEN = {"REMIT_SECRET_KEY": "given-secret-value-41", "REMIT_XERO_CLIENT_ID": "given-xero-id-42",
         "REMIT_BASE_URL": "https://remit.example.com"}
MISSING = ("REMIT_ENCRYPTION_KEYS", "REMIT_STRIPE_CLIENT_ID", "REMIT_STRIPE_SECRET_KEY",
           "REMIT_STRIPE_WEBHOOK_SECRET", "REMIT_XERO_CLIENT_SECRET")
STARTS = {
    "create_app": [sys.executable, "-c", "from addon import create_app; create_app()"],
    "flask worker": [str(BIN / "flask"), "--app", "addon", "remit", "worker", "--help"],
    "dev server": [str(BIN / "flask"), "--app", "addon.devserver", "remit", "serve", "--help"],
    "gunicorn": [str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "--workers", "1",
                 "addon:create_app()"],
}


@pytest.mark.parametrize("start", STARTS.values(), ids=STARTS.keys())
def test_production_without_its_settings_exits_naming_them(start, tmp_path):
    environ = {name: value for name, value in os.environ.items()
               if not name.startswith("REMIT_")}
    environ.update(GIVEN, REMIT_ENV="production", REMIT_DATABASE_URL=f"sqlite:///{tmp_path}/x")
    done = subprocess.run(start, cwd=REPO, env=environ, capture_output=True, text=True,
                          timeout=60, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    for name in MISSING:
        assert name in output
    for value in GIVEN.values():
        if value.startswith("given-"):
            assert value not in output
