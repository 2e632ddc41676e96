"""Resident ID numbers: encryption at rest, keyed hashing and masking.

This module is the only place an ID number is decrypted (``decrypt_id_number``). Everything else
handles the ciphertext, the keyed hash (to count quotas per person without decrypting) and the
masked form (``1101**********002X``) that pages and logs show.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_NONCE_BYTES = 12
_AAD = b"twoway.identity.resident_id.v1"


def _key(setting: str) -> bytes:
    return decode_key(getattr(settings, setting, ""), setting)


def decode_key(raw: str, setting: str) -> bytes:
    """A 32-byte key from its urlsafe base64 text; ImproperlyConfigured naming ``setting``."""
    if not raw:
        raise ImproperlyConfigured(f"{setting} is not set.")
    try:
        key = base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4))
    except ValueError as exc:  # binascii.Error is a ValueError
        raise ImproperlyConfigured(f"{setting} is not urlsafe base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{setting} must decode to 32 bytes.")
    return key


def normalize_id_number(number: str) -> str:
    return "".join(number.split()).upper()


def encrypt_id_number(number: str, *, key: bytes | None = None) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key or _key("TWOWAY_ID_ENCRYPTION_KEY")).encrypt(
        nonce, normalize_id_number(number).encode(), _AAD
    )
    return nonce + sealed


def decrypt_id_number(ciphertext: bytes, *, key: bytes | None = None) -> str:
    data = bytes(ciphertext)
    nonce, sealed = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
    return AESGCM(key or _key("TWOWAY_ID_ENCRYPTION_KEY")).decrypt(nonce, sealed, _AAD).decode()


def hash_id_number(number: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the normalized number: equal for the same person across accounts."""
    digest = hmac.new(
        key or _key("TWOWAY_ID_HASH_KEY"), normalize_id_number(number).encode(), hashlib.sha256
    )
    return digest.hexdigest()


def mask_id_number(number: str) -> str:
    """Keep the first four and last four characters: ``110101199003070012`` → ``1101**********0012``."""
    n = normalize_id_number(number)
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]
