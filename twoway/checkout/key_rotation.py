"""Rotating the real-name identity keys (issue 9): re-encrypt every resident ID number with the
new encryption key and re-hash it with the new hash key, and move every row that holds the old
hash (quota per person-year, orders' buyer hash) to the new one — all in one transaction, so a
failure changes nothing. Lives in checkout because it rewrites checkout's rows too (identity,
below it, must not import them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from twoway.identity.crypto import decrypt_id_number, encrypt_id_number, hash_id_number
from twoway.identity.models import RealNameIdentity

from .models import Order, QuotaUsage


@dataclass(frozen=True)
class RotationResult:
    identities: int
    quota_rows: int
    orders: int
    orphan_quota_rows: int  # quota rows whose person has no identity row left (not re-keyable)


def keys_rotate(
    *, new_encryption_key: bytes, new_hash_key: bytes, dry_run: bool = False
) -> RotationResult:
    """Re-key every identity, quota row and order with the new keys (old keys from settings)."""
    with transaction.atomic():
        new_hashes: dict[str, str] = {}
        identities = 0
        for identity in RealNameIdentity.objects.select_for_update().order_by("pk"):
            number = decrypt_id_number(bytes(identity.id_number_encrypted))
            new_hash = hash_id_number(number, key=new_hash_key)
            new_hashes[identity.id_number_hash] = new_hash
            identity.id_number_encrypted = encrypt_id_number(number, key=new_encryption_key)
            identity.id_number_hash = new_hash
            identities += 1
            if not dry_run:
                identity.save(update_fields=["id_number_encrypted", "id_number_hash"])
        quota_rows = orders = 0
        for old, new in new_hashes.items():
            if dry_run:
                quota_rows += QuotaUsage.objects.filter(id_number_hash=old).count()
                orders += Order.objects.filter(buyer_id_hash=old).count()
                continue
            quota_rows += QuotaUsage.objects.filter(id_number_hash=old).update(id_number_hash=new)
            orders += Order.objects.filter(buyer_id_hash=old).update(buyer_id_hash=new)
        known = set(new_hashes.values()) if not dry_run else set(new_hashes)
        orphans = QuotaUsage.objects.exclude(id_number_hash__in=known).count()
    return RotationResult(identities, quota_rows, orders, orphans)
