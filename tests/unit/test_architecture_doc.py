"""docs/architecture.md stays true to the code: every table (with its columns) and status, and
every registered ledger and gateway, is in it; every file it names exists; and each
walkthrough's file list names only files the built-in plugins really have, so following it for
a new plugin builds the same shape."""

from __future__ import annotations

import ast
import re
from importlib.metadata import entry_points
from pathlib import Path

from tests.conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "architecture.md"
PLACEHOLDER = "<name>"
LEDGER_GROUP, GATEWAY_GROUP = "remit.ledgers", "remit.gateways"
REPOSITORY_PATH = re.compile(
    r"(?:addon|connectors|gateways|tests|docs|scripts|sandbox|manifest|tools|benchmarks|\.ci)"
    r"/[^\s<>`]*|README\.md|Makefile|pyproject\.toml|setup\.py")


def section(text: str, title: str, level: int = 2) -> str:
    """The body of the heading `title` at `level`, up to the next heading at that level or
    above; AssertionError naming it when the heading is missing."""
    hashes = "#" * level
    match = re.search(rf"^{hashes} {re.escape(title)}\n(.*?)(?=^#{{1,{level}}} |\Z)", text,
                      re.MULTILINE | re.DOTALL)
    assert match, f"docs/architecture.md has no '{hashes} {title}' section"
    return match.group(1)


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


# --- the data model ---------------------------------------------------------------------------

def documented_tables(doc: str) -> dict[str, set[str]]:
    """Table name -> the columns its row of the Data model table lists (second cell)."""
    rows = re.findall(r"^\| `(\w+)` \|([^|]*)\|", section(doc, "Data model"), re.MULTILINE)
    return {name: set(code_spans(columns)) for name, columns in rows}


def model_gaps(doc: str, tables: dict[str, list[str]]) -> list[str]:
    """What the Data model section misses or invents, given {table: [column, ...]}."""
    documented = documented_tables(doc)
    gaps = [f"table {name} is not documented" for name in sorted(set(tables) - set(documented))]
    gaps += [f"table {name} is documented but does not exist"
             for name in sorted(set(documented) - set(tables))]
    for name in sorted(set(tables) & set(documented)):
        gaps += [f"column {name}.{column} is not documented"
                 for column in tables[name] if column not in documented[name]]
        gaps += [f"column {name}.{column} is documented but does not exist"
                 for column in sorted(documented[name] - set(tables[name]))]
    return gaps


def existing_tables() -> dict[str, list[str]]:
    import addon.models  # noqa: F401  (registers every table on the metadata)
    from addon.extensions import db

    return {name: [column.name for column in table.columns]
            for name, table in db.metadata.tables.items()}


def test_every_table_and_column_is_in_the_data_model():
    gaps = model_gaps(DOC.read_text(), existing_tables())

    assert gaps == [], "update docs/architecture.md, Data model: " + "; ".join(gaps)


def test_every_status_value_is_explained():
    from addon.models import ConnectionStatus, GatewayStatus, WorkStatus

    described = set(code_spans(section(DOC.read_text(), "Data model")))
    for status in (WorkStatus, ConnectionStatus, GatewayStatus):
        missing = {member.value for member in status} - described
        assert missing == set(), f"{status.__name__} values not described: {missing}"


# --- the plugins ------------------------------------------------------------------------------

def built_in_ledgers() -> set[str]:
    """The ledgers this repository ships (addon/platforms.py's BUILT_IN)."""
    from addon import platforms

    return set(platforms.BUILT_IN)


def registered_ledgers() -> set[str]:
    """The built-ins, every `remit.ledgers` entry point, and whatever the registry reports."""
    from addon import platforms

    keys = built_in_ledgers() | {point.name for point in entry_points(group=LEDGER_GROUP)}
    return keys | set(platforms.keys())


def registered_gateways() -> set[str]:
    from addon.gateways.registry import KINDS

    return set(KINDS) | {point.name for point in entry_points(group=GATEWAY_GROUP)}


