"""The front door: home page, language choice, legal pages, health check."""
