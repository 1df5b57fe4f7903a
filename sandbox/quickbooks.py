"""Intuit stand-in: the QuickBooks Online Accounting API subset Remit uses."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quickbooks", __name__)
