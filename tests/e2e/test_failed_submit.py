"""After a failed submit, in English and French: the title starts with "Error:" / « Erreur : »,
focus is on the first field in error (remit.js), and the pay page sums the error up in an
alert that links to the field. Screenshots at 320 px show the pages on a phone."""

import re

import pytest

from addon.extensions import db
from addon.models import Gateway
from addon.pay.links import pay_link
from tests.e2e.audit import NARROW
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd

WORDS = {
    "en": {"prefix": "Error: ", "save": "Save", "pay": "Pay", "problem": "There is a problem"},
    "fr": {"prefix": "Erreur : ", "save": "Enregistrer", "pay": "Payer",
           "problem": "Il y a un problème"},
}


def focused_id(page) -> str:
    """The focused element's id once the page's scripts have run (remit.js moves the focus)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.activeElement.id")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_failed_submit_says_error_and_focuses_the_field(
        chromium, live_server, screenshots, language):
    t = WORDS[language]
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20000)
    page = context.new_page()
    quickbooks_collecting_usd(page, live_server)
    if language == "fr":
        page.get_by_role("button", name="Français").click()
        page.get_by_role("button", name="English").wait_for()
    gateway = db.session.query(Gateway).one()
    page.set_viewport_size(NARROW)

    page.goto(f"{live_server}/settings/gateways/{gateway.id}")
    assert not page.title().startswith(t["prefix"].strip())
    assert focused_id(page) != "description"
    page.locator("#description").fill("")
    page.locator(".actions").get_by_role("button", name=t["save"]).click()
    page.locator("#description-error").wait_for()
    assert page.title().startswith(t["prefix"]), page.title()
    assert focused_id(page) == "description"
    page.screenshot(path=screenshots / f"gateway-form-error-320-{language}.png", full_page=True)

    page.goto(pay_link(gateway.company_id, "130"))
    assert not page.title().startswith(t["prefix"].strip())
    page.locator("#amount").fill("999999")
    page.get_by_role("button", name=t["pay"], exact=True).click()
    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == t["problem"]
    assert page.title().startswith(t["prefix"]), page.title()
    assert focused_id(page) == "amount"
    page.screenshot(path=screenshots / f"pay-error-320-{language}.png", full_page=True)
    page.locator("#amount").blur()
    summary.get_by_role("link").click()  # the summary's link leads back to the field
    assert focused_id(page) == "amount"
    assert re.search(r"#amount$", page.url)

    page.goto(f"{live_server}/settings/gateways")
    page.screenshot(path=screenshots / f"gateways-320-{language}.png", full_page=True)
    context.close()
