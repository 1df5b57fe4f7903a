"""What a stored grant lacks of the scopes its ledger asks for (addon/auth/grants.py), from the
descriptor's scope uses alone: no platform is named in the add-on."""

from __future__ import annotations

import pytest

from addon.auth import grants
from addon.models import Company, ConnectionStatus, PlatformConnection
from addon.posting.waiting import Waiting
from addon.posting.writers import BUILD
from connectors.quickbooks.platform import PLATFORM as QUICKBOOKS
from connectors.xero.const import SCOPES
from tests.app.test_xero_scopes import OLD_SCOPES


def company(platform: str, scopes: str,
            status: ConnectionStatus = ConnectionStatus.ACTIVE) -> Company:
    return Company(platform=platform, connection=PlatformConnection(
        platform=platform, scopes=scopes, status=status))


def test_an_old_xero_grant_lacks_the_three_new_scopes_and_only_journals_for_journals(app):
    old = company("xero", OLD_SCOPES)
    assert set(grants.lacking(old)) == {"accounting.manualjournals", "accounting.settings",
                                        "accounting.reports.trialbalance.read"}
    assert grants.lacking(old, "record_journal") == ("accounting.manualjournals",)
    assert grants.lacking(old, "record_payment") == ()
    assert grants.lacking(old, "record_payout") == ()
    assert grants.lacking(company("xero", SCOPES)) == ()


def test_a_legacy_scope_granting_the_same_counts(app):
    legacy = company("xero", OLD_SCOPES + " accounting.transactions accounting.reports.read")
    assert grants.lacking(legacy) == ("accounting.settings",)


@pytest.mark.parametrize("grant", [
    company("xero", ""),  # scopes never reported: unknown, not lacking
    company("xero", OLD_SCOPES, ConnectionStatus.NEEDS_RECONNECT),  # said another way
    company("quickbooks", "openid"),  # a ledger that explains no scope
])
def test_nothing_is_said_to_lack_when_it_cannot_be_told(app, grant):
    assert grants.lacking(grant) == ()
    with app.test_request_context():
        assert grants.banner(grant) == ""


def test_every_posting_kind_written_names_its_connector_method():
    assert set(BUILD) | {"payment"} == set(grants.KIND_METHOD)
    assert not QUICKBOOKS.scope_uses


def test_only_a_write_that_needs_the_missing_scope_waits(app):
    old = company("xero", OLD_SCOPES)
    with pytest.raises(Waiting) as waited:
        grants.require(old, "dispute")
    assert waited.value.code == "scope"
    assert waited.value.values == {"scopes": ["accounting.manualjournals"]}
    for kind in ("payment", "refund", "payout", "payout_reversal", "dispute_closed"):
        grants.require(old, kind)  # nothing to wait for
