"""The contract suite's own cassettes are held to the connector tier's cleanliness check: no
Authorization header, credential, token or sandbox-issued secret in any of them."""

from __future__ import annotations

import pytest

from tests.connectors.test_cassettes_clean import SECRET_HEADERS, leaks, request_headers
from tests.contracts.harness import OWN_CASSETTES

CASSETTES = sorted(OWN_CASSETTES.rglob("*.yaml"))


def test_the_suite_has_cassettes_of_its_own():
    assert {path.parent.name for path in CASSETTES} >= {"quickbooks", "xero"}


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.parent.name + "/" + path.name)
def test_contract_cassette_carries_no_credentials(cassette):
    assert not request_headers(cassette) & SECRET_HEADERS
    assert leaks(cassette.read_text()) == []
