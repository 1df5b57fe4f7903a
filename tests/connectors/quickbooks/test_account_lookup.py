"""The accounts a posting names, re-validated in one query just before the write."""

from __future__ import annotations

import pytest

from tests.connectors.quickbooks.conftest import US_REALM

UNDEPOSITED, USD_AR, OLD_BANK, UNKNOWN = "4", "84", "38", "9999"


@pytest.mark.vcr
def test_several_accounts_in_one_query_inactive_ones_included(qbo, vcr):
    found = qbo.connector(US_REALM, home_currency="USD").accounts_by_id(
        [USD_AR, UNDEPOSITED, OLD_BANK, UNKNOWN])

    assert set(found) == {UNDEPOSITED, USD_AR, OLD_BANK}  # the unknown id is simply absent
    assert found[UNDEPOSITED].name == "Undeposited Funds" and found[UNDEPOSITED].active
    assert found[USD_AR].currency == "USD"
    assert found[OLD_BANK].active is False
    assert len(vcr.requests) == 1
    assert b"Id IN ('4', '38', '84', '9999')" in vcr.requests[0].body


def test_ids_that_cannot_be_intuits_make_no_call(qbo):
    assert qbo.connector(US_REALM, home_currency="USD").accounts_by_id(["abc", ""]) == {}
