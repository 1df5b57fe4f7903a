"""Where the vendor specs are, and their committed digest.

The shape checks read tests/specs/digest.json (made by scripts/spec_digest.py from
../shared/specs), so they run in any clone. Full-spec checks need ../shared/specs itself; when
it is absent they skip saying so, and fail instead under `REMIT_REQUIRE_SPECS=1` (CI), through
`missing_specs` here or the report hook in tests/specs/requirement.py for any other skip.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SPECS = REPO_ROOT.parent / "shared" / "specs"
DIGEST = Path(__file__).with_name("digest.json")
REQUIRED = "REMIT_REQUIRE_SPECS"


@cache
def digest() -> dict:
    return json.loads(DIGEST.read_text())


def specs_required() -> bool:
    return os.environ.get(REQUIRED) == "1"


def spec_folder(vendor: str) -> Path:
    """../shared/specs/<vendor>, or skip (fail under REMIT_REQUIRE_SPECS=1) saying why."""
    folder = SPECS / vendor
    if not folder.is_dir():
        missing_specs(f"vendor specs not found at {folder} (../shared/specs beside the "
                      "repository); this full-spec check needs them")
    return folder


def missing_specs(reason: str) -> None:
    if specs_required():
        pytest.fail(f"{REQUIRED}=1 but {reason}", pytrace=False)
    pytest.skip(reason)
