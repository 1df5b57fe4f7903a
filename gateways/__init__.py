"""Payment gateways, one package each; no Flask and no ORM here (ARCHITECTURE.md § Layers)."""
