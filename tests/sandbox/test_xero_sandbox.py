"""The Xero stand-in through Flask's test client: OAuth rules Remit's correctness depends on, the
connection and tenant rules of api.xero.com, and every answer checked against Xero's specs."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

import sandbox.xero as xero
from sandbox.hosts import to_real
from sandbox.oauth import ISSUED_TOKEN, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from sandbox.xero_identity import LEGACY_SCOPES, SCOPES, consent
from tests.connectors.xero.spec import XeroSpec

SCOPE = "openid profile email offline_access accounting.settings.read"
CALLBACK = "http://127.0.0.1/callback"
AUTHORIZE = "/xero/login/identity/connect/authorize"
TOKEN = "/xero/identity/connect/token"
ACCOUNTING = "/xero/api/api.xro/2.0"
BASIC = (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET)



def authorize_query(**overrides) -> dict:
    return {"response_type": "code", "client_id": SANDBOX_CLIENT_ID, "redirect_uri": CALLBACK,
            "scope": SCOPE, "state": "st-1", "nonce": "n-1", **overrides}


def redirected(response) -> dict[str, str]:
    assert response.status_code == 302
    assert response.location.startswith(CALLBACK + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(response.location).query).items()}


def tokens_for(client, tenants=(xero.UK_ORG, xero.FR_ORG), scope=SCOPE) -> dict:
    code = consent(scope, list(tenants), redirect_uri=CALLBACK)
    answer = client.post(TOKEN, auth=BASIC, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})
    assert answer.status_code == 200, answer.json
    return answer.json


def bearer(token: str, tenant: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    return headers | ({"xero-tenant-id": tenant} if tenant else {})


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_discovery_names_the_sandbox_issuer_and_signs_with_its_jwks(client):
    document = client.get("/xero/identity/.well-known/openid-configuration").json
    tokens = tokens_for(client)

    assert document["issuer"] == "http://localhost/xero/identity"
    assert document["token_endpoint"] == "http://localhost" + TOKEN
    assert document["authorization_endpoint"] == "http://localhost" + AUTHORIZE
    keys = KeySet.import_key_set(client.get(urlsplit(document["jwks_uri"]).path).json)
    claims = jwt.decode(tokens["id_token"], keys).claims
    assert (claims["iss"], claims["aud"], claims["email"]) == (
        document["issuer"], SANDBOX_CLIENT_ID, "camille@example.com")


def test_consent_page_shows_who_what_and_both_organisations_checked(client):
    page = client.get(AUTHORIZE, query_string=authorize_query()).get_data(as_text=True)

    assert "Camille Martin" in page and "camille@example.com" in page
    assert "accounting.settings.read" in page
    assert page.count('name="tenant"') == 2 and page.count("checked") == 2
    assert "Remit Demo Company (UK)" in page and "Remit Démo SARL" in page
    assert ">Allow access</button>" in page and ">Cancel</button>" in page


def test_allow_redirects_with_code_and_state_for_the_chosen_organisations(client):
    answer = client.post(AUTHORIZE, data={**authorize_query(), "decision": "allow",
                                          "tenant": [xero.FR_ORG]})
    params = redirected(answer)
    tokens = client.post(TOKEN, auth=BASIC, data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": CALLBACK}).json
    connections = client.get("/xero/api/connections", headers=bearer(tokens["access_token"])).json

    assert params["state"] == "st-1" and params["scope"] == SCOPE
    assert [c["tenantName"] for c in connections] == ["Remit Démo SARL"]


def test_cancel_sends_access_denied_with_the_state(client):
    answer = client.post(AUTHORIZE, data={**authorize_query(), "decision": "cancel"})

    assert redirected(answer) == {"error": "access_denied", "state": "st-1"}


def test_unknown_client_gets_an_error_page_not_a_redirect(client):
    answer = client.get(AUTHORIZE, query_string=authorize_query(client_id="someone-else"))

    assert answer.status_code == 400 and "unauthorized_client" in answer.get_data(as_text=True)


@pytest.mark.parametrize("scope", [*sorted(LEGACY_SCOPES), "accounting.everything"])
def test_legacy_and_unknown_scopes_are_invalid_scope(client, scope):
    answer = client.get(AUTHORIZE, query_string=authorize_query(scope=f"openid {scope}"))

    assert scope not in SCOPES
    assert redirected(answer) == {"error": "invalid_scope", "state": "st-1"}


def test_pkce_verifier_must_match_and_a_code_works_once(client):
    def exchange(code, verifier):
        return client.post(TOKEN, auth=BASIC, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "code_verifier": verifier})

    wrong = consent(SCOPE, [xero.UK_ORG], redirect_uri=CALLBACK, code_challenge=s256("right"))
    right = consent(SCOPE, [xero.UK_ORG], redirect_uri=CALLBACK, code_challenge=s256("right"))

    assert exchange(wrong, "wrong").get_data() == b'{"error":"invalid_grant"}'
    assert exchange(right, "right").status_code == 200
    assert exchange(right, "right").json == {"error": "invalid_grant"}


def test_token_answer_has_xero_keys_and_client_auth_may_be_basic_or_form(client):
    code = consent("openid accounting.settings.read", [xero.UK_ORG], redirect_uri=CALLBACK)
    answer = client.post(TOKEN, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
        "client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET}).json
    wrong_secret = client.post(TOKEN, auth=(SANDBOX_CLIENT_ID, "nope"), data={
        "grant_type": "refresh_token", "refresh_token": "x"})

    assert list(answer) == ["id_token", "access_token", "expires_in", "token_type", "scope"]
    assert (answer["expires_in"], answer["token_type"]) == (1800, "Bearer")
    # A JWT, as Xero's (its claims name the consent); still recognisable as a sandbox token.
    assert answer["access_token"].count(".") == 2 and ISSUED_TOKEN.fullmatch(answer["access_token"])
    assert wrong_secret.json == {"error": "invalid_client"}


def test_rotated_refresh_token_lives_on_for_the_grace_period_only(client):
    old = tokens_for(client)["refresh_token"]

    def refresh(token):
        return client.post(TOKEN, auth=BASIC, data={"grant_type": "refresh_token",
                                                    "refresh_token": token})

    first = refresh(old)
    again_within_grace = refresh(old)
    start = xero.SERVER.clock
    xero.SERVER.clock = lambda: start() + 1801
    try:
        after_grace = refresh(old)
    finally:
        xero.SERVER.clock = start

    assert first.status_code == again_within_grace.status_code == 200
    assert first.json["refresh_token"] != old
    assert after_grace.json == {"error": "invalid_grant"}


def test_revocation_removes_every_connection_of_the_user(client):
    tokens = tokens_for(client)
    client.post("/xero/identity/connect/revocation", auth=BASIC,
                data={"token": tokens["refresh_token"]})
    later = tokens_for(client, tenants=[xero.UK_ORG])

    assert client.get("/xero/api/connections", headers=bearer(tokens["access_token"])) \
        .status_code == 401
    assert client.post(TOKEN, auth=BASIC, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}).status_code == 400
    listed = client.get("/xero/api/connections", headers=bearer(later["access_token"])).json
    assert [c["tenantId"] for c in listed] == [xero.UK_ORG]


def test_deleting_a_connection_closes_that_organisation_only(client):
    token = tokens_for(client)["access_token"]
    listed = client.get("/xero/api/Connections", headers=bearer(token)).json
    french = next(c for c in listed if c["tenantId"] == xero.FR_ORG)
    deleted = client.delete(f"/xero/api/connections/{french['id']}", headers=bearer(token))

    assert {c["authEventId"] for c in listed} == {listed[0]["authEventId"]}
    assert deleted.status_code == 204 and deleted.get_data() == b""
    assert client.delete(f"/xero/api/connections/{french['id']}", headers=bearer(token)) \
        .status_code == 404
    assert client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, xero.FR_ORG)) \
        .status_code == 403
    assert client.get(f"{ACCOUNTING}/Organisation", headers=bearer(token, xero.UK_ORG)) \
        .status_code == 200


@pytest.mark.parametrize("tenant", [None, "", "00000000-0000-0000-0000-000000000000"])
def test_accounting_needs_a_connected_tenant_header(client, tenant):
    token = tokens_for(client)["access_token"]
    headers = bearer(token) | ({} if tenant is None else {"xero-tenant-id": tenant})

    answer = client.get(f"{ACCOUNTING}/Accounts", headers=headers)

    assert answer.status_code == 403 and answer.json["Title"] == "Forbidden"


def test_expired_and_unknown_tokens_are_told_apart(client):
    token = tokens_for(client)["access_token"]
    xero.expire_access_tokens()

    expired = client.get(f"{ACCOUNTING}/Currencies", headers=bearer(token, xero.UK_ORG)).json
    unknown = client.get(f"{ACCOUNTING}/Currencies", headers=bearer("nope", xero.UK_ORG)).json

    assert expired["Detail"].startswith("TokenExpired: token expired at ")
    assert unknown["Status"] == 401 and not unknown["Detail"].startswith("TokenExpired")


def test_accounting_needs_a_settings_scope(client):
    token = tokens_for(client, scope="openid offline_access accounting.invoices")["access_token"]

    answer = client.get(f"{ACCOUNTING}/Accounts", headers=bearer(token, xero.UK_ORG))

    assert answer.status_code == 403
    assert 'insufficient_scope' in answer.headers["WWW-Authenticate"]


def test_where_filter_is_applied_or_refused(client):
    token = tokens_for(client)["access_token"]

    def names(where):
        return client.get(f"{ACCOUNTING}/Accounts", headers=bearer(token, xero.UK_ORG),
                          query_string={"where": where})

    picker = names('Status=="ACTIVE" AND (Type=="BANK" OR EnablePaymentsToAccount==true)')
    assert [a["Name"] for a in picker.json["Accounts"]] == [
        "Business Bank Account", "Euro Account", "Yen Account", "Stripe Clearing"]
    assert names("Name.Contains(\"Bank\")").json["Type"] == "QueryParseException"


def test_sandbox_answers_match_xeros_specs(client):
    """Every route and every forced failure, validated as the cassettes are."""
    spec, seen = XeroSpec(), set()
    for method, path, headers, answer in every_answer(client):
        seen.add(answer.status_code)
        real = to_real(f"http://localhost{path}", "http://localhost")
        answer_headers = {name.lower(): value for name, value in answer.headers.items()}
        assert spec.problems(method, real, answer.status_code,
                             answer_headers | {k.lower(): v for k, v in headers.items()
                                               if k.lower() == "xero-tenant-id"},
                             answer.get_data()) == [], (method, path)
    assert seen == {200, 204, 400, 401, 403, 404, 429, 503}


def every_answer(client):
    tokens = tokens_for(client)
    yield "POST", TOKEN, {}, client.post(TOKEN, auth=BASIC, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    for tenant in (xero.UK_ORG, xero.FR_ORG):
        for entity in ("Organisation", "Currencies", "Accounts"):
            path, headers = f"{ACCOUNTING}/{entity}", bearer(tokens["access_token"], tenant)
            yield "GET", path, headers, client.get(path, headers=headers)
    headers = bearer(tokens["access_token"], xero.UK_ORG)
    for failure in sorted(xero.xero_api.FAILURES):
        yield "GET", f"{ACCOUNTING}/Accounts", headers, client.get(
            f"{ACCOUNTING}/Accounts", headers=headers | {"X-Sandbox-Force": failure})
    yield "GET", f"{ACCOUNTING}/Accounts", {}, client.get(f"{ACCOUNTING}/Accounts",
                                                          headers=bearer(tokens["access_token"]))
    for path in ("/xero/api/connections", "/xero/api/Connections"):
        yield "GET", path, {}, client.get(path, headers=bearer(tokens["access_token"]))
    first = client.get("/xero/api/connections", headers=bearer(tokens["access_token"])).json[0]
    for _ in range(2):  # 204, then 404
        path = f"/xero/api/Connections/{first['id']}"
        yield "DELETE", path, {}, client.delete(path, headers=bearer(tokens["access_token"]))
    yield "POST", "/xero/identity/connect/revocation", {}, client.post(
        "/xero/identity/connect/revocation", auth=BASIC, data={"token": tokens["refresh_token"]})
    yield "GET", f"{ACCOUNTING}/Organisation", {}, client.get(
        f"{ACCOUNTING}/Organisation", headers=bearer(tokens["access_token"], xero.UK_ORG))
    yield "POST", TOKEN, {}, client.post(TOKEN, auth=BASIC, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})


def test_access_token_names_its_consent_and_connections_filter_by_it(client):
    """Xero's access token carries `authentication_event_id`; GET /connections?authEventId=
    lists only the organisations that consent authorised, not every earlier one."""
    first = tokens_for(client)  # both organisations
    second = tokens_for(client, tenants=[xero.FR_ORG])  # a later consent for one of them
    keys = KeySet.import_key_set(
        client.get("/xero/identity/.well-known/openid-configuration/jwks").json)

    claims = jwt.decode(second["access_token"], keys).claims
    assert claims["client_id"] == SANDBOX_CLIENT_ID and claims["exp"] > claims["nbf"]
    event = claims["authentication_event_id"]
    everything = client.get("/xero/api/connections", headers=bearer(second["access_token"])).json
    this_consent = client.get("/xero/api/connections", query_string={"authEventId": event},
                              headers=bearer(second["access_token"])).json
    assert {c["tenantId"] for c in everything} == {xero.UK_ORG, xero.FR_ORG}
    assert [(c["tenantId"], c["authEventId"]) for c in this_consent] == [(xero.FR_ORG, event)]
    assert jwt.decode(first["access_token"], keys).claims["authentication_event_id"] != event
