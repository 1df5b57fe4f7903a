"""Pay-now pages: a signed link per invoice, paid through Stripe Checkout."""
