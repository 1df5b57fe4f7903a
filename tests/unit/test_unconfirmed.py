"""Every verify mark (`[` + `verify]`) left in the code is listed in README's "Unconfirmed
against the vendors", by file path (a short key that survives edits), with how to confirm it."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO_ROOT

# The bare mark and its longer forms (a colon or words after "verify"), spelled apart so this
# file does not list itself.
MARK = re.compile(r"\[" + r"verify\b")
CODE = ("*.py", "*.html", "*.js", "*.css", "*.txt", "*.yaml", "*.toml")


def unconfirmed_section() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    match = re.search(r"^## Unconfirmed against the vendors\n(.*?)(?=^## |\Z)", readme,
                      re.MULTILINE | re.DOTALL)
    assert match, "README has no 'Unconfirmed against the vendors' section"
    return match.group(1)


def files_with_marks() -> set[str]:
    """Tracked (or new, not ignored) code files holding the mark; Markdown is prose about it."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                             *CODE], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return {path for path in listed.stdout.splitlines()
            if (REPO_ROOT / path).is_file()
            and MARK.search((REPO_ROOT / path).read_text(errors="replace"))}


def listed_paths(section: str) -> set[str]:
    return set(re.findall(r"^- `([^`]+)`", section, re.MULTILINE))


def test_every_verify_in_code_is_listed_in_readme():
    missing = files_with_marks() - listed_paths(unconfirmed_section())

    assert missing == set(), f"add these to README, 'Unconfirmed against the vendors': {missing}"


def test_every_listed_file_exists_and_says_how_to_confirm():
    section = unconfirmed_section()
    for path in listed_paths(section):
        assert (REPO_ROOT / path).is_file(), path
    items = re.findall(r"^- `[^`]+`:(.*?)(?=^- `|\Z)", section, re.MULTILINE | re.DOTALL)
    assert items and all("Confirm" in item for item in items)


def test_the_check_finds_marks_and_misses():
    assert "sandbox/quickbooks_payment_checks.py" in files_with_marks()
    assert listed_paths("- `a.py`: x. Confirm y.\n- `b/c.py`: z.\n") == {"a.py", "b/c.py"}
