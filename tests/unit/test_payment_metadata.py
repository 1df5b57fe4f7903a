"""The invoices' numbers and the customer's name ride on a payment for Activity only: always
within Stripe's metadata limits, never at the cost of what posting reads."""

from decimal import Decimal

from gateways.base import METADATA_VALUE_LIMIT, payment_metadata


def metadata(**shown):
    return payment_metadata(company_id=1, gateway_id=2, customer_id="58",
                            invoices=[("130", Decimal("10.00")), ("131", Decimal("5.00"))],
                            **shown)


def test_numbers_and_name_in_the_invoices_order():
    made = metadata(customer_name=" Amy's Bird Sanctuary ", numbers=["1001", "1002"])
    assert made["remit_numbers"] == "1001,1002"
    assert made["remit_customer_name"] == "Amy's Bird Sanctuary"
    assert made["remit_invoices"] == "130,131" and made["remit_amounts"] == "10.00,5.00"


def test_what_does_not_fit_is_left_out_or_shortened():
    made = metadata(customer_name="N" * 600, numbers=["9" * 300, "8" * 300])
    assert "remit_numbers" not in made
    assert len(made["remit_customer_name"]) == METADATA_VALUE_LIMIT
    assert all(len(key) <= 40 and len(value) <= METADATA_VALUE_LIMIT
               for key, value in made.items())


def test_a_number_with_a_comma_or_no_number_at_all_is_not_stored():
    assert "remit_numbers" not in metadata(numbers=["A,1", "2"])
    assert "remit_numbers" not in metadata(numbers=[None, None])
    assert metadata(numbers=[None, "1002"])["remit_numbers"] == ",1002"
    assert "remit_customer_name" not in metadata()
