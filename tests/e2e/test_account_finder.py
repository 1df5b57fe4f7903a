"""The set-up form's account finder in the browser: with a large chart the fees list gets a box
that narrows it as one types (remit.js), says how many accounts are listed, keeps the chosen
account, and Enter moves to the list instead of saving; the account picked is saved. Without
JavaScript the box stays hidden and the whole list is there."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from addon.extensions import db
from addon.models import Gateway
from tests.app.test_gateway_account_finder import EXPENSES, add_expenses
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd


def options(page, list_id: str) -> list[str]:
    return page.locator(f"#{list_id} option").all_inner_texts()


def test_the_fees_list_narrows_as_one_types_and_the_pick_is_saved(chromium, live_server):
    page = chromium.new_context(locale="en-US").new_page()
    quickbooks_collecting_usd(page, live_server)
    gateway = db.session.query(Gateway).one()
    add_expenses(gateway.company_id)
    page.goto(f"{live_server}/settings/gateways/{gateway.id}")

    finder = page.locator("#accounts-USD").get_by_label("Narrow the list “Fees account” by name")
    status = page.locator("#fees-USD-found")
    total = len(options(page, "fees-USD")) - 1  # the first choice is "Not set yet"
    assert total >= EXPENSES
    assert status.inner_text() == f"{total:,} of {total:,} accounts listed below"
    chosen = page.locator("#fees-USD option:checked").inner_text()  # suggested, or none
    finder.fill("expense 031")  # every word, anywhere in the name and type, any case
    wanted = [f"Expense {n:04d}" for n in range(EXPENSES) if "031" in f"{n:04d}"]
    expect(status).to_have_text(f"{len(wanted)} of {total:,} accounts listed below")
    shown = options(page, "fees-USD")
    assert shown[0] == "Not set yet" and (chosen in shown)  # the chosen one stays
    assert [name.split(" · ")[0] for name in shown[1:] if name != chosen] == wanted

    finder.press("Enter")  # narrows now and moves to the list; the form is not sent
    expect(page.locator("#fees-USD")).to_be_focused()
    assert re.search(r"/settings/gateways/\d+$", page.url)
    page.locator("#fees-USD").select_option(label="Expense 0317 · Expense")
    finder.fill("")
    expect(page.locator("#fees-USD option")).to_have_count(total + 1)
    assert page.locator("#fees-USD").input_value() == "x317"  # kept while the list grew back
    page.locator(".actions").get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    db.session.expire_all()
    assert db.session.get(Gateway, gateway.id).currencies[0].fees_account_id == "x317"
    page.context.close()


def test_without_javascript_the_whole_list_is_there(chromium, live_server):
    page = chromium.new_context(locale="en-US").new_page()
    quickbooks_collecting_usd(page, live_server)
    gateway = db.session.query(Gateway).one()
    add_expenses(gateway.company_id)
    context = chromium.new_context(locale="en-US", java_script_enabled=False,
                                   storage_state=page.context.storage_state())
    bare = context.new_page()
    bare.goto(f"{live_server}/settings/gateways/{gateway.id}")
    assert not bare.locator("#fees-USD-find").is_visible()
    assert len(options(bare, "fees-USD")) > EXPENSES
    context.close()
    page.context.close()
