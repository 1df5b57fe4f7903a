"""The set-up form does the obvious: it preselects what has one sensible answer, shows the
currencies that matter first, names account types in the reader's language, says each sentence
once, and its title is its heading; on QuickBooks and Xero, in English and French."""

import pytest
from sqlalchemy import select

from addon.extensions import db
from addon.gateways.account_types import account_type_label
from addon.models import Gateway
from tests.app.oauth_flow import connect
from tests.app.page_reading import Page, inside, sentences, speak
from tests.app.stripe_flow import connect_stripe
from tests.app.test_connect_xero import UK, choose

UNDEPOSITED, USD_AR = "4", "84"


@pytest.fixture
def quickbooks_gateway(client) -> Gateway:
    connect(client, "quickbooks")
    connect_stripe(client)
    return db.session.scalar(select(Gateway))


@pytest.fixture
def xero_gateway(client) -> Gateway:
    connect(client, "xero")
    choose(client, UK)
    connect_stripe(client)
    return db.session.scalar(select(Gateway))


def form(client, gateway, **data) -> tuple[Page, str]:
    if data:
        answer = client.post(f"/settings/gateways/{gateway.id}", data=data)
    else:
        answer = client.get(f"/settings/gateways/{gateway.id}")
    html = answer.get_data(as_text=True)
    return Page(html), html


def test_quickbooks_preselects_the_home_currency_and_its_only_receivable_account(
        client, quickbooks_gateway):
    page, _html = form(client, quickbooks_gateway)
    assert page.checked("currency") == ["USD"]  # EUR has a bank account but no A/R yet
    assert page.selected("receivable-USD") == USD_AR
    assert page.selected("deposit-USD") == ""  # several sensible answers: the user chooses
    # EUR's only deposit account is a bank account, and a clearing account could be made
    assert page.selected("deposit-EUR") == ""


def test_the_currencies_that_matter_come_first_and_the_rest_fold_away(
        client, quickbooks_gateway):
    page, _html = form(client, quickbooks_gateway)
    (details,) = page.with_class("more-currencies")
    folded = [e.attrs["value"] for e in page.find("input", name="currency")
              if inside(e, details)]
    shown = [e.attrs["value"] for e in page.find("input", name="currency")
             if not inside(e, details)]
    assert shown[0] == "USD" and set(shown) == {"USD", "EUR", "GBP"}
    assert set(folded) == {"JPY", "KWD"}  # both sides take them; no account in them yet
    (summary,) = [e for e in page.find("summary") if inside(e, details)]
    assert summary.text == "More currencies (2)"
    (accepted,) = page.with_class("account-currencies")  # not 30 codes in a row: folded too
    assert accepted.tag == "details"


def test_a_currency_chosen_from_the_fold_stays_in_view(client, quickbooks_gateway):
    page, _html = form(client, quickbooks_gateway, description="Stripe.com",
                       currency=["USD", "JPY"], action="save", **{"deposit-USD": UNDEPOSITED})
    (details,) = page.with_class("more-currencies")
    jpy = page.by_id("currency-JPY")
    assert "checked" in jpy.attrs and not inside(jpy, details)


def test_the_clearing_account_remit_created_is_preselected(client, quickbooks_gateway):
    created = client.post(f"/settings/gateways/{quickbooks_gateway.id}", data={
        "description": "Stripe.com", "currency": "USD", "action": "create-deposit-USD",
        "create_key": "k1"})
    assert created.status_code == 200
    page, _html = form(client, quickbooks_gateway)  # a fresh form, e.g. the next day
    assert page.selected_text("deposit-USD") == "Stripe Clearing USD · Other Current Asset"


def test_xero_preselects_what_it_can_collect(client, xero_gateway):
    """Xero's one receivable account serves every currency: a currency is collectable where
    the organisation has a bank account in it (GBP: the base currency, first)."""
    page, _html = form(client, xero_gateway)
    assert page.checked("currency") == ["GBP", "EUR", "JPY"]
    (details,) = page.with_class("more-currencies")
    assert [e.attrs["value"] for e in page.find("input", name="currency")
            if inside(e, details)] == ["USD"]  # no bank account in USD
    # a foreign currency's only bank account is its only possible deposit account
    assert page.selected_text("deposit-EUR").startswith("Euro Account · ")
    assert page.selected("deposit-GBP") == ""  # the clearing account or a bank: a choice


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Undeposited Funds · Other Current Asset", "Checking · Bank"]),
    ("fr", ["Undeposited Funds · Autres actifs à court terme", "Checking · Banque"]),
])
def test_quickbooks_account_types_in_the_readers_language(client, quickbooks_gateway,
                                                          language, expected):
    speak(client, language)
    page, _html = form(client, quickbooks_gateway)
    options = page.option_texts("deposit-USD")
    assert all(text in options for text in expected), options


@pytest.mark.parametrize(("language", "words"), [("en", "Bank"), ("fr", "Banque")])
def test_xero_account_types_in_the_readers_language(client, xero_gateway, language, words):
    speak(client, language)
    page, _html = form(client, xero_gateway)
    options = page.option_texts("deposit-GBP")
    assert any(text.endswith(f" · {words}") for text in options), options
    assert not any(text.endswith(" · BANK") or text.endswith(" · CURRENT") for text in options)


def test_an_unknown_account_type_is_shown_as_written(app):
    with app.test_request_context():
        assert account_type_label("Non-Posting") == "Non-Posting"
        assert account_type_label("CURRENT") == "Current asset"
        assert account_type_label("Other Current Asset") == "Other Current Asset"
        assert account_type_label(None) == ""


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("platform", ["quickbooks", "xero"])
def test_no_sentence_is_said_twice_blank_or_after_a_failed_save(client, request, platform,
                                                                 language):
    gateway = request.getfixturevalue(f"{platform}_gateway")
    speak(client, language)
    codes = [e.attrs["value"] for e in form(client, gateway)[0].find("input", name="currency")]
    blank, _html = form(client, gateway)
    failed, _html = form(client, gateway, description="Stripe.com", currency=codes,
                         action="save")
    for page in (blank, failed):
        said = sentences(page)
        assert said, "no message found: the reader is wrong"
        repeated = {s for s in said if said.count(s) > 1}
        assert repeated == set(), repeated
    assert failed.with_class("field-error")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_edit_pages_title_is_its_heading(client, quickbooks_gateway, language):
    speak(client, language)
    client.post(f"/settings/gateways/{quickbooks_gateway.id}", data={
        "description": "Stripe (shop)", "currency": "USD", "deposit-USD": UNDEPOSITED,
        "receivable-USD": USD_AR, "action": "save"})
    for page in (form(client, quickbooks_gateway)[0],
                 form(client, quickbooks_gateway, description="", currency="USD",
                      action="save")[0]):
        heading = page.text_of("h1")
        assert heading == {"en": "Edit Stripe (shop)", "fr": "Modifier Stripe (shop)"}[language]
        assert page.text_of("title").split(" · ")[0].removeprefix("Error: ").removeprefix(
            "Erreur : ") == heading
