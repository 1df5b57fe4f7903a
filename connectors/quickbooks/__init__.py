"""QuickBooks Online connector: python-quickbooks behind Remit's Connector contract.

client.py is the only module that imports python-quickbooks; connector.py implements the
contract; transformers.py maps vendor objects to records; const.py pins versions and maps errors.
"""

from connectors.quickbooks.connector import QuickBooksConnector

__all__ = ["QuickBooksConnector"]
