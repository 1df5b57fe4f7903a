"""company_info() through the real python-quickbooks SDK, replayed from cassettes recorded
against the sandbox (see ../README.md). Each error test pins one branch of the error mapping."""

from __future__ import annotations

import pytest

from connectors.base import CompanyInfo, RateLimited, VendorUnavailable
from tests.connectors.quickbooks.conftest import SINGLE_CURRENCY_REALM, US_REALM


@pytest.mark.live
@pytest.mark.vcr
def test_multicurrency_company(qbo):
    info = qbo.connector(US_REALM).company_info()

    assert info == CompanyInfo(
        name="Remit Sandbox Company US", home_currency="USD", multicurrency=True, country="US"
    )


@pytest.mark.vcr
def test_single_currency_company(qbo):
    info = qbo.connector(SINGLE_CURRENCY_REALM).company_info()

    assert info == CompanyInfo(
        name="Remit Sandbox Company (single currency)",
        home_currency="GBP",
        multicurrency=False,
        country="GB",
    )


@pytest.mark.vcr
def test_throttle_is_rate_limited_with_retry_after(qbo):
    qbo.force_next("429")

    with pytest.raises(RateLimited) as caught:
        qbo.connector(US_REALM).company_info()

    assert caught.value.retry_after == 60.0
    assert "HTTP 429, fault 3001" in str(caught.value)


@pytest.mark.vcr
def test_outage_is_vendor_unavailable(qbo):
    qbo.force_next("503")

    with pytest.raises(VendorUnavailable) as caught:
        qbo.connector(US_REALM).company_info()

    assert "HTTP 503" in str(caught.value)
