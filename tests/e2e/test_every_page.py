"""Every page, in English and French: no WCAG 2.1 A/AA violation that axe-core finds, and no
sideways scrolling at 320 CSS px (WCAG 1.4.10 Reflow, which axe cannot see).

PAGES is the one list of pages: a new page is one line. Each entry names the page and how to
reach it: a path (with `{gateway}`, `{draft}`, `{pay}`, `{voided}` filled from the company set
up first), or a function that drives the browser there (a failed submit, a consent page)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from addon.extensions import db
from addon.models import Gateway, GatewayStatus
from addon.pay.links import pay_link
from tests.app.reconcile_data import add_payouts
from tests.e2e.audit import WIDE, axe_script, page_problems
from tests.e2e.test_gateway_flow import quickbooks_collecting_usd

INVOICE_1001, VOIDED_INVOICE = "130", "132"


@dataclass
class Company:
    """What the pages are about: the signed-in QuickBooks company's gateways and pay links."""
    base: str
    gateway: int = 0
    draft: int = 0
    pay: str = ""
    voided: str = ""

    def url(self, path: str) -> str:
        filled = path.format(gateway=self.gateway, draft=self.draft, pay=self.pay,
                             voided=self.voided)
        return filled if filled.startswith("http") else self.base + filled


def edit_form_failed(page, company, t):
    page.goto(company.url("/settings/gateways/{gateway}"))
    page.locator("#description").fill("")
    page.locator(".actions").get_by_role("button", name=t["save"]).click()
    page.locator("#description-error").wait_for()


def edit_form_large_chart(page, company, t):
    """A chart of several hundred expense accounts: the fees lists get their finder, used."""
    from tests.app.test_gateway_account_finder import add_expenses

    add_expenses(db.session.get(Gateway, company.gateway).company_id)
    page.goto(company.url("/settings/gateways/{gateway}"))
    page.locator("#fees-USD-find").fill("0042")
    page.locator("#fees-USD-found").filter(has_text="1 ").wait_for()


def pay_page_failed(page, company, t):
    page.goto(company.pay)
    page.locator("#amount").fill("999999")
    page.get_by_role("button", name=t["pay"], exact=True).click()
    page.locator("#amount-error").wait_for()


def add_gateway_dialog(page, company, t):
    page.goto(company.url("/settings/gateways"))
    page.locator("[data-opens-dialog]").click()
    page.get_by_role("dialog").wait_for()


def disconnect_confirm(page, company, t):
    page.goto(company.url("/settings/gateways"))
    page.locator("a[href$='/disconnect'], form[action$='/disconnect'] button").first.click()
    page.wait_for_url(re.compile(r"/companies/\d+/disconnect\??$"))


def consent_refused(page, company, t):
    page.goto(company.url("/auth/quickbooks/callback?error=access_denied"))


def bad_request(page, company, t):
    """A form posted without its CSRF token (a tampered or very old page): a 400."""
    page.evaluate("""() => { const form = document.createElement('form');
        form.method = 'post'; form.action = '/language';
        document.body.append(form); form.submit(); }""")
    page.wait_for_url(re.compile(r"/language$"))


def signed_out_home(page, company, t):
    page.goto(company.url("/"))
    page.locator(".account-nav button[type=submit]").click()
    page.locator(".account-nav").wait_for(state="detached")


def xero_organisations(page, company, t):
    """Last: signing in with Xero makes its organisations the current company."""
    page.goto(company.url("/connect/xero"))
    page.get_by_role("button", name="Allow access").click()
    page.wait_for_url(re.compile(r"/auth/xero/organisations$"))


def xero_organisations_failed(page, company, t):
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


