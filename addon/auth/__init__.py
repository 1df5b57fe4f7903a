"""Sign in with QuickBooks Online or Xero: connect, launch, reconnect, disconnect; tokens."""
