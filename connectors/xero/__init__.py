"""Xero connector (not built yet): same four-file shape as `connectors.quickbooks`."""
