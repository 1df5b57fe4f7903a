"""Accounting-platform connectors: one package per platform, no Flask and no ORM.

The add-on talks to every platform through the `Connector` protocol and the typed records in
`connectors.base`, so the vendor SDKs stay behind each package's `client.py`.
"""
