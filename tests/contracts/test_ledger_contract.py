"""The ledger contract: the same behaviours, written once, run against every registered ledger
plugin through its descriptor (addon.platforms) and its harness (plugins/<key>.py).

Connectors are built by the descriptor's own factory with the harness's tokens and URLs, and
every exchange comes from a recorded cassette that must be played to its end. A plugin is done
when this module passes for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from connectors.base import AuthError, RateLimited, Rejected, VendorUnavailable
from tests.contracts.harness import replay

TIMEOUT = 10.0


def connector(ledger, mode, case, keeper=None):
    """The plugin's connector as the add-on makes it: through the descriptor's factory."""
    keeper = keeper or ledger.keeper(mode, case)
    return ledger.platform.connector(case.company, keeper, ledger.client(mode),
                                     ledger.api_base(), TIMEOUT, case.home_currency)


def path_of(url: str) -> str:
    return urlsplit(url).path


def exchanges(cassette) -> list[tuple[str, str, int]]:
    """(method, path, status) of each request made, in order."""
    return [(request.method, path_of(request.uri), response["status"]["code"])
            for request, response in zip(cassette.requests, cassette.responses, strict=True)]


def header(response: dict, name: str) -> str | None:
    values = {key.lower(): value for key, value in response["headers"].items()}.get(name.lower())
    return values[0] if values else None


def token_path(ledger) -> str:
    return path_of(ledger.platform.endpoints(ledger.config).token)


def test_a_token_about_to_expire_is_refreshed_before_the_call(ledger, mode, ledger_vcr):
    case = ledger.cases["refresh_ahead"]
    keeper = ledger.keeper(mode, case, expires_in=ledger.expiring_in)
    stale = keeper.current()

    with replay(case, ledger_vcr, mode) as cassette:
        getattr(connector(ledger, mode, case, keeper), case.read)()

    calls = exchanges(cassette)
    assert calls[0] == ("POST", token_path(ledger), 200)  # before any API call
    assert [call for call in calls if call[1] == token_path(ledger)] == [calls[0]]
    assert all(status == 200 for _method, _path, status in calls)
    assert keeper.rotations == 1 and keeper.current().access_token != stale.access_token
    assert keeper.current().expires_at > datetime.now(UTC) + timedelta(minutes=10)


def test_a_401_is_refreshed_and_the_call_retried_once(ledger, mode, ledger_vcr):
    case = ledger.cases["refresh_on_401"]
    keeper = ledger.keeper(mode, case)

    with replay(case, ledger_vcr, mode) as cassette:
        getattr(connector(ledger, mode, case, keeper), case.read)()

    calls = exchanges(cassette)
    refused = calls[0]
    assert refused[2] == 401
    assert calls[1] == ("POST", token_path(ledger), 200)
    assert calls[2] == (*refused[:2], 200)  # the same call again, now accepted
    assert cassette.requests[2].uri == cassette.requests[0].uri
    assert sum(path == token_path(ledger) for _method, path, _status in calls) == 1
    assert keeper.rotations == 1 and not keeper.needs_reconnect


def test_revoking_ends_the_grant(ledger, mode, ledger_vcr):
    """Disconnect gives the grant back through the descriptor; the refresh token is dead after."""
    case = ledger.cases["revoke"]
    keeper = ledger.keeper(mode, case, expires_in=0)  # the next call must refresh

    with replay(case, ledger_vcr, mode) as cassette:
        ledger.platform.revoke(ledger.client(mode), keeper.current().refresh_token, TIMEOUT)
        with pytest.raises(AuthError):
            getattr(connector(ledger, mode, case, keeper), case.read)()

    revoke_path = path_of(ledger.platform.endpoints(ledger.config).revoke)
    assert exchanges(cassette) == [("POST", revoke_path, 200), ("POST", token_path(ledger), 400)]
    assert keeper.needs_reconnect and keeper.rotations == 0


def test_company_info_and_its_currencies_agree(ledger, mode, ledger_vcr):
    case = ledger.cases["company_and_currencies"]

    with replay(case, ledger_vcr, mode):
        reads = connector(ledger, mode, case)
        info, currencies = reads.company_info(), reads.currencies()

    codes = [currency.code for currency in currencies]
    assert info.name == ledger.company_name
    assert codes[0] == info.home_currency  # the home currency first
    assert len(set(codes)) == len(codes) and all(len(c) == 3 and c.isupper() for c in codes)
    assert info.multicurrency == (len(codes) > 1)


def test_accounts_by_role_follow_the_descriptors_rules(ledger, mode, ledger_vcr):
    """The add-on filters its cached chart with the descriptor's rules: the connector's pickers
    must offer exactly that, in every currency, and the payout roles exist in the chart."""
    case = ledger.cases["accounts_by_role"]
    rules = ledger.platform.rules

    with replay(case, ledger_vcr, mode):
        reads = connector(ledger, mode, case)
        chart = reads.accounts()
        offered = {currency: (reads.deposit_accounts(currency),
                              reads.receivable_accounts(currency))
                   for currency in ledger.role_currencies}

    home = ledger.role_currencies[0]
    assert offered[home][0] and offered[home][1]
    for currency, (deposit, receivable) in offered.items():
        assert deposit == [a for a in chart if rules.is_deposit(a, currency)]
        assert receivable == [a for a in chart if rules.is_receivable(a, currency)]
        if ledger.platform.receivable_is_fixed:
            assert len(receivable) == 1, "a fixed receivable is one account in every currency"

    # Payouts need a bank in each currency and an expense account for fees: the rules offer
    # both in the home currency, a settlement bank only in its own currency (and able to take a
    # deposit), and expense accounts for every currency, never one that plays another role.
    settlement = {c: [a for a in chart if rules.is_settlement(a, c)] for c in offered}
    fees = {c: [a for a in chart if rules.is_fees(a, c)] for c in offered}
    assert settlement[home] and fees[home]
    for currency in offered:
        assert all(a.active and a.currency == currency for a in settlement[currency])
        assert all(rules.is_deposit(a, currency) for a in settlement[currency])
        assert fees[currency] == fees[home], "expense accounts serve every currency"
        assert not any(rules.is_deposit(a, currency) or rules.is_receivable(a, currency)
                       or rules.is_settlement(a, currency) for a in fees[currency])


def test_an_open_invoice_is_read(ledger, mode, ledger_vcr):
    case = ledger.cases["open_invoice"]

    with replay(case, ledger_vcr, mode):
        invoice = connector(ledger, mode, case).invoice(ledger.open_invoice)

    assert (invoice.id, invoice.status) == (ledger.open_invoice, "open")
    assert isinstance(invoice.balance, Decimal) and 0 < invoice.balance <= invoice.total
    assert invoice.customer_id and len(invoice.currency) == 3


def test_an_unknown_invoice_is_rejected(ledger, mode, ledger_vcr):
    case = ledger.cases["unknown_invoice"]

    with replay(case, ledger_vcr, mode), pytest.raises(Rejected) as caught:
        connector(ledger, mode, case).invoice(ledger.unknown_invoice)

    assert caught.value.detail  # the vendor's explanation, for the activity page
    assert not getattr(caught.value, "transient", False)  # asking again will not help


def test_the_same_idempotency_key_twice_makes_one_payment(ledger, mode, ledger_vcr):
    case = ledger.cases["idempotent_payment"]
    posting = ledger.payment
    (applied,) = posting.applications

    with replay(case, ledger_vcr, mode) as cassette:
        ledger_connector = connector(ledger, mode, case)
        first = ledger_connector.record_payment(posting)
        again = ledger_connector.record_payment(posting)
        after = ledger_connector.invoice(applied.invoice_id)

    assert first == again and first.object_ids
    written = [r for r in cassette.requests if r.method in ("POST", "PUT")]
    assert len(written) == 2 and written[0].body == written[1].body
    for request in written:  # every ledger write carries the key, in the URL or a header
        assert (posting.idempotency_key in request.uri
                or posting.idempotency_key in request.headers.values())
    assert after.balance == ledger.payment_invoice_due - applied.amount  # paid once


def test_throttling_is_rate_limited_with_the_vendors_retry_after(ledger, mode, ledger_vcr):
    case = ledger.cases["rate_limited"]

    with replay(case, ledger_vcr, mode) as cassette, pytest.raises(RateLimited) as caught:
        getattr(connector(ledger, mode, case), case.read)()

    (response,) = cassette.responses  # no retry of its own: the job runner waits
    assert response["status"]["code"] == 429
    assert caught.value.retry_after == float(header(response, "Retry-After"))


def test_an_outage_is_vendor_unavailable(ledger, mode, ledger_vcr):
    case = ledger.cases["outage"]

    with replay(case, ledger_vcr, mode) as cassette, pytest.raises(VendorUnavailable):
        getattr(connector(ledger, mode, case), case.read)()

    assert [response["status"]["code"] for response in cassette.responses][-1] == 503
