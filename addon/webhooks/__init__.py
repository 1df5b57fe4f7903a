"""Webhooks from payment gateways: verified, stored once, processed by the task queue."""
