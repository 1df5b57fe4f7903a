"""Where the plugins' own cassette tiers live, for harnesses that reuse their cassettes."""

from tests.conftest import REPO_ROOT

CONNECTORS = REPO_ROOT / "tests" / "connectors"
GATEWAYS = REPO_ROOT / "tests" / "gateways"
