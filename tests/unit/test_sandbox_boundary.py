"""The add-on never imports the vendor stand-ins: only the development stack (addon/devserver.py)
hands them in, so no production process can run on their published secrets or hosts."""

from __future__ import annotations

import ast
from pathlib import Path

ADDON = Path(__file__).resolve().parents[2] / "addon"


def imports_sandbox(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "sandbox" or name.startswith("sandbox.") for name in names):
            return True
    return False


def test_only_the_development_server_imports_the_sandbox():
    importers = {str(path.relative_to(ADDON.parent)) for path in ADDON.rglob("*.py")
                 if imports_sandbox(path)}
    assert importers == {"addon/devserver.py"}
