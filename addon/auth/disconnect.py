"""Disconnecting a company: give the access back at the platform, keep Remit's records."""

from __future__ import annotations

import contextlib

from flask import current_app

from addon.auth.tokens import DatabaseTokenKeeper
from addon.extensions import db
from addon.ledger import xero_connections
from addon.models import Company, ConnectionStatus, Platform, utcnow
from addon.vendors import vendor
from connectors import quickbooks, xero
from connectors.base import AuthError


def disconnect(company: Company) -> None:
    """Revoke at Intuit / delete the Xero connection, then mark the company disconnected.

    Throttling, outages and refusals propagate and nothing changes locally, so the user can try
    again; a grant the platform already revoked is simply forgotten.
    """
    grant = company.connection
    others = [c for c in grant.companies
              if c.id != company.id and c.disconnected_at is None] if grant else []
    if grant is not None and grant.status is ConnectionStatus.ACTIVE:
        # AuthError: already revoked at the platform, nothing left to give back.
        with contextlib.suppress(AuthError):
            _give_back(company, DatabaseTokenKeeper(grant.id), last_user=not others)
    company.disconnected_at = utcnow()
    company.connection = None
    if grant is not None and not others:
        grant.access_token = grant.refresh_token = None
        grant.status = ConnectionStatus.DISCONNECTED
    db.session.commit()


def _give_back(company: Company, keeper: DatabaseTokenKeeper, last_user: bool) -> None:
    details = vendor(company.platform)
    timeout = current_app.config["HTTP_TIMEOUT"]
    if company.platform is Platform.QUICKBOOKS:
        quickbooks.oauth.revoke(details.client, keeper.current().refresh_token, timeout)
        return
    if company.xero_connection_id:
        xero_connections(keeper).delete(company.xero_connection_id)
    if last_user:  # revoking removes every connection of the grant, so only for the last one
        xero.oauth.revoke(details.client, keeper.current().refresh_token, timeout)
