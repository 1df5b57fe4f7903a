"""Disconnecting a company: give the access back at the platform, keep Remit's records."""

from __future__ import annotations

import contextlib

from flask import current_app

from addon.auth.tokens import DatabaseTokenKeeper
from addon.extensions import db
from addon.ledger import connections
from addon.models import Company, ConnectionStatus, utcnow
from addon.vendors import vendor
from connectors.base import AuthError


def disconnect(company: Company) -> None:
    """Give the access back at the platform (Intuit: revoke; Xero: delete the organisation's
    connection, and revoke with the last one), then mark the company disconnected.

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
    if details.platform.lists_companies and company.xero_connection_id:
        connections(company.platform, keeper).delete(company.xero_connection_id)
    # Revoking removes every company of the grant, so only for the last one (a single-company
    # grant is always its own last one).
    if last_user:
        details.platform.revoke(details.client, keeper.current().refresh_token, timeout)
