"""Writes for people and real-name identities."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from twoway.core.errors import DomainError, from_validation_error

from .crypto import encrypt_id_number, hash_id_number, mask_id_number
from .models import RealNameIdentity, User
from .validators import validate_resident_id


def real_name_identity_register(*, user: User, full_name: str, id_number: str) -> RealNameIdentity:
    """Validate (GB 11643) and store a buyer's identity; the same person is stored once per user."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise DomainError.one("full_name", "required", "The name on the ID card is required.")
    try:
        compact = validate_resident_id(id_number or "")
    except ValidationError as exc:
        raise from_validation_error(ValidationError({"id_number": exc.error_list})) from None
    id_hash = hash_id_number(compact)
    with transaction.atomic():
        existing = RealNameIdentity.objects.filter(user=user, id_number_hash=id_hash).first()
        if existing:
            if existing.full_name != full_name:
                existing.full_name = full_name
                existing.save(update_fields=["full_name", "updated_at"])
            return existing
        return RealNameIdentity.objects.create(
            user=user,
            full_name=full_name,
            id_number_encrypted=encrypt_id_number(compact),
            id_number_hash=id_hash,
            id_number_masked=mask_id_number(compact),
            province_code=compact[:2],
            verified=True,
        )


def user_language_set(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
