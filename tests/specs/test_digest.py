"""The committed digest of the vendor specs cannot drift from them, records where they come
from, and stays a digest (never the specs whole)."""

from __future__ import annotations

import re

from scripts import spec_digest
from tests.specs import DIGEST, SPECS, digest, spec_folder


def test_the_committed_digest_is_what_the_specs_say():
    spec_folder("")  # skips, or fails in CI, without ../shared/specs
    regenerated = spec_digest.render(spec_digest.digest(SPECS))

    assert regenerated == DIGEST.read_text(), "stale digest: run `make spec-digest`"
    assert spec_digest.render(spec_digest.digest(SPECS)) == regenerated  # deterministic


def test_the_digest_names_its_sources_by_commit():
    for vendor in ("quickbooks", "xero", "stripe"):
        source = digest()["sources"][vendor]
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", source["source"]), vendor
        assert source["sha256"], vendor


def test_the_digest_holds_what_the_shape_checks_read():
    found = digest()
    types = found["quickbooks"]["types"]
    for entity in ("Account", "Payment", "Invoice", "Preferences", "CompanyInfo",
                   "CompanyCurrency", "Customer", "Fault", "IntuitResponse"):
        assert types[entity]["fields"], entity
    assert "Bank" in types["AccountTypeEnum"]["enum"]
    schemas = found["xero"]["xero_accounting"]["components"]["schemas"]
    for component in ("Account", "Invoice", "Payment", "Payments", "Organisation", "Currency",
                      "Contact", "BankTransaction", "Overpayment", "Error", "ValidationError"):
        assert schemas[component], component
    assert "BANK" in schemas["AccountType"]["enum"]
    assert set(found["stripe"]["resources"]) >= {
        "checkout.session", "payment_intent", "charge", "event", "account",
        "balance_transaction", "refund", "dispute", "payout"}


def test_the_digest_is_not_the_specs_whole():
    text = DIGEST.read_text()
    assert len(text) < 400_000
    assert '"description": "' not in text.replace('"description": ""', "")
    assert '"example"' not in text
    assert len(digest()["xero"]["xero_accounting"]["paths"]) < 25  # of 200-odd: a subset
