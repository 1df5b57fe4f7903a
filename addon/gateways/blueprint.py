"""The gateway settings blueprint; its routes live in views.py, connect.py and configure.py."""

from flask import Blueprint

bp = Blueprint("gateways", __name__)
