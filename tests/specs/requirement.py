"""`REMIT_REQUIRE_SPECS=1` (CI) turns every skip caused by missing vendor specs or a missing
Prism into a failure, whichever test skipped: a check that cannot run must not look green."""

from __future__ import annotations

import re

import pytest

from tests.specs import REQUIRED, specs_required

SPEC_SKIP = re.compile(r"shared/specs|vendor specs|OpenAPI documents not found|Prism")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and specs_required() and isinstance(report.longrepr, tuple)):
        return
    reason = str(report.longrepr[2])
    if SPEC_SKIP.search(reason):
        report.outcome = "failed"
        report.longrepr = f"{REQUIRED}=1 but the check was skipped: {reason}"
