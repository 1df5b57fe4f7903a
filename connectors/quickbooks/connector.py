"""QuickBooks Online behind Remit's Connector contract."""

from __future__ import annotations

from connectors.base import CompanyInfo
from connectors.quickbooks import transformers
from connectors.quickbooks.client import QuickBooksClient


class QuickBooksConnector:
    """One connected QuickBooks company.

    `api_base` is the only difference between real mode (const.PRODUCTION_API_BASE or
    const.SANDBOX_API_BASE) and Remit's sandbox (`<REMIT_SANDBOX_URL>/quickbooks/api/v3`).
    `timeout` (seconds) bounds every HTTP call. Every method raises ConnectorError subclasses.
    """

    def __init__(self, realm_id: str, access_token: str, api_base: str, timeout: float) -> None:
        self.realm_id = realm_id
        self._client = QuickBooksClient.with_access_token(realm_id, access_token, api_base, timeout)

    def company_info(self) -> CompanyInfo:
        """Two reads: CompanyInfo (name, country) and Preferences (currency settings)."""
        info = self._client.company_info()
        preferences = self._client.preferences()
        return transformers.company_info(info, preferences)
