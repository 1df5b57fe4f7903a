"""CI sets REMIT_REQUIRE_SPECS=1: a check that skips for want of the vendor specs (or of Prism)
must then fail, whichever test skipped and however it skipped."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.specs import REPO_ROOT

CONFTEST = "from tests.specs.requirement import pytest_runtest_makereport  # noqa: F401\n"
TESTS = '''
import pytest
from tests.specs import missing_specs

def test_through_the_helper():
    missing_specs("vendor specs not found at /nowhere/shared/specs/xero")

def test_skipping_on_its_own():
    pytest.skip("Xero's OpenAPI documents not found at /nowhere/shared/specs/xero")

@pytest.mark.skipif(True, reason="Prism (@stoplight/prism-cli) is not installed")
def test_skipped_by_a_marker():
    pass

def test_an_unrelated_skip():
    pytest.skip("concurrent writers need PostgreSQL")
'''


def run(tmp_path, required: bool) -> str:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_specs_absent.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {key: value for key, value in os.environ.items() if key != "REMIT_REQUIRE_SPECS"}
    if required:
        env["REMIT_REQUIRE_SPECS"] = "1"
    env["PYTHONPATH"] = str(REPO_ROOT)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider",
                           "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    return done.stdout.splitlines()[-1]


def test_missing_specs_skip_locally(tmp_path):
    assert run(tmp_path, required=False).startswith("4 skipped")


def test_missing_specs_fail_when_required(tmp_path):
    # A skip in setup (a skipif marker) becomes an error, which fails the run as well.
    assert run(tmp_path, required=True).startswith("2 failed, 1 skipped, 1 error")
