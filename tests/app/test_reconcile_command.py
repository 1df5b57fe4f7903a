"""`flask remit reconcile` prints the page's table, with a progress bar over what it reads."""

from datetime import timedelta
from decimal import Decimal

from tests.app.reconcile_data import TODAY, company_with_payouts
from tests.app.test_reconciliation import Down, Ledger, Stripe


def reconcile(runner, *args):
    return runner.invoke(args=["remit", "reconcile", *map(str, args)])


def test_it_prints_every_gateway_and_currency_since_a_date(runner, app, monkeypatch):
    company = company_with_payouts()
    ledger = Ledger({"4": Decimal("1234.50"), "41": Decimal("14460")})
    monkeypatch.setattr("addon.reconcile.data.connector_for", lambda company: ledger)
    monkeypatch.setattr("addon.reconcile.data.provider", lambda key: Stripe())
    since = (TODAY - timedelta(days=10)).isoformat()
    result = reconcile(runner, "--company", company.id, "--since", since)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Reading payouts" in result.stderr
    assert "Stripe.com (acct_recon1) · JPY" in out and "Stripe.com (acct_recon1) · USD" in out
    usd = out[out.index("· USD"):]
    assert "Clearing account in QuickBooks: 1,234.50 USD · Stripe pending + available: " \
        "1,200.00 USD · difference: 34.50 USD" in usd
    lines = usd.splitlines()
    header = next(line for line in lines if line.startswith("Arrival date"))
    assert header.split()[:4] == ["Arrival", "date", "Payout", "Currency"]
    balanced = next(line for line in lines if "po_balanced" in line)
    assert balanced.split()[2:9] == ["USD", "100.00", "-3.20", "-20.00", "0.00", "0.00",
                                     "76.80"]
    assert "Balanced" in balanced
    off = next(line for line in lines if "po_off" in line)
    assert "Off by 28.83 USD" in off and "Payment pi_3 is unmatched" in off
    jpy = out[out.index("· JPY"):out.index("· USD")]
    assert "14460" in jpy and "difference: 14,460 JPY" in jpy  # Stripe lists no yen


def test_options_narrow_it_and_a_silent_side_says_so(runner, app, monkeypatch):
    company = company_with_payouts()
    monkeypatch.setattr("addon.reconcile.data.connector_for", lambda company: Down())
    monkeypatch.setattr("addon.reconcile.data.provider", lambda key: Down())
    gateway = company.gateways[0]
    result = reconcile(runner, "--company", company.id, "--since", TODAY.isoformat(),
                       "--gateway", gateway.id, "--currency", "usd")
    assert result.exit_code == 0, result.output
    assert "· JPY" not in result.stdout
    assert "Clearing account in QuickBooks: could not be read · Stripe pending + " \
        "available: could not be read · difference: unknown" in result.stdout
    assert f"No payout since {TODAY.isoformat()}." in result.stdout


def test_unknown_company_or_date_is_a_usage_error(runner, app):
    assert reconcile(runner, "--company", 424242, "--since", "2026-11-01").exit_code == 2
    company = company_with_payouts()
    assert reconcile(runner, "--company", company.id, "--since", "November").exit_code == 2
    assert reconcile(runner, "--company", company.id, "--since", "2026-11-01",
                     "--currency", "GBP").exit_code == 2


def test_it_speaks_french_when_asked(runner, app, monkeypatch):
    company = company_with_payouts()
    monkeypatch.setattr("addon.reconcile.data.connector_for", lambda company: Down())
    monkeypatch.setattr("addon.reconcile.data.provider", lambda key: Down())
    result = reconcile(runner, "--company", company.id, "--since", "2000-01-01",
                       "--currency", "USD", "--no-balances", "--language", "fr")
    assert result.exit_code == 0, result.output
    assert "Date d’arrivée" in result.stdout and "Équilibré" in result.stdout
    assert "Écart de 28.83 USD" in result.stdout  # plain amounts, as in the CSV
    assert "Clearing account" not in result.stdout
