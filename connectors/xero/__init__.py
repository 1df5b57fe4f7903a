"""Xero connector: xero-python behind Remit's Connector contract.

client.py is the only module that imports xero-python; connector.py implements the contract;
identity.py reads and deletes connections; oauth.py refreshes and revokes tokens (Authlib);
session.py holds the token behaviour they share; transformers.py maps SDK models to records;
rules.py says which accounts fit which role; const.py has endpoints, scopes and timings;
platform.py is the descriptor the add-on's registry finds (addon/platforms.py).
"""

from connectors.xero import oauth
from connectors.xero.connector import XeroConnector
from connectors.xero.identity import XeroConnections, XeroTenant
from connectors.xero.rules import RULES

__all__ = ["RULES", "XeroConnections", "XeroConnector", "XeroTenant", "oauth"]
