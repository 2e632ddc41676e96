"""Issue 9: `twoway rotate-keys` re-encrypts and re-hashes every ID number with new keys, moves
the quota rows and orders to the new hash, in one transaction."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command

from twoway.checkout import services
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, QuotaUsage
from twoway.identity.crypto import decrypt_id_number, hash_id_number
from twoway.identity.models import RealNameIdentity
from twoway.identity.services import real_name_identity_register

pytestmark = pytest.mark.django_db
NEW_ENC = base64.urlsafe_b64encode(b"N" * 32).decode()
NEW_HASH = base64.urlsafe_b64encode(b"H" * 32).decode()
CONSIGNEE = services.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")


def test_rotation_rekeys_identities_quota_and_orders(
    make_seller, make_product, make_buyer, settings, monkeypatch
):
    product = make_product(make_seller(), stock=10)
    buyer, identity = make_buyer()
    services.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    used_before = QuotaUsage.objects.get().used_fen
    old_hash = identity.id_number_hash

    monkeypatch.setenv("TWOWAY_NEW_ID_ENCRYPTION_KEY", NEW_ENC)
    monkeypatch.setenv("TWOWAY_NEW_ID_HASH_KEY", NEW_HASH)
    dry = StringIO()
    call_command("rotate-keys", "--dry-run", stdout=dry)
    assert "would re-key 1 identities, 1 quota rows, 1 orders" in dry.getvalue()
    assert RealNameIdentity.objects.get().id_number_hash == old_hash
    out = StringIO()
    call_command("rotate-keys", stdout=out)
    assert "re-keyed 1 identities, 1 quota rows, 1 orders; 0 quota rows" in out.getvalue()

    settings.TWOWAY_ID_ENCRYPTION_KEY = NEW_ENC
    settings.TWOWAY_ID_HASH_KEY = NEW_HASH
    identity.refresh_from_db()
    assert decrypt_id_number(identity.id_number_encrypted) == "11010519491231002X"
    new_hash = hash_id_number("11010519491231002X")
    assert identity.id_number_hash == new_hash != old_hash
    assert QuotaUsage.objects.get().id_number_hash == new_hash
    assert QuotaUsage.objects.get().used_fen == used_before
    assert Order.objects.get().buyer_id_hash == new_hash
    # the same person registering again is recognised under the new keys
    again = real_name_identity_register(
        user=buyer, full_name="张三", id_number="11010519491231002X"
    )
    assert again.pk == identity.pk


def test_without_new_keys_it_refuses_and_changes_nothing(make_buyer, monkeypatch):
    from django.core.management.base import CommandError

    make_buyer()
    before = RealNameIdentity.objects.get().id_number_hash
    monkeypatch.delenv("TWOWAY_NEW_ID_ENCRYPTION_KEY", raising=False)
    with pytest.raises(CommandError, match="TWOWAY_NEW_ID_ENCRYPTION_KEY"):
        call_command("rotate-keys")
    assert RealNameIdentity.objects.get().id_number_hash == before
    out = StringIO()
    call_command("rotate-keys", "--generate", stdout=out)
    assert len(out.getvalue().splitlines()) == 2
    assert "TWOWAY_NEW_ID_HASH_KEY=" in out.getvalue()
