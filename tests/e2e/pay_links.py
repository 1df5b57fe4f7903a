"""A customer's pay-now link for a signed-in company's invoice, as Remit makes it (the Activity
page no longer makes them; the Pay links page does, with its own tests)."""

from addon.extensions import db
from addon.models import Company
from addon.pay.links import pay_link


def pay_link_for(invoice_id: str) -> str:
    """The one company's link, under the live server's address (its fixture sets BASE_URL)."""
    return pay_link(db.session.query(Company).one().id, invoice_id)
