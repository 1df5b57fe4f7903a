"""The Reconciliation page and its CSV, in English and French, for members only; the ledger
and the gateway are faked at the boundary where the page asks them for balances."""

import csv
import io
from datetime import timedelta

import pytest

from addon.models import Gateway
from connectors.base import VendorUnavailable
from gateways.base import GatewayBalance, GatewayUnavailable
from tests.app.reconcile_data import TODAY, company_with_payouts, member, sign_in


class Ledger:
    """Answers account_balance as QuickBooks would for the clearing accounts, noting asks."""

    def __init__(self, balances):
        self.balances, self.asked = balances, []

    def account_balance(self, account_id):
        self.asked.append(account_id)
        return self.balances[account_id]


class Down:
    def account_balance(self, account_id):
        raise VendorUnavailable("QuickBooks answered 503")

    def balances(self, account_id):
        raise GatewayUnavailable("Stripe answered 503")


class Stripe:
    def __init__(self):
        self.asked = []

    def balances(self, account_id):
        self.asked.append(account_id)
        return [GatewayBalance("USD", available_minor=100000, pending_minor=20000),
                GatewayBalance("EUR", available_minor=5, pending_minor=0)]


@pytest.fixture
def company(app):
    return company_with_payouts()


@pytest.fixture
def gateway(company):
    return company.gateways[0]


@pytest.fixture
def boundary(monkeypatch):
    from decimal import Decimal

    ledger, stripe = Ledger({"4": Decimal("1234.50"), "41": Decimal("0")}), Stripe()
    monkeypatch.setattr("addon.reconcile.data.connector_for", lambda company: ledger)
    monkeypatch.setattr("addon.reconcile.data.provider", lambda key: stripe)
    return ledger, stripe


def page(client, gateway: Gateway, **args) -> str:
    answer = client.get(f"/reconciliation/{gateway.id}", query_string=args)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def test_each_payout_says_balanced_waiting_or_off_and_why(client, company, gateway,
                                                          boundary):
    sign_in(client, member(company), company)
    text = page(client, gateway)
    assert text.index("po_balanced") < text.index("po_waiting") < text.index("po_off")
    assert "po_yen" not in text  # another currency
    assert "Balanced" in text and "Waiting" in text and "Off by 28.83 USD" in text
    assert "Fee txn_ch2: pending. Set the fees account for USD on the gateway." in text
    assert "Payment pi_3 is unmatched: 28.83 USD never reached the ledger." in text
    assert "The payout itself is not recorded yet (pending). Waiting for the fee of " \
        "txn_ch2." in text
    assert "Transaction 301" in text and ">76.80<" in text and ">-3.20<" in text
    assert '<caption>Payouts in USD arriving since' in text and 'scope="col"' in text
    # The clearing account next to Stripe's pending + available, and what separates them.
    assert "1,234.50 USD" in text and "1,200.00 USD" in text and "34.50 USD" in text
    ledger, stripe = boundary
    assert ledger.asked == ["4"] and stripe.asked == ["acct_recon1"]
    # The currency switcher offers the gateway's currencies; yen stay whole.
    assert '<option value="JPY"' in text
    yen = page(client, gateway, currency="JPY")
    assert "po_yen" in yen and ">15,000<" in yen and ">-540<" in yen
    assert "0 JPY" in yen and ledger.asked[-1] == "41"  # Stripe lists no yen: it holds none


def test_since_chooses_the_payouts_by_arrival_date(client, company, gateway, boundary):
    sign_in(client, member(company), company)
    text = page(client, gateway, since=(TODAY - timedelta(days=2)).isoformat())
    assert "po_balanced" in text and "po_waiting" in text and "po_off" not in text
    assert "could not be read" in page(client, gateway, since="yesterday")


