"""Remit's Content-Security-Policy (default-src 'self', form-action to the vendors' pages) breaks
no page: Chromium reports no violation from sign-in to a customer's Checkout, and the script
that turns Add new gateway into a dialog still runs."""


from tests.e2e.pay_links import pay_link_for
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd


def test_no_page_violates_the_content_security_policy(chromium, live_server):
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20000)
    violations = []
    context.on("console", lambda message: violations.append(message.text)
               if "Content Security Policy" in message.text else None)
    page = context.new_page()
    quickbooks_collecting_usd(page, live_server)  # its dialog is opened by remit.js
    page.goto(live_server + "/activity")
    customer = context.new_page()
    customer.goto(pay_link_for("130"))
    customer.get_by_role("button", name="Pay").click()  # POST form → Stripe Checkout
    customer.get_by_label("Card number").wait_for()
    page.get_by_role("button", name="Français").click()  # POST form → back to Remit
    page.locator("html[lang=fr]").wait_for(state="attached")
    assert violations == []
    context.close()
