"""Which clearing account a payment lands in and at which rate (addon/posting/settlement.py):
decided by its settlement entry, read at most once, never guessed while Stripe has not settled."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from addon.models import Company, Gateway, Posting
from addon.posting import settlement
from addon.posting.waiting import Waiting
from gateways.base import BalanceEntry


class Provider:
    """The gateway boundary: answers payment_settlement() with what the test says, counting."""

    def __init__(self, answer):
        self.answer, self.reads = answer, 0

    def payment_settlement(self, account_id, payment_id):
        self.reads += 1
        return self.answer


def entry(currency: str, amount: int) -> BalanceEntry:
    return BalanceEntry(id="txn_1", type="charge", category="payment", currency=currency,
                        amount_minor=amount, fee_minor=0, net_minor=amount, exchange_rate=None,
                        source_id="ch_1", payment_id="pi_1",
                        created_at=datetime(2026, 12, 1, tzinfo=UTC))


def payment(currency="EUR", amount=4000, settled=None) -> tuple[Posting, Gateway]:
    company = Company(home_currency="USD", name="Shop", external_id="1")
    gateway = Gateway(kind="stripe", account_id="acct_1", account_default_currency="USD",
                      company=company)
    posting = Posting(kind="payment", source_id="pi_1", currency=currency, amount_minor=amount,
                      payload={"settlement": settled.as_payload()} if settled else {})
    return posting, gateway


def test_a_payment_in_the_accounts_currency_is_never_read():
    posting, gateway = payment("USD", 4000)
    provider = Provider(None)
    assert settlement.payment_terms(posting, gateway, provider) == settlement.Terms("USD")
    assert provider.reads == 0


def test_not_settled_yet_waits():
    posting, gateway = payment()
    with pytest.raises(Waiting) as waiting:
        settlement.payment_terms(posting, gateway, Provider(None))
    assert waiting.value.code == "settlement" and "pi_1" in str(waiting.value)


def test_settled_in_its_own_currency_is_recorded_as_before():
    posting, gateway = payment(settled=entry("EUR", 4000))
    provider = Provider(None)
    assert settlement.payment_terms(posting, gateway, provider) == settlement.Terms("EUR")
    assert provider.reads == 0  # the stored entry answers


@pytest.mark.parametrize(("currency", "amount", "settled", "rate"), [
    ("EUR", 4000, 4375, Decimal("1.093750000000")),
    ("JPY", 12000, 8040, Decimal("0.006700000000")),
    ("KWD", 1234, 401, Decimal("3.249594813614"))])
def test_settled_in_the_home_currency_goes_to_its_clearing_at_stripes_rate(currency, amount,
                                                                          settled, rate):
    posting, gateway = payment(currency, amount, entry("USD", settled))
    terms = settlement.payment_terms(posting, gateway, Provider(None))
    assert terms == settlement.Terms("USD", rate)


def test_settled_in_a_third_currency_waits_saying_so():
    posting, gateway = payment(settled=entry("GBP", 3400))
    with pytest.raises(Waiting) as waiting:
        settlement.payment_terms(posting, gateway, Provider(None))
    assert waiting.value.code == "fx_unsupported"
    assert waiting.value.values == {"currency": "EUR", "settlement": "GBP", "home": "USD"}
