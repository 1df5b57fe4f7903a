"""The Makefile's install rule (the one `make run`, `make test` and .ci/run share): uv installs the
pinned set when it can, and pip installs the same set when uv cannot be installed or fails.

Run for real on a throwaway venv, offline: "uv" is a wheel made here whose `uv` command records
its arguments and exits as told, and the set to install is one small wheel, also made here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = "remit_install_probe"


def _wheel(folder: Path, name: str, files: dict[str, str], scripts: str = "") -> Path:
    """A minimal pure-Python wheel (pip installs it without any build or index)."""
    dist = f"{name.replace('-', '_')}-0.0.1.dist-info"
    contents = {**files,
                f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n",
                f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                 "Tag: py3-none-any\n"}
    if scripts:
        contents[f"{dist}/entry_points.txt"] = f"[console_scripts]\n{scripts}\n"
    contents[f"{dist}/RECORD"] = "".join(f"{path},,\n" for path in contents) + f"{dist}/RECORD,,\n"
    path = folder / f"{name.replace('-', '_')}-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for member, text in contents.items():
            wheel.writestr(member, text)
    return path


FAKE_UV = '''import os, sys
def main():
    with open(os.environ["FAKE_UV_LOG"], "a") as log:
        log.write(" ".join(sys.argv[1:]) + "\\n")
    sys.exit(int(os.environ["FAKE_UV_EXIT"]))
'''


@pytest.fixture
def install(tmp_path):
    """Run the stamp rule into tmp_path/venv; (make's result, venv, uv's recorded calls)."""
    assert shutil.which("make"), "make is needed to check the Makefile"
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    fake_uv = _wheel(wheels, "uv", {"fake_uv.py": FAKE_UV}, "uv = fake_uv:main")
    probe = _wheel(wheels, PROBE.replace("_", "-"), {f"{PROBE}.py": "INSTALLED = True\n"})
    log = tmp_path / "uv-calls.txt"
    log.touch()
    venv = tmp_path / "venv"

    def run(uv_exit: int, uv_requirement: str | None = None):
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "VIRTUAL_ENV")}
        env.update(FAKE_UV_LOG=str(log), FAKE_UV_EXIT=str(uv_exit), PIP_NO_INDEX="1",
                   PIP_FIND_LINKS=str(wheels))
        made = subprocess.run(
            ["make", f"VENV={venv}", f"UV_REQUIREMENT={uv_requirement or fake_uv}",
             f"DEV_INSTALL={probe}", f"{venv}/.installed-stamp"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        return made, venv, log.read_text().splitlines()

    return run


def _probe_installed(venv: Path) -> bool:
    return subprocess.run([venv / "bin" / "python", "-c", f"import {PROBE}"],
                          capture_output=True).returncode == 0


def test_uv_installs_the_pinned_set_when_it_works(install):
    made, venv, uv_calls = install(uv_exit=0)
    assert made.returncode == 0, made.stdout + made.stderr
    assert (venv / ".installed-stamp").exists()
    (call,) = uv_calls
    assert call.startswith("pip install --quiet --compile-bytecode "
                           f"--python {venv}/bin/python -c constraints.txt ")
    assert call.endswith(f"{PROBE}-0.0.1-py3-none-any.whl")
    assert not _probe_installed(venv)  # the fake uv installed nothing, and pip was not run


def test_pip_installs_the_same_set_when_uv_fails(install):
    """(uv failing to install at all takes the same branch: the `&&` chain stops earlier.)"""
    made, venv, uv_calls = install(uv_exit=1)
    assert made.returncode == 0, made.stdout + made.stderr
    assert len(uv_calls) == 1  # uv was tried first
    assert (venv / ".installed-stamp").exists() and _probe_installed(venv)

