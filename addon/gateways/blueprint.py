"""The gateway settings blueprint; its routes live in views.py, connect.py, configure.py and
pay_links.py. Templates everywhere read a gateway's status and account types through it."""

from flask import Blueprint

from addon.gateways.account_types import account_type_label
from addon.gateways.status import shown_status

bp = Blueprint("gateways", __name__)
bp.add_app_template_filter(account_type_label, "account_type")
bp.add_app_template_global(shown_status, "gateway_status")
