"""A customer pays a QuickBooks invoice: Remit's pay-now page → Stripe Checkout (sandbox) → the
signed events reach Remit → the invoice's balance drops in the sandbox ledger → the activity
page shows the recorded payment."""

import re

from tests.e2e.pay_links import pay_link_for
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd

INVOICE_1001 = "130"


def test_paying_an_invoice_is_recorded_in_quickbooks(chromium, live_server, screenshots):
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20000)
    page = context.new_page()
    quickbooks_collecting_usd(page, live_server)

    customer = context.new_page()
    customer.goto(pay_link_for(INVOICE_1001))
    assert "250.00 USD" in customer.get_by_role("main").inner_text()
    customer.get_by_label("Amount to pay (USD)").fill("100.00")
    customer.screenshot(path=screenshots / "1-pay-now.png", full_page=True)
    customer.get_by_role("button", name="Pay").click()
    customer.get_by_label("Card number").fill("4242 4242 4242 4242")
    customer.screenshot(path=screenshots / "2-checkout.png", full_page=True)
    customer.get_by_role("button", name="Pay").click()
    customer.get_by_role("heading", name="Thank you").wait_for()

    console = context.new_page()
    console.goto(live_server + "/sandbox/quickbooks/")
    assert re.search(r"1001.*150\.00", console.get_by_role("main").inner_text().replace("\n", " "))
    page.goto(live_server + "/activity")
    row = page.get_by_role("row", name=re.compile("100.00 USD"))
    assert "Recorded" in row.inner_text() and "1001" in row.inner_text()
    page.screenshot(path=screenshots / "3-activity.png", full_page=True)