def unmentioned(text: str, keys: set[str]) -> set[str]:
    return keys - set(code_spans(text))


def test_every_registered_ledger_and_gateway_is_in_the_registries_section():
    registries = section(DOC.read_text(), "Registries")

    assert unmentioned(registries, registered_ledgers()) == set()
    assert unmentioned(registries, registered_gateways()) == set()


def test_the_plugin_lists_are_not_empty():
    """Guards the two checks above against a registry that reads as empty."""
    assert {"quickbooks", "xero"} <= registered_ledgers()
    assert "stripe" in registered_gateways()


# --- the walkthroughs -------------------------------------------------------------------------

def files_to_create(doc: str, walkthrough: str) -> list[str]:
    """The file templates (with <name>) a walkthrough lists under 'Files to create'."""
    listed = section(section(doc, walkthrough), "Files to create", level=3)
    paths = [span for span in code_spans(listed) if "/" in span]
    assert paths, f"'{walkthrough}' lists no file"
    strays = [path for path in paths if PLACEHOLDER not in path]
    assert strays == [], f"'{walkthrough}' may only list the new plugin's own files: {strays}"
    return paths


def missing_files(templates: list[str], plugin: str, root: Path = REPO_ROOT) -> list[str]:
    """The listed files the plugin does not have; a trailing slash means a folder."""
    missing = []
    for template in templates:
        path = template.replace(PLACEHOLDER, plugin)
        found = (root / path).is_dir() if path.endswith("/") else (root / path).is_file()
        if not found:
            missing.append(path)
    return missing


def test_add_a_ledger_lists_what_every_built_in_ledger_has():
    templates = files_to_create(DOC.read_text(), "Add a ledger")

    assert "connectors/<name>/platform.py" in templates
    for ledger in sorted(built_in_ledgers()):
        assert missing_files(templates, ledger) == [], ledger


def test_add_a_ledger_lists_the_files_the_throwaway_plugin_is_built_from():
    """tests/contracts/test_plugin_walkthrough.py builds a ledger from exactly this list and
    registers it with the walkthrough's one line: the page and that test cannot drift apart."""
    from tests.contracts.test_plugin_walkthrough import LEDGER_PLUGIN_FILES

    assert sorted(files_to_create(DOC.read_text(), "Add a ledger")) == sorted(
        LEDGER_PLUGIN_FILES)


def test_add_a_gateway_lists_what_every_built_in_gateway_has():
    from addon.gateways.registry import KINDS

    templates = files_to_create(DOC.read_text(), "Add a gateway")

    for gateway in sorted(KINDS):
        assert missing_files(templates, gateway) == [], gateway


def test_each_walkthrough_names_its_registry():
    doc = DOC.read_text()
    ledger = section(section(doc, "Add a ledger"), "The one registry line", level=3)
    gateway = section(section(doc, "Add a gateway"), "The one registry line", level=3)

    assert "addon/platforms.py" in code_spans(ledger) and LEDGER_GROUP in ledger
    assert "addon/gateways/registry.py" in code_spans(gateway)


# --- the layers -------------------------------------------------------------------------------

PLUGIN_LAYERS = ("connectors", "gateways")
# What a plugin package may never import: the add-on and its web and ORM stack, the stand-ins.
ABOVE_PLUGINS = {"addon", "flask", "sqlalchemy", "flask_sqlalchemy", "sandbox"}
VENDOR_SDKS = {"quickbooks", "xero_python", "stripe"}  # imported only in a client.py


