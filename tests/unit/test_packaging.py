"""A production (non-editable) install serves French: the wheel carries the compiled catalogue,
built by setup.py's build step, not only by `make`."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile

from babel.messages.mofile import read_mo

from tests.conftest import REPO_ROOT

MO = "addon/translations/fr/LC_MESSAGES/messages.mo"


def test_the_wheel_carries_the_compiled_french_catalogue(tmp_path):
    source = tmp_path / "source"  # a copy, so the build leaves the worktree as it was
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "test-output", "instance", "*.mo", "build", "*.egg-info",
        "__pycache__", "tests", "benchmarks", "docs"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("remit-*.whl"))

    with zipfile.ZipFile(wheel) as archive:
        catalogue = read_mo(io.BytesIO(archive.read(MO)))
    assert catalogue.locale is None or str(catalogue.locale) == "fr"
    translated = [message for message in catalogue if message.id and message.string]
    assert len(translated) > 100
    assert catalogue.get("Payment gateway settings").string
