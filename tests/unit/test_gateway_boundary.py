"""Stripe's vocabulary lives in gateways/stripe/, never in the add-on: its event type names,
its exponent and charge tables, its memo wording, dashboard and page URLs and its signature
header. The add-on reaches them through gateways.base.GatewayProvider, and names the package
only in the registry line that builds it (addon/gateways/registry.py)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADDON = REPO / "addon"
CODE = ("*.py", "*.html", "*.js")
REGISTRY = "addon/gateways/registry.py"

STRIPE_FACTS = {
    "event type names": re.compile(r"account\.application|checkout\.session|payment_intent"
                                   r"|charge\.(succeeded|updated|refunded)"),
    "exponent and charge tables": re.compile(r"ZERO_DECIMAL|THREE_DECIMAL|MINIMUM_CHARGE"),
    "memo wording": re.compile(r"Stripe payment \{|, charge \{"),
    "dashboard and page URLs": re.compile(r"[a-z]+\.stripe\.com"),
    "signature header": re.compile(r"Stripe-Signature", re.IGNORECASE),
    "session lifetime": re.compile(r"SESSION_LIFETIME"),
}
PACKAGE = re.compile(r"^\s*(from|import)\s+gateways\.stripe\b", re.MULTILINE)


def addon_files() -> list[Path]:
    return sorted(path for pattern in CODE for path in ADDON.rglob(pattern))


def findings(pattern: re.Pattern, files: list[Path]) -> list[str]:
    return [f"{path}:{number}" for path in files
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if pattern.search(line)]


def test_no_stripe_fact_is_written_in_the_addon():
    found = {name: findings(pattern, addon_files()) for name, pattern in STRIPE_FACTS.items()}

    assert {name: where for name, where in found.items() if where} == {}


def test_only_the_registry_imports_the_stripe_package():
    importers = {str(path.relative_to(REPO)) for path in ADDON.rglob("*.py")
                 if PACKAGE.search(path.read_text())}

    assert importers == {REGISTRY}


def test_the_check_finds_what_it_looks_for(tmp_path):
    planted = tmp_path / "handlers.py"
    planted.write_text('HANDLERS = {"account.application.deauthorized": None}\n'
                       'URL = "https://dashboard.stripe.com/x"\n'
                       'from gateways.stripe.const import SESSION_LIFETIME\n')

    assert findings(STRIPE_FACTS["event type names"], [planted])
    assert findings(STRIPE_FACTS["dashboard and page URLs"], [planted])
    assert findings(STRIPE_FACTS["session lifetime"], [planted])
    assert PACKAGE.search(planted.read_text())
