"""The Stripe stand-in's Connect OAuth through Flask's test client: the authorize page's two
paths and Deny, the JSON errors that never redirect, the token endpoint's rules (single use,
5-minute codes, reuse revokes, refresh) and deauthorize — every answer Stripe-shaped."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest

import sandbox.stripe as stripe_sandbox
from sandbox import stripe_state
from sandbox.oauth import ISSUED_TOKEN
from tests.gateways.stripe import shapes

AUTHORIZE = "/stripe/connect/oauth/authorize"
TOKEN = "/stripe/connect/oauth/token"
DEAUTHORIZE = "/stripe/connect/oauth/deauthorize"
CALLBACK = "http://127.0.0.1/gateways/stripe/callback"
KEY = stripe_sandbox.SANDBOX_STRIPE_SECRET_KEY
BEARER = {"Authorization": f"Bearer {KEY}"}
US, FR = stripe_sandbox.US_ACCOUNT, stripe_sandbox.FR_ACCOUNT
REAL_KEY = re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_\w{8,}")



def authorize_query(**overrides) -> dict:
    return {"response_type": "code", "client_id": stripe_sandbox.SANDBOX_STRIPE_CLIENT_ID,
            "scope": "read_write", "redirect_uri": CALLBACK, "state": "st-1", **overrides}


def redirected(response) -> dict[str, str]:
    assert response.status_code == 302
    assert response.location.startswith(CALLBACK + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(response.location).query).items()}


def exchange(client, code: str, **auth):
    return client.post(TOKEN, data={"grant_type": "authorization_code", "code": code},
                       **(auth or {"headers": BEARER}))


def shaped(response) -> dict:
    assert shapes.problems(response.json) == [], response.json
    return response.json


@pytest.mark.parametrize(("landing", "first"), [("login", "Connect my Stripe account"),
                                                ("register", "Create account and connect"),
                                                (None, "Create account and connect")])
def test_page_offers_both_paths_landing_first(client, landing, first):
    query = authorize_query(**({"stripe_landing": landing} if landing else {}))
    page = client.get(AUTHORIZE, query_string=query).get_data(as_text=True)

    positions = {label: page.index(f">{label}</button>") for label in
                 ("Connect my Stripe account", "Create account and connect", "Deny")}
    assert min(positions, key=positions.get) == first
    assert '<html lang="en">' in page
    assert "Remit Sandbox Shop (US)" in page and "Boutique Remit (FR)" in page


def test_new_account_form_is_prefilled_from_stripe_user(client):
    query = authorize_query(**{"stripe_user[business_name]": "Café Remit",
                               "stripe_user[email]": "owner@cafe.example",
                               "stripe_user[country]": "fr", "stripe_user[currency]": "EUR"})
    page = client.get(AUTHORIZE, query_string=query).get_data(as_text=True)

    assert 'value="Café Remit"' in page and 'value="owner@cafe.example"' in page
    assert '<option value="FR" selected>' in page and '<option value="eur" selected>' in page


def test_sign_in_and_connect_redirects_with_a_code(client):
    answer = client.post(AUTHORIZE, query_string=authorize_query(),
                         data={"decision": "connect", "account": FR})

    back = redirected(answer)
    assert set(back) == {"code", "scope", "state"}
    assert (back["scope"], back["state"]) == ("read_write", "st-1")
    assert back["code"].startswith("ac_") and ISSUED_TOKEN.fullmatch(back["code"])
    assert shaped(exchange(client, back["code"]))["stripe_user_id"] == FR


def test_deny_redirects_with_access_denied(client):
    answer = client.post(AUTHORIZE, query_string=authorize_query(), data={"decision": "deny"})

    assert answer.location == (CALLBACK + "?error=access_denied&error_description=The%20user"
                                          "%20denied%20your%20request&state=st-1")


def test_create_account_and_connect(client):
    form = {"decision": "create", "business_name": "Remit Trading Ltd",
            "email": "books@remit-trading.example", "country": "GB", "currency": "gbp"}
    code = redirected(client.post(AUTHORIZE, query_string=authorize_query(), data=form))["code"]

    account_id = shaped(exchange(client, code))["stripe_user_id"]
    assert account_id not in (US, FR) and re.fullmatch(r"acct_1Remit[A-Z0-9]{11}", account_id)
    created = shaped(client.get(f"/stripe/api/v1/accounts/{account_id}", headers=BEARER))
    assert (created["settings"]["dashboard"]["display_name"], created["email"],
            created["country"], created["default_currency"]) == (
        "Remit Trading Ltd", "books@remit-trading.example", "GB", "gbp")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("business_name", " ", "Enter the business name."),
    ("email", "not-an-email", "Enter an email address like name@example.com."),
    ("country", "ZZ", "Choose the country the business is based in."),
    ("currency", "cad", "Accounts in France are paid out in EUR, GBP, USD."),
])
def test_create_account_form_is_validated(client, field, value, message):
    form = {"decision": "create", "business_name": "Boutique", "email": "a@boutique.example",
            "country": "FR", "currency": "eur", field: value}
    answer = client.post(AUTHORIZE, query_string=authorize_query(), data=form)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and message in page
    assert f'aria-invalid="true" aria-describedby="{field}-problem"' in page
    assert len(stripe_state.accounts()) == 2  # nothing created


def test_sign_in_with_an_unknown_account_is_shown_again(client):
    answer = client.post(AUTHORIZE, query_string=authorize_query(),
                         data={"decision": "connect", "account": "acct_1Nobody"})
    assert answer.status_code == 400 and "Choose the account to connect." in answer.text


@pytest.mark.parametrize(("overrides", "error"), [
    ({"client_id": "ca_SomeoneElse"}, "invalid_client"),
    ({"response_type": None}, "invalid_request"),
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"scope": "read_only"}, "invalid_scope"),
    ({"scope": None}, "invalid_scope"),
    ({"redirect_uri": "javascript:alert(1)"}, "invalid_redirect_uri"),
    ({"redirect_uri": None}, "invalid_redirect_uri"),
])
def test_bad_authorize_requests_answer_json_without_redirecting(client, overrides, error):
    query = {k: v for k, v in authorize_query(**overrides).items() if v is not None}
    for answer in (client.get(AUTHORIZE, query_string=query),
                   client.post(AUTHORIZE, query_string=query, data={"decision": "connect",
                                                                    "account": US})):
        assert answer.status_code == 400 and answer.location is None
        assert shaped(answer) == {**answer.json, "error": error, "state": "st-1"}


def test_token_answer_is_stripes_and_sandbox_looking(client):
    body = shaped(exchange(client, stripe_sandbox.issue_code(US)))

    assert set(body) == shapes.TOKEN_FIELDS
    assert (body["livemode"], body["token_type"], body["scope"], body["stripe_user_id"]) == (
        False, "bearer", "read_write", US)
    for field in ("access_token", "refresh_token", "stripe_publishable_key"):
        assert not REAL_KEY.search(body[field]), field
    assert ISSUED_TOKEN.fullmatch(body["access_token"])
    assert ISSUED_TOKEN.fullmatch(body["refresh_token"])


@pytest.mark.parametrize("auth", [
    {"headers": {"Authorization": "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()}},
    {"data_extra": {"client_secret": KEY}}])
def test_platform_key_as_basic_or_client_secret(client, auth):
    data = {"grant_type": "authorization_code", "code": stripe_sandbox.issue_code(US),
            **auth.get("data_extra", {})}
    answer = client.post(TOKEN, data=data, headers=auth.get("headers", {}))
    assert answer.status_code == 200 and answer.json["stripe_user_id"] == US


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk_test_wrongkey1234"}])
def test_token_without_the_platform_key_is_401(client, headers):
    answer = exchange(client, stripe_sandbox.issue_code(US), headers=headers)
    assert answer.status_code == 401 and shaped(answer)["error"]["type"] == (
        "invalid_request_error")
    assert "wrongkey" not in answer.text  # Stripe masks a refused key


def test_a_code_is_single_use_and_reuse_revokes_the_connection(client):
    code = stripe_sandbox.issue_code(US)
    assert exchange(client, code).status_code == 200
    assert stripe_state.connection(US) is not None

    again = exchange(client, code)

    assert again.status_code == 400 and shaped(again)["error"] == "invalid_grant"
    assert stripe_state.connection(US) is None


def test_reusing_an_old_code_spares_a_newer_connection(client):
    old = stripe_sandbox.issue_code(US)
    exchange(client, old)
    newer = exchange(client, stripe_sandbox.issue_code(US)).json

    assert exchange(client, old).json["error"] == "invalid_grant"
    assert stripe_state.connection(US).refresh_token == newer["refresh_token"]


def test_codes_expire_after_five_minutes(client, monkeypatch):
    code = stripe_sandbox.issue_code(US)
    issued_at = stripe_state.clock()
    monkeypatch.setattr(stripe_state, "clock", lambda: issued_at + 301)

    answer = exchange(client, code)
    assert answer.json == {"error": "invalid_grant",
                           "error_description": "This authorization code has expired."}
    assert stripe_state.connection(US) is None


@pytest.mark.parametrize(("data", "error"), [
    ({"grant_type": "authorization_code", "code": "ac_nope"}, "invalid_grant"),
    ({"grant_type": "authorization_code"}, "invalid_request"),
    ({"grant_type": "password"}, "unsupported_grant_type"),
    ({"grant_type": "refresh_token", "refresh_token": "rt_nope"}, "invalid_grant"),
])
def test_token_errors(client, data, error):
    answer = client.post(TOKEN, data=data, headers=BEARER)
    assert answer.status_code == 400 and shaped(answer)["error"] == error


def test_unknown_code_is_echoed_as_stripe_does(client):
    answer = exchange(client, "ac_nope")
    assert answer.json["error_description"] == "Authorization code does not exist: ac_nope"


def test_refresh_gives_a_new_access_token_until_deauthorized(client):
    first = exchange(client, stripe_sandbox.issue_code(US)).json
    grant = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}

    renewed = shaped(client.post(TOKEN, data=grant, headers=BEARER))
    assert renewed["access_token"] != first["access_token"]
    assert renewed["refresh_token"] == first["refresh_token"]
    narrower = client.post(TOKEN, data={**grant, "scope": "read_only"}, headers=BEARER).json
    assert narrower["scope"] == "read_only"

    stripe_sandbox.revoke(US)
    assert client.post(TOKEN, data=grant, headers=BEARER).json["error"] == "invalid_grant"


def deauthorize(client, account: str, client_id: str = stripe_sandbox.SANDBOX_STRIPE_CLIENT_ID,
                headers=BEARER):
    return client.post(DEAUTHORIZE, data={"client_id": client_id, "stripe_user_id": account},
                       headers=headers)


def test_deauthorize_ends_the_connection_once(client):
    stripe_sandbox.connect(FR)

    assert stripe_sandbox.connected_accounts() == {FR}
    assert shaped(deauthorize(client, FR)) == {"stripe_user_id": FR}
    assert stripe_sandbox.connected_accounts() == set()
    again = deauthorize(client, FR)
    assert again.status_code == 401 and shaped(again)["error"] == "invalid_client"


def test_deauthorize_refusals(client):
    stripe_sandbox.connect(FR)

    assert deauthorize(client, FR, client_id="ca_Other").json["error"] == "invalid_client"
    assert client.post(DEAUTHORIZE, data={"client_id": stripe_sandbox.SANDBOX_STRIPE_CLIENT_ID},
                       headers=BEARER).json["error"] == "invalid_request"
    assert deauthorize(client, FR, headers={}).status_code == 401
    assert stripe_state.connection(FR) is not None
