"""The pay-link picker: find an invoice by its number or customer, make its pay-now link."""
