"""currencies(): the home currency plus the company's active foreign currencies."""

from __future__ import annotations

import pytest

from connectors.base import Currency
from tests.connectors.quickbooks.conftest import SINGLE_CURRENCY_REALM, US_REALM


@pytest.mark.vcr
def test_multicurrency_company_lists_home_and_active_foreign_currencies(qbo, vcr):
    currencies = qbo.connector(US_REALM).currencies()

    # CAD is in the company's list but inactive.
    assert currencies == [Currency("USD"), Currency("EUR", "Euro"),
                          Currency("GBP", "British Pound Sterling")]
    assert [request.body for request in vcr.requests if request.path.endswith("/query")] == [
        b"SELECT * FROM CompanyCurrency  STARTPOSITION 1 MAXRESULTS 1000"]


@pytest.mark.vcr
def test_multicurrency_off_means_the_home_currency_only(qbo, vcr):
    currencies = qbo.connector(SINGLE_CURRENCY_REALM).currencies()

    assert currencies == [Currency("GBP")]
    assert [request.path.rsplit("/", 1)[-1] for request in vcr.requests] == ["preferences"]
