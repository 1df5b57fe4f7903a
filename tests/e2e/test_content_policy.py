"""Remit's Content-Security-Policy (default-src 'self', form-action to the vendors' pages) breaks
no page: Chromium reports no violation from sign-in to a customer's Checkout, and the script
that turns Add new gateway into a dialog still runs."""

import re

from tests.e2e.test_gateway_flow import pick


def test_no_page_violates_the_content_security_policy(chromium, live_server):
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20000)
    violations = []
    context.on("console", lambda message: violations.append(message.text)
               if "Content Security Policy" in message.text else None)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name="Connect to QuickBooks").click()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    page.get_by_role("link", name="Add new gateway").click()
    dialog = page.get_by_role("dialog")  # opened by remit.js: scripts from 'self' run
    dialog.get_by_role("button", name="Connect to Stripe").click()  # GET form → Stripe
    page.get_by_role("button", name="Connect my Stripe account").click()
    page.wait_for_url(re.compile(r"/settings/gateways/\d+$"))
    page.get_by_label("USD", exact=True).check()
    pick(page, "Deposit account", "USD", "Undeposited Funds · Other Current Asset")
    pick(page, "Accounts-receivable account", "USD", "Accounts Receivable (A/R)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    page.goto(live_server + "/activity?invoice=130")
    customer = context.new_page()
    customer.goto(page.locator("a[href*='/pay/']").get_attribute("href"))
    customer.get_by_role("button", name="Pay").click()  # POST form → Stripe Checkout
    customer.get_by_label("Card number").wait_for()
    page.get_by_role("button", name="Français").click()  # POST form → back to Remit
    page.locator("html[lang=fr]").wait_for(state="attached")
    assert violations == []
    context.close()
