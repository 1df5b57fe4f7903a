"""A bookkeeper opens the Reconciliation page from Activity, reads each payout's status in
words, switches currency and downloads the CSV, in English and French."""

import csv
import io
import re
from pathlib import Path

import pytest

from addon.extensions import db
from addon.models import Gateway
from tests.app.reconcile_data import add_payouts
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd

WORDS = {
    "en": {"activity": "Activity", "link": "Stripe.com payouts in USD",
           "heading": "Reconciliation", "currency": "Currency", "show": "Show",
           "csv": "Download as CSV", "balanced": "Balanced", "waiting": "Waiting",
           "off": "Off by 28.83", "header": "Arrival date", "french": "Français",
           "balances": "The clearing account in QuickBooks"},
    "fr": {"activity": "Activité", "link": "Versements Stripe.com en USD",
           "heading": "Rapprochement", "currency": "Devise", "show": "Afficher",
           "csv": "Télécharger en CSV", "balanced": "Équilibré", "waiting": "En attente",
           "off": "Écart de 28,83", "header": "Date d’arrivée", "french": "Français",
           "balances": "Le compte de transit dans QuickBooks"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_reconciliation_page_and_its_csv(chromium, live_server, screenshots, language):
    t = WORDS[language]
    context = chromium.new_context(locale="en-US", accept_downloads=True)
    context.set_default_timeout(20000)
    page = context.new_page()
    quickbooks_collecting_usd(page, live_server)
    if language == "fr":  # set up in English (the shared walk-through), then switch
        page.get_by_role("button", name=t["french"]).click()
        page.get_by_role("button", name="English").wait_for()
    gateway = db.session.query(Gateway).one()
    add_payouts(gateway)

    page.goto(live_server + "/activity")
    page.get_by_role("link", name=t["link"]).click()
    page.get_by_role("heading", name=t["heading"], level=1).wait_for()
    # Both balances come from the stand-ins: QuickBooks' Undeposited Funds, Stripe's balance.
    figures = page.get_by_role("table", name=re.compile(t["balances"])).inner_text()
    assert len(re.findall(r"\d USD", figures)) == 3, figures
    payouts = page.locator("table.reconcile-table")
    rows = payouts.locator("tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).get_by_role("rowheader").inner_text().split()[0]
            for i in range(3)] == ["po_balanced", "po_waiting", "po_off"]
    assert t["balanced"] in rows.nth(0).inner_text()
    assert t["waiting"] in rows.nth(1).inner_text()
    assert t["off"] in rows.nth(2).inner_text()
    assert payouts.get_by_role("columnheader", name=t["header"]).count() == 1
    page.screenshot(path=screenshots / "1-reconciliation.png", full_page=True)

    page.get_by_label(t["currency"], exact=True).select_option("JPY")
    page.get_by_role("button", name=t["show"]).click()
    page.wait_for_url(re.compile(r"currency=JPY"))
    assert "po_yen" in page.locator("table.reconcile-table").inner_text()
    page.get_by_label(t["currency"], exact=True).select_option("USD")
    page.get_by_role("button", name=t["show"]).click()
    page.wait_for_url(re.compile(r"currency=USD"))

    with page.expect_download() as downloading:
        page.get_by_role("link", name=t["csv"]).click()
    download = downloading.value
    assert download.suggested_filename.startswith(f"reconciliation-{gateway.id}-USD-")
    lines = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert lines[0][0] == t["header"]
    assert [line[1] for line in lines[1:]] == ["po_balanced", "po_waiting", "po_off"]
    assert lines[1][3:9] == ["100.00", "-3.20", "-20.00", "0.00", "0.00", "76.80"]
