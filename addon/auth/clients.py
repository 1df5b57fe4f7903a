"""Authlib OAuth clients for the accounting platforms, one registry per Flask app."""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import current_app

from addon.vendors import vendor

EXTENSION_KEY = "remit.oauth"


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = OAuth(app)


def oauth_client(platform: str):
    """Registered on first use, inside the app, when base URLs and credentials are known."""
    registry: OAuth = current_app.extensions[EXTENSION_KEY]
    client = registry.create_client(str(platform))
    if client is not None:
        return client
    details = vendor(platform)
    client_kwargs = {
        "scope": details.scope,
        "token_endpoint_auth_method": "client_secret_basic",
        "default_timeout": current_app.config["HTTP_TIMEOUT"],
    }
    if details.use_pkce:
        client_kwargs["code_challenge_method"] = "S256"
    return registry.register(
        str(platform),
        client_id=details.client.client_id,
        client_secret=details.client.client_secret,
        server_metadata_url=details.discovery_url,
        client_kwargs=client_kwargs,
    )
