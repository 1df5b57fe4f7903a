"""Stripe: Connect OAuth, the API calls made for a connected account, and event → money movement.

`client.py` will be the only module importing the `stripe` SDK.
"""
