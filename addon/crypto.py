"""Encryption at rest for tokens and gateway credentials.

A MultiFernet key ring: the first key encrypts, every key decrypts, so keys rotate by putting a
new one first and running `flask remit reencrypt`.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

EXTENSION_KEY = "remit.keyring"


class UndecryptableSecret(RuntimeError):
    """No configured key opens a stored secret (a key was dropped before re-encrypting)."""


def build_keyring(keys: list[bytes]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def keyring() -> MultiFernet:
    return current_app.extensions[EXTENSION_KEY]


class EncryptedText(TypeDecorator):
    """A text column stored as a Fernet token; Python code only ever sees the plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return keyring().encrypt(value.encode()).decode()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return keyring().decrypt(value.encode()).decode()
        except InvalidToken:
            raise UndecryptableSecret(
                "A stored secret cannot be decrypted with any key in REMIT_ENCRYPTION_KEYS. "
                "Put back the key it was written with, then run `flask remit reencrypt`."
            ) from None


def rotate(ciphertext: str) -> str:
    """Re-encrypt one stored token under the newest key without exposing the plain text."""
    try:
        return keyring().rotate(ciphertext.encode()).decode()
    except InvalidToken:
        raise UndecryptableSecret(
            "A stored secret cannot be decrypted with any key in REMIT_ENCRYPTION_KEYS."
        ) from None