PAGES = [
    ("home", "/"),
    ("privacy", "/legal/privacy"),
    ("terms", "/legal/terms"),
    ("sign-in refused", consent_refused),
    ("disconnected from QuickBooks", "/disconnected/quickbooks"),
    ("Payment gateway settings", "/settings/gateways"),
    ("Add new gateway", "/settings/gateways/new"),
    ("Add new gateway, as a dialog", add_gateway_dialog),
    ("Stripe connection refused", "/settings/gateways/callback/stripe?error=access_denied"),
    ("set-up form, blank", "/settings/gateways/{draft}"),
    ("Edit form", "/settings/gateways/{gateway}"),
    ("Edit form after a failed submit", edit_form_failed),
    ("Edit form, a large chart, its fees list narrowed", edit_form_large_chart),
    ("Remove", "/settings/gateways/{gateway}/remove"),
    ("Disconnect, asked first", disconnect_confirm),
    ("Activity, with rows", "/activity"),
    ("Activity, needing attention", "/activity?status=attention"),
    ("Pay links", "/pay-links"),
    ("Pay links, an invoice found", "/pay-links?q=1001"),
    ("Pay links, a link made", "/pay-links?q=1001&invoice=" + INVOICE_1001),
    ("Pay links, nothing found", "/pay-links?q=no-such-invoice"),
    ("Reconciliation", "/reconciliation/{gateway}"),
    ("Reconciliation, a date that cannot be read", "/reconciliation/{gateway}?since=31/13"),
    ("pay page", "{pay}"),
    ("pay page after a failed submit", pay_page_failed),
    ("pay page: thanks", "{pay}/thanks"),
    ("pay page: voided invoice", "{voided}"),
    ("pay page: link not valid", "/pay/not-a-link"),
    ("404", "/no/such/page"),
    ("405", "/signout"),
    ("400", bad_request),
    ("home, signed out", signed_out_home),
    ("Xero organisations choice", xero_organisations),
    ("Xero organisations choice after a failed submit", xero_organisations_failed),
]

WORDS = {"en": {"save": "Save", "pay": "Pay", "no_account": "I don't have one yet",
                "connect_stripe": "Connect to Stripe"},
         "fr": {"save": "Enregistrer", "pay": "Payer", "no_account": "Je n’en ai pas encore",
                "connect_stripe": "Se connecter à Stripe"}}


def set_up_company(page, live_server) -> Company:
    """A QuickBooks company with an active Stripe gateway (payouts and postings on Activity and
    Reconciliation), a second gateway not set up yet, and pay links for an open and a voided
    invoice."""
    quickbooks_collecting_usd(page, live_server)
    gateway = db.session.query(Gateway).one()
    add_payouts(gateway)
    page.goto(live_server + "/settings/gateways/new")
    page.locator("#stripe-register").check()
    page.locator("form.kind-card button[type=submit]").click()
    page.get_by_role("button", name="Create account and connect").click()
    page.wait_for_url(re.compile(r"/settings/gateways/\d+$"))
    draft = db.session.query(Gateway).filter_by(status=GatewayStatus.NEEDS_SETUP).one()
    return Company(base=live_server, gateway=gateway.id, draft=draft.id,
                   pay=pay_link(gateway.company_id, INVOICE_1001),
                   voided=pay_link(gateway.company_id, VOIDED_INVOICE))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_passes_axe_and_fits_320_px(chromium, live_server, language):
    axe_script()  # fail (or skip) before the long walk when axe is not installed
    context = chromium.new_context(locale="en-US", bypass_csp=True, viewport=WIDE)
    context.set_default_timeout(20000)
    page = context.new_page()
    company = set_up_company(page, live_server)  # in English (the shared walk-through), then
    if language == "fr":  # switch, as a French bookkeeper would
        page.get_by_role("button", name="Français").click()
        page.get_by_role("button", name="English").wait_for()

    problems = []
    for name, how in PAGES:
        if callable(how):
            how(page, company, WORDS[language])
        else:
            page.goto(company.url(how))
        assert page.locator("html").get_attribute("lang") == language, name
        problems += [f"{name}: {line}" for line in page_problems(page)]
    context.close()
    assert not problems, f"{len(problems)} problem(s) in {language}:\n" + "\n".join(problems)


def test_the_audit_sees_what_it_is_meant_to_see(chromium):
    """The checks above can fail: an image without a text alternative in a page without a
    language is two axe violations, and a 600 px wide block does not reflow."""
    context = chromium.new_context(viewport=WIDE)
    page = context.new_page()
    page.set_content('<html><body><main><h1>Wide</h1><img src="data:,">'
                     '<div style="width:600px">unbroken</div></main></body></html>')
    found = page_problems(page)
    context.close()
    assert any(line.startswith("image-alt ") for line in found), found
    assert any(line.startswith("html-has-lang ") for line in found), found
    assert any(line.startswith("reflow: 6") and "div" in line for line in found), found
