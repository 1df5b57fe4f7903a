"""QuickBooks Online connector: python-quickbooks behind Remit's Connector contract.

client.py is the only module that imports python-quickbooks; connector.py implements the
contract; oauth.py refreshes and revokes tokens (Authlib); rules.py holds the account roles;
transformers.py maps vendor objects to records; postings.py builds the JournalEntry, Deposit,
Transfer and RefundReceipt bodies; const.py pins versions and maps errors;
platform.py is the descriptor the add-on's registry finds (addon/platforms.py).
"""

from connectors.quickbooks import oauth
from connectors.quickbooks.connector import QuickBooksConnector
from connectors.quickbooks.const import StaleObject
from connectors.quickbooks.rules import RULES

__all__ = ["RULES", "QuickBooksConnector", "StaleObject", "oauth"]
