"""The one-click clearing account in Chromium: on a new gateway's set-up form, type a
description and choose USD, press Create “Stripe Clearing USD” in QuickBooks, and find the new
account chosen as USD's deposit account with what was typed still there; choose a bank account
instead and the warning appears only then; Save."""

import re

from playwright.sync_api import expect

from tests.e2e.test_gateway_flow import new_quickbooks_gateway_form


def test_a_clearing_account_is_created_and_chosen_in_one_click(chromium, live_server,
                                                                screenshots):
    page = chromium.new_context(locale="en-US").new_page()
    new_quickbooks_gateway_form(page, live_server)
    page.get_by_label("Description").fill("Stripe, typed before creating")
    page.get_by_label("USD", exact=True).check()
    usd = page.locator("#accounts-USD")
    usd.get_by_label("Accounts-receivable account").select_option(
        label="Accounts Receivable (A/R)")
    expect(page.locator("#deposit-USD-bank-warning")).to_have_count(0)

    usd.get_by_role("button", name="Create “Stripe Clearing USD” in QuickBooks").click()

    expect(page.locator(".notice-success")).to_contain_text(
        "“Stripe Clearing USD” is created in QuickBooks and chosen for USD")
    deposit = page.locator("#deposit-USD")
    expect(deposit.locator("option:checked")).to_have_text(
        "Stripe Clearing USD · Other Current Asset")
    expect(page.get_by_label("Description")).to_have_value("Stripe, typed before creating")
    expect(page.get_by_label("USD", exact=True)).to_be_checked()
    expect(usd.get_by_label("Accounts-receivable account").locator("option:checked")).to_have_text(
        "Accounts Receivable (A/R)")
    expect(usd.get_by_role("button", name=re.compile("Stripe Clearing USD"))).to_have_count(0)
    expect(page.get_by_role("table")).to_contain_text("Created a clearing account (USD)")
    page.screenshot(path=screenshots / "01-clearing-account-created.png", full_page=True)

    deposit.select_option(label="Checking · Bank")
    usd.get_by_role("button", name="Create “Stripe Fees” in QuickBooks").click()
    expect(page.locator("#deposit-USD-bank-warning")).to_contain_text(
        "Checking is a bank account. A clearing account is recommended")
    expect(usd.get_by_label("Fees account").locator("option:checked")).to_have_text(
        "Stripe Fees · Expense")
    page.screenshot(path=screenshots / "02-bank-deposit-warned.png", full_page=True)

    deposit.select_option(label="Stripe Clearing USD · Other Current Asset")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    expect(page.locator(".notice-success")).to_contain_text(
        "Stripe, typed before creating is saved")
    expect(page.locator("body")).not_to_contain_text("is a bank account")
