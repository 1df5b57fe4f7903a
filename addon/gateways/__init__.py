"""Payment gateway settings: the ledger connection, currencies, accounts and gateways."""
