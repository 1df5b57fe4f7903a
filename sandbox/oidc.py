"""OpenID Connect signing for the stand-ins: one RSA key per process, its JWKS, and id_tokens.

Authlib verifies id_tokens against the issuer's JWKS exactly as it does with Intuit and Xero, so
the sandbox signs real RS256 tokens rather than handing out unsigned ones.
"""

from __future__ import annotations

import time
from functools import cache

from joserfc import jwt
from joserfc.jwk import RSAKey

KEY_ID = "remit-sandbox-1"


@cache
def _signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})


def jwks() -> dict:
    return {"keys": [_signing_key().as_dict(private=False)]}


def discovery(issuer: str, endpoints: dict[str, str]) -> dict:
    """An OpenID provider configuration document; `endpoints` maps *_endpoint names to URLs."""
    return {
        "issuer": issuer,
        **endpoints,
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "offline_access"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["aud", "exp", "iat", "iss", "sub", "email", "given_name",
                             "family_name", "email_verified"],
    }


def id_token(issuer: str, audience: str, subject: str, nonce: str | None, claims: dict) -> str:
    now = int(time.time())
    payload = {"iss": issuer, "aud": audience, "sub": subject, "iat": now, "exp": now + 3600,
               "auth_time": now, **claims}
    if nonce:
        payload["nonce"] = nonce
    header = {"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}
    return jwt.encode(header, payload, _signing_key())


def signed(payload: dict) -> str:
    """Any JWT the stand-ins sign with their key (Xero's access tokens)."""
    header = {"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}
    return jwt.encode(header, payload, _signing_key())
