"""How a gateway's state reads wherever it is shown. A gateway is only as live as its company's
ledger connection: while the company is disconnected from (or must reconnect to) QuickBooks or
Xero, nothing it collects can be recorded, so it must not read "Active"."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from addon.models import ConnectionStatus, Gateway, GatewayStatus


@dataclass(frozen=True)
class ShownStatus:
    label: str
    badge: str  # CSS modifier: ok, warn, off
    reconnect_url: str | None = None  # the company's Reconnect, when that is the remedy
    reconnect_label: str | None = None


def shown_status(gateway: Gateway) -> ShownStatus:
    """The badge for `gateway`: the ledger connection first, then the gateway's own status."""
    company = gateway.company
    platform = company.ledger.display_name
    reconnect = url_for("auth.connect", platform=company.ledger.key)
    reconnect_label = _("Reconnect to %(platform)s", platform=platform)
    if company.status is ConnectionStatus.DISCONNECTED:
        return ShownStatus(_("Disconnected from %(platform)s", platform=platform), "off",
                           reconnect, reconnect_label)
    if company.status is ConnectionStatus.NEEDS_RECONNECT:
        return ShownStatus(_("Waiting for %(platform)s", platform=platform), "warn",
                           reconnect, reconnect_label)
    if gateway.status is GatewayStatus.ACTIVE:
        return ShownStatus(_("Active"), "ok")
    if gateway.status is GatewayStatus.NEEDS_SETUP:
        return ShownStatus(_("Needs setup"), "warn")
    return ShownStatus(_("Disconnected"), "off")
