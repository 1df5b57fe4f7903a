"""What the wheels carry. A production (non-editable) install serves French: the wheel carries
the compiled catalogue, built by setup.py's build step, not only by `make`. It carries no vendor
stand-in: those are their own distribution (sandbox/pyproject.toml), which builds on its own and
declares the entry point the development server finds them by."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from tests.conftest import REPO_ROOT

MO = "addon/translations/fr/LC_MESSAGES/messages.mo"
LEFT_OUT = shutil.ignore_patterns(".venv", ".git", "test-output", "instance", "*.mo", "build",
                                  "*.egg-info", "__pycache__", "tests", "benchmarks", "docs")


def build_wheel(source: Path, dist: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(dist), str(source)],
                   check=True, capture_output=True, timeout=300)
    return next(dist.glob("*.whl"))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """The main wheel and the sandbox's, each built once from a copy of the repository, so the
    build leaves the worktree as it was."""
    source = tmp_path_factory.mktemp("source") / "remit"
    shutil.copytree(REPO_ROOT, source, ignore=LEFT_OUT)
    main = build_wheel(source, tmp_path_factory.mktemp("dist"))
    stand_ins = build_wheel(source / "sandbox", tmp_path_factory.mktemp("sandbox-dist"))
    opened = {name: zipfile.ZipFile(wheel) for name, wheel in
              (("remit", main), ("remit-sandbox", stand_ins))}
    yield opened
    for wheel in opened.values():
        wheel.close()


def test_the_wheel_carries_the_compiled_french_catalogue(wheels):
    catalogue = read_mo(io.BytesIO(wheels["remit"].read(MO)))
    assert catalogue.locale is None or str(catalogue.locale) == "fr"
    translated = [message for message in catalogue if message.id and message.string]
    assert len(translated) > 100
    assert catalogue.get("Payment gateway settings").string


def test_the_production_wheel_carries_no_stand_in(wheels):
    names = wheels["remit"].namelist()
    assert any(name.startswith("addon/") for name in names)
    assert any(name.startswith("connectors/") for name in names)
    assert [name for name in names if name.startswith("sandbox/")] == []
    assert "remit.devstack" not in _entry_points(wheels["remit"])


def test_the_sandbox_is_its_own_distribution_found_by_its_entry_point(wheels):
    names = set(wheels["remit-sandbox"].namelist())
    modules = {f"sandbox/{path.name}" for path in (REPO_ROOT / "sandbox").glob("*.py")}
    assert modules <= names
    assert "sandbox/templates/sandbox/index.html" in names
    assert not {name for name in names if name.split("/")[0] in ("addon", "connectors",
                                                                   "gateways")}
    assert "[remit.devstack]\nsandbox = sandbox.devstack:dev_stack" in _entry_points(
        wheels["remit-sandbox"])


def _entry_points(wheel: zipfile.ZipFile) -> str:
    found = [name for name in wheel.namelist() if name.endswith(".dist-info/entry_points.txt")]
    return wheel.read(found[0]).decode() if found else ""
