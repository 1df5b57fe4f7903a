"""A page shown again after a failed submit says so in its title (WCAG 3.3.1: the title is the
first thing a screen reader reads), marks the fields in error, and the pay page sums the errors
up in an alert; every page's footer links to the privacy and terms pages."""

from __future__ import annotations

import re

import pytest
from flask_babel import refresh

from addon.extensions import db
from addon.models import Gateway
from tests.app.oauth_flow import connect
from tests.app.payment_flow import company_with_stripe, link_path
from tests.app.stripe_flow import connect_stripe

LANGUAGES = {"en": ("en-US", "Error: "), "fr": ("fr-CA", "Erreur : ")}


def get(client, path, accept):
    """Flask-Babel keeps the locale it chose in the app context these tests run in: each
    request chooses again, as it does in a server."""
    refresh()
    return client.get(path, headers={"Accept-Language": accept})


def post(client, path, accept, data):
    refresh()
    return client.post(path, headers={"Accept-Language": accept}, data=data)


def title(html: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_gateway_form_after_a_failed_save_is_titled_as_an_error(client, language):
    accept, prefix = LANGUAGES[language]
    connect(client, "quickbooks")
    connect_stripe(client)
    gateway = db.session.query(Gateway).one()
    blank = get(client, f"/settings/gateways/{gateway.id}", accept).get_data(as_text=True)
    assert not title(blank).startswith(prefix.strip())

    answer = post(client, f"/settings/gateways/{gateway.id}", accept,
                  {"description": "", "action": "save"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert title(html).startswith(prefix), title(html)
    assert re.search(r'id="description"[^>]*aria-invalid="true"', html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pay_page_after_a_refused_amount_has_an_error_title_and_summary(client, language):
    accept, prefix = LANGUAGES[language]
    path = link_path(company_with_stripe(client), "130")
    form = get(client, path, accept).get_data(as_text=True)
    assert not title(form).startswith(prefix.strip())
    assert 'role="alert"' not in form

    answer = post(client, path, accept, {"amount": "999999"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert title(html).startswith(prefix), title(html)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S).group(0)
    assert '<a href="#amount">' in summary
    assert re.search(r'id="amount"[^>]*aria-invalid="true"', html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_choosing_no_xero_organisation_is_an_error_on_the_fieldset(client, language):
    accept, prefix = LANGUAGES[language]
    connect(client, "xero")
    answer = post(client, "/auth/xero/organisations", accept, {})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert title(html).startswith(prefix), title(html)
    assert '<fieldset aria-invalid="true" aria-describedby="tenant-error">' in html
    assert html.count('id="tenant-error"') == 1


@pytest.mark.parametrize(("accept", "privacy", "terms"), [
    ("en-US", "Privacy policy", "Terms of use"),
    ("fr-CA", "Politique de confidentialité", "Conditions d’utilisation"),
])
def test_every_page_links_to_privacy_and_terms_from_its_footer(client, accept, privacy, terms):
    for path in ("/", "/legal/privacy", "/no/such/page"):
        html = get(client, path, accept).get_data(as_text=True)
        footer = html[html.index('<footer class="page-footer">'):]
        assert f'<a href="/legal/privacy">{privacy}</a>' in footer, path
        assert f'<a href="/legal/terms">{terms}</a>' in footer, path


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reconciliation_date_that_cannot_be_read_is_titled_as_an_error(
        client, app, monkeypatch, language):
    from tests.app.reconcile_data import company_with_payouts, member, sign_in
    from tests.app.test_reconciliation import Down

    accept, prefix = LANGUAGES[language]
    monkeypatch.setattr("addon.reconcile.data.connector_for", lambda company: Down())
    monkeypatch.setattr("addon.reconcile.data.provider", lambda key: Down())
    company = company_with_payouts()
    sign_in(client, member(company), company)
    path = f"/reconciliation/{company.gateways[0].id}"
    assert not title(get(client, path, accept).get_data(as_text=True)).startswith(prefix)
    html = get(client, path + "?since=31/13", accept).get_data(as_text=True)
    assert title(html).startswith(prefix), title(html)
    assert 'id="since" name="since" type="date"' in html and 'aria-invalid="true"' in html
