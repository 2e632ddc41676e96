"""Webhook signing secrets at rest: AES-256-GCM under ``TWOWAY_WEBHOOK_SECRET_KEY``.

The key is separate from the ID-number keys (``twoway rotate-keys`` re-encrypts identities only),
decoded with the project's key helper (``identity.crypto.decode_key``)."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from twoway.identity.crypto import decode_key

_NONCE_BYTES = 12
_AAD = b"twoway.integrations.webhook_secret.v1"


def _key() -> bytes:
    return decode_key(
        getattr(settings, "TWOWAY_WEBHOOK_SECRET_KEY", ""), "TWOWAY_WEBHOOK_SECRET_KEY"
    )


def encrypt_secret(secret: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_key()).encrypt(nonce, secret.encode(), _AAD)


def decrypt_secret(ciphertext: bytes) -> str:
    data = bytes(ciphertext)
    return AESGCM(_key()).decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], _AAD).decode()
