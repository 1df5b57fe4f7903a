"""The add-on never imports the vendor stand-ins: the development server (addon/devserver.py)
finds them through their `remit.devstack` entry point, so no production process can run on their
published secrets or hosts, and the production wheel can leave them out."""

from __future__ import annotations

import ast
import re
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


def test_no_add_on_module_imports_the_sandbox():
    importers = {str(path.relative_to(ADDON.parent)) for path in ADDON.rglob("*.py")
                 if imports_sandbox(path)}
    assert importers == set()


def test_no_add_on_line_imports_the_sandbox():
    """`grep -rnE "^\\s*(import sandbox|from sandbox)" addon/`, as the issue states it."""
    pattern = re.compile(r"^\s*(import sandbox|from sandbox)", re.MULTILINE)
    assert [str(path) for path in ADDON.rglob("*.py") if pattern.search(path.read_text())] == []


SANDBOX = ADDON.parent / "sandbox"


def sandbox_imports(path: Path) -> set[str]:
    """The sandbox modules `path` imports, at module level or inside a function, by statement
    or by `import_module("sandbox.…")`."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "sandbox":
            imported |= {f"sandbox.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            imported.add(node.value)
    modules = {found.stem for found in SANDBOX.glob("*.py")} - {"__init__"}
    return {name.split(".")[1] for name in imported
            if name.startswith("sandbox.")} & modules


def test_the_sandbox_modules_import_each_other_one_way():
    """No circle among the stand-ins' modules (the Intuit console once reset the stand-in
    through the module that registers the console)."""
    graph = {path.stem: sandbox_imports(path) - {path.stem}
             for path in SANDBOX.glob("*.py") if path.stem != "__init__"}
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, "import circle: " + " → ".join((*trail, module))
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, (*trail, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