def top_level_imports(path: Path) -> set[str]:
    """First component of every absolute import in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names]
    names += [node.module or "" for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.level == 0]
    return {name.split(".")[0] for name in names}


def layer_breaches(root: Path = REPO_ROOT) -> list[str]:
    breaches = []
    for layer in PLUGIN_LAYERS:
        forbidden = ABOVE_PLUGINS | (set(PLUGIN_LAYERS) - {layer})
        for path in sorted((root / layer).rglob("*.py")):
            imported = top_level_imports(path)
            where = path.relative_to(root).as_posix()
            breaches += [f"{where} imports {name}" for name in sorted(imported & forbidden)]
            if path.name != "client.py":
                breaches += [f"{where} imports the SDK {name}"
                             for name in sorted(imported & VENDOR_SDKS)]
    return breaches


def test_plugins_import_only_downwards_and_sdks_only_in_client_py():
    assert layer_breaches() == []


# --- every file the page names ----------------------------------------------------------------

def named_paths(doc: str) -> set[str]:
    """Repository files and folders the page names in backticks (templates left out)."""
    return {span for span in code_spans(doc) if REPOSITORY_PATH.fullmatch(span)}


def dead_paths(doc: str, root: Path = REPO_ROOT) -> set[str]:
    return {path for path in named_paths(doc) if not (root / path).exists()}


def test_every_file_the_page_names_exists():
    assert dead_paths(DOC.read_text()) == set()


def test_readme_points_to_the_architecture_page():
    readme = (REPO_ROOT / "README.md").read_text()

    assert "docs/architecture.md" in readme
    assert "ARCHITECTURE.md" not in readme


# --- the checks can fail ----------------------------------------------------------------------

SMALL_DOC = """# x
## Registries
`quickbooks` and `stripe`.
## Data model
| table | columns | what |
|---|---|---|
| `company` | `id`, `name`, `gone` | one ledger, `not_a_column` |
| `ghost` | `id` | gone |
## Add a ledger
### Files to create
- `connectors/<name>/client.py`, `connectors/<name>/platform.py`
- `connectors/<name>/nothing_here.py`
- `tests/connectors/<name>/cassettes/`
### The one registry line
## Add a gateway
### Files to create
- `addon/settings.py`
See `addon/nowhere.py` and `addon/models.py`.
"""


def test_the_checks_find_what_the_page_misses(tmp_path):
    gaps = model_gaps(SMALL_DOC, {"company": ["id", "name", "platform"], "posting": ["id"]})
    assert gaps == ["table posting is not documented", "table ghost is documented but does "
                    "not exist", "column company.platform is not documented",
                    "column company.gone is documented but does not exist"]
    assert unmentioned(section(SMALL_DOC, "Registries"), {"quickbooks", "xero"}) == {"xero"}

    templates = files_to_create(SMALL_DOC, "Add a ledger")
    (tmp_path / "connectors" / "sage").mkdir(parents=True)
    (tmp_path / "connectors" / "sage" / "client.py").write_text("")
    (tmp_path / "tests" / "connectors" / "sage" / "cassettes").mkdir(parents=True)
    assert missing_files(templates, "sage", tmp_path) == [
        "connectors/sage/platform.py", "connectors/sage/nothing_here.py"]
    try:
        files_to_create(SMALL_DOC, "Add a gateway")
    except AssertionError as refused:
        assert "addon/settings.py" in str(refused)
    else:
        raise AssertionError("a walkthrough listing an existing file must be refused")

    assert dead_paths(SMALL_DOC) == {"addon/nowhere.py"}
    (tmp_path / "connectors" / "sage" / "rules.py").write_text(
        "from flask import current_app\nimport addon.models\nfrom gateways import base\n")
    (tmp_path / "gateways" / "adyen").mkdir(parents=True)
    (tmp_path / "gateways" / "adyen" / "events.py").write_text("import stripe.webhook\n")
    (tmp_path / "gateways" / "adyen" / "client.py").write_text("import stripe\n")
    assert layer_breaches(tmp_path) == [
        "connectors/sage/rules.py imports addon", "connectors/sage/rules.py imports flask",
        "connectors/sage/rules.py imports gateways",
        "gateways/adyen/events.py imports the SDK stripe"]
    assert "connectors/quickbooks/platform.py" in dead_paths(
        "`connectors/quickbooks/platform.py`", tmp_path)
