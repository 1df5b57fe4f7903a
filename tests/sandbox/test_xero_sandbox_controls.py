"""The Xero stand-in's console and controls, userinfo, the minute limit and reset()."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet

import sandbox.xero as xero
from sandbox import xero_api
from sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from tests.sandbox.test_xero_sandbox import ACCOUNTING, AUTHORIZE, CALLBACK, TOKEN, bearer

SCOPE = "openid profile email offline_access accounting.settings.read"



def test_console_lists_connections_and_its_buttons_work(client):
    token = xero.grant_tokens(SCOPE, [xero.UK_ORG])["access_token"]
    page = client.get("/xero/").get_data(as_text=True)

    forced = client.post("/xero/controls/force/503")
    assert client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, xero.UK_ORG)) \
        .status_code == 503
    client.post("/xero/controls/expire-access-tokens")
    expired = client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, xero.UK_ORG))
    client.post("/xero/controls/revoke-grants")

    assert "Remit Demo Company (UK)" in page and "Expire every access token" in page
    assert forced.status_code == 303 and urlsplit(forced.location).path == "/xero/"
    assert expired.json["Detail"].startswith("TokenExpired")
    assert "None yet" in client.get("/xero/").get_data(as_text=True)
    assert client.post("/xero/controls/force/418").status_code == 404


def test_reset_restores_the_seed_and_forgets_every_grant(client):
    token = xero.grant_tokens(SCOPE, [xero.UK_ORG])["access_token"]
    xero_api._organisations[xero.UK_ORG]["Currencies"].append("AUD")
    xero.force_next("429")

    client.post("/xero/controls/reset")

    assert xero_api._organisations[xero.UK_ORG]["Currencies"] == ["GBP", "EUR", "USD", "JPY"]
    assert client.get("/xero/api/connections", headers=bearer(token)).status_code == 401


def test_sign_in_round_trip_echoes_the_nonce_and_serves_userinfo(client):
    query = {"response_type": "code", "client_id": SANDBOX_CLIENT_ID, "redirect_uri": CALLBACK,
             "scope": SCOPE, "state": "s", "nonce": "nonce-42"}
    allowed = client.post(AUTHORIZE, data={**query, "decision": "allow",
                                           "tenant": [xero.UK_ORG, xero.FR_ORG]})
    code = parse_qs(urlsplit(allowed.location).query)["code"][0]
    tokens = client.post(TOKEN, auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}).json
    keys = KeySet.import_key_set(
        client.get("/xero/identity/.well-known/openid-configuration/jwks").json)

    claims = jwt.decode(tokens["id_token"], keys).claims
    profile = client.get("/xero/identity/connect/userinfo", headers=bearer(tokens["access_token"]))

    assert claims["nonce"] == "nonce-42" and claims["name"] == "Camille Martin"
    assert profile.json["email"] == "camille@example.com"
    assert profile.json["sub"] == claims["sub"]
    assert client.get("/xero/identity/connect/userinfo").status_code == 401


def test_allow_without_an_organisation_asks_again(client):
    query = {"response_type": "code", "client_id": SANDBOX_CLIENT_ID, "redirect_uri": CALLBACK,
             "scope": SCOPE}

    answer = client.post(AUTHORIZE, data={**query, "decision": "allow"})

    assert answer.status_code == 400
    assert "Choose at least one organisation." in answer.get_data(as_text=True)


def test_the_minute_limit_is_sixty_calls_per_organisation(client):
    token = xero.grant_tokens(SCOPE, [xero.UK_ORG, xero.FR_ORG])["access_token"]
    uk, fr = bearer(token, xero.UK_ORG), bearer(token, xero.FR_ORG)

    remaining = [client.get(f"{ACCOUNTING}/Currencies", headers=uk)
                 .headers["X-MinLimit-Remaining"] for _ in range(60)]
    throttled = client.get(f"{ACCOUNTING}/Currencies", headers=uk)

    assert remaining[0] == "59" and remaining[-1] == "0"
    assert throttled.status_code == 429
    assert throttled.headers["X-Rate-Limit-Problem"] == "minute"
    assert int(throttled.headers["Retry-After"]) > 0
    assert client.get(f"{ACCOUNTING}/Currencies", headers=fr).status_code == 200