def test_a_side_that_cannot_answer_shows_no_figure(client, company, gateway, monkeypatch):
    monkeypatch.setattr("addon.reconcile.data.connector_for", lambda company: Down())
    monkeypatch.setattr("addon.reconcile.data.provider", lambda key: Down())
    sign_in(client, member(company), company)
    text = page(client, gateway)
    assert "QuickBooks could not be asked right now." in text
    assert "Stripe could not be asked right now." in text
    assert "Unknown while one side cannot answer." in text


def test_the_page_speaks_french(client, company, gateway, boundary):
    sign_in(client, member(company), company, language="fr")
    text = page(client, gateway)
    assert "Rapprochement" in text and "Équilibré" in text and "En attente" in text
    assert "Écart de 28,83\u00a0USD" in text or "Écart de 28,83 USD" in text
    assert "Frais txn_ch2 : en attente." in text
    assert "1\u202f234,50 USD" in text
    assert "Télécharger en CSV" in text


def csv_rows(client, gateway, **args) -> list[list[str]]:
    answer = client.get(f"/reconciliation/{gateway.id}/reconciliation.csv", query_string=args)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True))))


def test_the_csv_has_the_pages_rows_with_plain_amounts(client, company, gateway, boundary):
    sign_in(client, member(company), company)
    header, *rows = csv_rows(client, gateway)
    assert header == ["Arrival date", "Payout", "Currency", "Gross", "Fees", "Refunds",
                      "Disputes", "Other", "Net", "Ledger transaction", "Status", "Difference",
                      "Details"]
    assert [r[1] for r in rows] == ["po_balanced", "po_waiting", "po_off"]
    assert rows[0][:12] == [(TODAY - timedelta(days=1)).isoformat(), "po_balanced", "USD",
                            "100.00", "-3.20", "-20.00", "0.00", "0.00", "76.80", "301",
                            "Balanced", "0.00"]
    assert rows[2][10:12] == ["Off by 28.83 USD", "28.83"]
    assert "Payment pi_3 is unmatched" in rows[2][12]
    yen = csv_rows(client, gateway, currency="JPY")
    assert yen[1][3:9] == ["15000", "-540", "0", "0", "0", "14460"]
    detailed = csv_rows(client, gateway, entries="1")
    assert ["po_balanced", "txn_ch1", "payment", "ch_1", "pi_1", "USD", "100.00", "-3.20",
            "96.80", "payment done 201; fee done 202"] in detailed


def test_the_csv_headers_follow_the_pages_language(client, company, gateway, boundary):
    sign_in(client, member(company), company, language="fr")
    header, first, *_ = csv_rows(client, gateway)
    assert header[:5] == ["Date d’arrivée", "Versement", "Devise", "Brut", "Frais"]
    assert first[3] == "100.00" and first[10] == "Équilibré"


def test_only_members_of_the_company_see_it(client, company, gateway, boundary):
    other = company_with_payouts("Other Books", realm="9130002")
    sign_in(client, member(other, subject="stranger"), other)
    assert client.get(f"/reconciliation/{gateway.id}").status_code == 404
    assert client.get(f"/reconciliation/{gateway.id}/reconciliation.csv").status_code == 404
    assert client.get("/reconciliation/999999").status_code == 404
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/reconciliation/{gateway.id}").status_code == 302
    assert boundary[0].asked == [] and boundary[1].asked == []


def test_a_currency_the_gateway_does_not_have_is_not_found(client, company, gateway):
    sign_in(client, member(company), company)
    assert client.get(f"/reconciliation/{gateway.id}?currency=GBP").status_code == 404


def test_settings_and_activity_link_to_each_gateway_and_currency(client, company, gateway):
    sign_in(client, member(company), company)
    settings = client.get("/settings/gateways").get_data(as_text=True)
    assert f'href="/reconciliation/{gateway.id}"' in settings
    activity = client.get("/activity").get_data(as_text=True)
    for code in ("USD", "JPY"):
        assert f'href="/reconciliation/{gateway.id}?currency={code}"' in activity
        assert f"Stripe.com payouts in {code}" in activity
