"""The Reconciliation page links each payout to its page in Stripe's dashboard."""

from gateways.stripe.provider import StripeGateway
from tests.gateways.stripe.test_currencies import GATEWAY


def test_a_payout_links_to_the_dashboards_payout_page():
    assert isinstance(GATEWAY, StripeGateway)
    assert GATEWAY.dashboard_url(account_id="acct_1", source_id="po_1", livemode=True) == (
        "https://dashboard.stripe.com/acct_1/payouts/po_1")
    assert GATEWAY.dashboard_url(account_id="acct_1", source_id="po_1", livemode=False) == (
        "https://dashboard.stripe.com/acct_1/test/payouts/po_1")
    assert GATEWAY.dashboard_url(account_id="acct_1", source_id="pi_1", livemode=False) == (
        "https://dashboard.stripe.com/acct_1/test/payments/pi_1")
