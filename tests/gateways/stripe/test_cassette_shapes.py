"""Every Stripe cassette checked against Stripe's own descriptions (shapes.py): the answers are
Stripe-shaped, the requests went to Stripe's real hosts over HTTPS, stripe-python pinned the
API version Remit pins, and Checkout Sessions were created as the connected account with
Remit's idempotency key. Plus proof the checker catches what Stripe would not send.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from gateways.stripe.const import API_VERSION
from tests.gateways.conftest import SDK_IDEMPOTENCY_KEY
from tests.gateways.stripe import shapes

CASSETTES = sorted((Path(__file__).parent / "cassettes").rglob("*.yaml"))
HOSTS = {"connect.stripe.com", "api.stripe.com"}


def interactions(cassette: Path) -> list[dict]:
    return yaml.safe_load(cassette.read_text())["interactions"]


def test_there_are_stripe_cassettes():
    assert len(CASSETTES) >= 10


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_every_answer_is_stripe_shaped(cassette):
    for item in interactions(cassette):
        body = json.loads(item["response"]["body"]["string"])
        assert shapes.problems(body) == [], f"{item['request']['uri']} answered {body}"


def test_every_answer_also_matches_the_fixtures_themselves():
    """The full-spec check: fixtures3.json itself, where ../shared/specs exists."""
    full = shapes.full_resources()
    for cassette in CASSETTES:
        for item in interactions(cassette):
            body = json.loads(item["response"]["body"]["string"])
            assert shapes.problems(body, full) == [], item["request"]["uri"]


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_requests_went_to_stripe_with_the_pinned_version(cassette):
    for item in interactions(cassette):
        request = item["request"]
        url = urlsplit(request["uri"])
        assert (url.scheme, url.hostname) in {("https", host) for host in HOSTS}
        sdk_call = url.path != "/oauth/token"  # the exchange goes through Authlib
        if sdk_call:
            assert request["headers"]["Stripe-Version"] == [API_VERSION]


def test_checkout_sessions_are_direct_charges_with_remits_idempotency_key():
    """Read from the cassette files, since vcrpy never matches on headers: every Checkout
    Session create acted as a connected account and carried the key Remit chose, not one
    stripe-python made up (which would defeat a retry)."""
    creates = [item["request"] for cassette in CASSETTES for item in interactions(cassette)
               if item["request"]["uri"] == "https://api.stripe.com/v1/checkout/sessions"]
    assert len(creates) >= 6
    for request in creates:
        headers = {name.lower(): value for name, value in request["headers"].items()}
        assert headers["stripe-account"][0].startswith("acct_")
        key = headers["idempotency-key"][0]
        assert key.startswith("remit-") and not SDK_IDEMPOTENCY_KEY.fullmatch(key)


def test_the_checker_accepts_a_fixture_and_refuses_unknown_keys():
    account = dict(shapes.resources()["account"])
    assert shapes.problems(account) == []

    assert shapes.problems({**account, "nickname": "x"}) == ["account.nickname: not in "
                                                             "Stripe's fixture"]
    assert shapes.problems({**account, "charges_enabled": "yes"}) == [
        "account.charges_enabled: string where Stripe has boolean"]
    nested = {**account, "settings": {"dashboard": {"display_name": "x", "colour": "red"}}}
    assert shapes.problems(nested) == ["account.settings.dashboard.colour: not in Stripe's "
                                       "fixture"]
    assert shapes.problems({"object": "accountt", "id": "x"}) == [
        "accountt: Stripe has no resource 'accountt'"]


def test_the_checker_follows_nested_objects_and_connect_events():
    event = dict(shapes.resources()["event"])
    application = {"id": "ca_1", "object": "application", "name": None}
    assert shapes.problems({**event, "account": "acct_1", "data": {"object": application}}) == []
    wrong = {**application, "owner": "me"}
    assert shapes.problems({**event, "data": {"object": wrong}}) == [
        "event.data.object.owner: not in Stripe's fixture"]


def test_the_checker_knows_the_oauth_and_error_shapes():
    token = {"access_token": "REDACTED", "scope": "read_write", "livemode": False,
             "token_type": "bearer", "refresh_token": "REDACTED",
             "stripe_user_id": "acct_1", "stripe_publishable_key": "REDACTED"}
    assert shapes.problems(token) == []
    assert shapes.problems({**token, "livemode": "false"}) == ["livemode is not a boolean"]
    assert shapes.problems({**token, "expires_in": 3600}) == ["token answer key 'expires_in'"]
    assert shapes.problems({"stripe_user_id": "acct_1"}) == []
    assert shapes.problems({"error": "invalid_grant", "error_description": "x"}) == []
    assert shapes.problems({"error": "bad_thing", "error_description": "x"}) == [
        "unknown OAuth error 'bad_thing'"]
    api_error = {"error": {"message": "x", "type": "invalid_request_error", "code": "c"}}
    assert shapes.problems(api_error) == []
    assert shapes.problems({"error": {"message": "x", "type": "oops", "hint": 1}}) == [
        "error.hint: not an ErrorObject field", "error.type 'oops'"]
    assert shapes.problems({"hello": 1}) == ["unrecognised answer with keys ['hello']"]


def test_the_checker_reads_expanded_ids_and_lists_as_their_resources():
    """`expand[]` turns an id into the object it names: checked as that resource; a list
    answer's items likewise."""
    transaction = dict(shapes.resources()["balance_transaction"])
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "paid": True}
    assert shapes.problems({**transaction, "source": charge}) == []
    assert shapes.problems({**transaction, "source": {**charge, "paid": "yes"}}) == [
        "balance_transaction.source.paid: string where Stripe has boolean"]
    assert shapes.problems({**transaction, "source": {"id": "ch_1"}}) == [
        "balance_transaction.source: object where Stripe has string"]  # no object: no expansion
    listed = {"object": "list", "data": [transaction], "has_more": False,
              "url": "/v1/balance_transactions"}
    assert shapes.problems(listed) == []
    assert shapes.problems({**listed, "data": [{**transaction, "fees": 1}], "total": 1}) == [
        "list.total: not in a Stripe list", "list.data[].fees: not in Stripe's fixture"]
    assert shapes.problems({"object": "list", "data": {}}) == [
        "list: a list without data and has_more"]
