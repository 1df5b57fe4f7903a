"""An expired session in Chromium, in English and French: the set-up form is filled in, the
session ends, Save is pressed; the user is told plainly, signs in again, and lands back on the
form with what was typed, then saves it."""

import re

import pytest

LABELS = {
    "en": {
        "connect_qbo": "Connect to QuickBooks", "add": "Add new gateway",
        "connect_stripe": "Connect to Stripe", "description": "Description",
        "deposit": "Deposit account", "receivable": "Accounts-receivable account",
        "save": "Save", "active": "Active",
        "expired": "Your session expired. Sign in again: what you typed is kept",
        "restored": "Your session expired before Remit could save this form",
    },
    "fr": {
        "connect_qbo": "Se connecter à QuickBooks", "add": "Ajouter une passerelle",
        "connect_stripe": "Se connecter à Stripe", "description": "Description",
        "deposit": "Compte de dépôt", "receivable": "Compte clients",
        "save": "Enregistrer", "active": "Active",
        "expired": "Votre session a expiré. Reconnectez-vous : ce que vous aviez saisi est "
                   "conservé",
        "restored": "Votre session a expiré avant que Remit n’enregistre ce formulaire",
    },
}
UNDEPOSITED, USD_AR = "4", "84"  # the sandbox company's Undeposited Funds and A/R accounts


@pytest.fixture
def csrf_checked(app):
    """The browser tier's app skips CSRF checks like the rest of the suite; this test is about
    them, so they are on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def sign_in_with_quickbooks(page, t):
    page.get_by_role("link", name=t["connect_qbo"]).click()
    page.get_by_role("button", name="Approve").click()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_expired_session_keeps_the_set_up_form(chromium, live_server, csrf_checked,
                                                   screenshots, language):
    t = LABELS[language]
    context = chromium.new_context(locale={"en": "en-US", "fr": "fr-CA"}[language])
    page = context.new_page()
    page.goto(live_server + "/")
    sign_in_with_quickbooks(page, t)
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    page.get_by_role("link", name=t["add"]).click()
    page.get_by_role("dialog").get_by_role("button", name=t["connect_stripe"]).click()
    page.get_by_role("button", name="Connect my Stripe account").click()
    page.wait_for_url(re.compile(r"/settings/gateways/\d+$"))
    form_url = page.url

    page.get_by_label(t["description"], exact=True).fill("Stripe Canada")
    page.get_by_label("USD", exact=True).check()
    usd = page.locator("#accounts-USD")
    usd.get_by_label(t["deposit"], exact=True).select_option(UNDEPOSITED)
    usd.get_by_label(t["receivable"], exact=True).select_option(USD_AR)
    context.clear_cookies(name="session")  # the session ends while the form is open
    page.get_by_role("button", name=t["save"]).click()

    page.wait_for_url(live_server + "/")
    notice = page.get_by_role("status").filter(has_text=t["expired"])
    assert notice.is_visible()
    assert "CSRF" not in page.content()
    page.screenshot(path=screenshots / "1-session-expired.png", full_page=True)

    sign_in_with_quickbooks(page, t)
    page.wait_for_url(form_url)
    assert page.get_by_role("status").filter(has_text=t["restored"]).is_visible()
    assert page.get_by_label(t["description"], exact=True).input_value() == "Stripe Canada"
    assert page.get_by_label("USD", exact=True).is_checked()
    assert usd.get_by_label(t["deposit"], exact=True).input_value() == UNDEPOSITED
    assert usd.get_by_label(t["receivable"], exact=True).input_value() == USD_AR
    page.screenshot(path=screenshots / "2-form-restored.png", full_page=True)

    page.get_by_role("button", name=t["save"]).click()
    page.wait_for_url(re.compile(r"/settings/gateways$"))
    row = page.get_by_role("row", name=re.compile("Stripe Canada"))
    assert t["active"] in row.inner_text()
