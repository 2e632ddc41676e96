from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from cryptography.exceptions import InvalidTag
from django.db import models

from twoway.identity import crypto
from twoway.identity.logging import MaskResidentIdFilter, mask_text
from twoway.identity.models import RealNameIdentity
from twoway.identity.services import real_name_identity_register
from twoway.identity.tests.factories import ConsumerCnFactory, resident_id

ID = resident_id("110101", "19900307", "002")  # ends in ...002X


def test_the_test_number_is_the_documented_shape():
    assert ID == "11010119900307002X"


def test_encrypt_decrypt_round_trip():
    assert crypto.decrypt_id_number(crypto.encrypt_id_number(ID)) == ID
    assert crypto.decrypt_id_number(crypto.encrypt_id_number(" 11010119900307002x ")) == ID


def test_ciphertext_differs_per_call_and_hides_the_number():
    first, second = crypto.encrypt_id_number(ID), crypto.encrypt_id_number(ID)
    assert first != second
    assert ID.encode() not in first
    assert len(first) == 12 + 18 + 16  # nonce + sealed number + GCM tag


def test_tampered_ciphertext_is_refused():
    sealed = bytearray(crypto.encrypt_id_number(ID))
    sealed[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt_id_number(bytes(sealed))


def test_hash_is_keyed_and_stable():
    assert crypto.hash_id_number(ID) == crypto.hash_id_number(ID.lower())
    assert len(crypto.hash_id_number(ID)) == 64
    assert crypto.hash_id_number(ID) != crypto.hash_id_number(resident_id(seq="003"))


def test_mask_keeps_first_four_and_last_four():
    assert crypto.mask_id_number(ID) == "1101**********002X"
    assert crypto.mask_id_number("12345") == "*****"


@pytest.mark.django_db
def test_same_person_has_the_same_hash_across_accounts():
    one = real_name_identity_register(user=ConsumerCnFactory(), full_name="李四", id_number=ID)
    two = real_name_identity_register(user=ConsumerCnFactory(), full_name="李四", id_number=ID)
    assert one.pk != two.pk
    assert one.id_number_hash == two.id_number_hash
    assert bytes(one.id_number_encrypted) != bytes(two.id_number_encrypted)
    assert one.id_number_masked == "1101**********002X"
    assert one.province_code == "11"


@pytest.mark.django_db
def test_register_refuses_a_bad_checksum_and_saves_nothing():
    from twoway.core.errors import DomainError

    bad = ID[:-1] + "1"
    with pytest.raises(DomainError) as caught:
        real_name_identity_register(user=ConsumerCnFactory(), full_name="李四", id_number=bad)
    assert [(p.field, p.rule) for p in caught.value.problems] == [("id_number", "gb11643_checksum")]
    assert bad not in caught.value.message
    assert RealNameIdentity.objects.count() == 0


@pytest.mark.django_db
def test_register_same_person_twice_for_one_user_keeps_one_row():
    user = ConsumerCnFactory()
    first = real_name_identity_register(user=user, full_name="李四", id_number=ID)
    again = real_name_identity_register(user=user, full_name="李 四", id_number=ID.lower())
    assert first.pk == again.pk
    assert RealNameIdentity.objects.count() == 1


@pytest.mark.django_db
def test_clear_number_is_in_no_column_of_the_row():
    identity = real_name_identity_register(user=ConsumerCnFactory(), full_name="李四", id_number=ID)
    row = RealNameIdentity.objects.filter(pk=identity.pk).values().get()
    scanned = 0
    for field in RealNameIdentity._meta.concrete_fields:
        value = row[field.attname]
        if isinstance(field, (models.CharField, models.TextField)):
            assert ID not in value, field.name
            assert ID[6:14] not in value, field.name  # nor the birth date
            scanned += 1
        elif isinstance(field, models.BinaryField):
            assert ID.encode() not in bytes(value)
            scanned += 1
    assert scanned == 5  # full_name, encrypted, hash, masked, province_code


def test_log_filter_masks_the_number(caplog):
    logger = logging.getLogger("twoway.test.identity")
    mask = MaskResidentIdFilter()
    logger.addFilter(mask)
    try:
        with caplog.at_level(logging.INFO, logger="twoway.test.identity"):
            logger.info("buyer %s registered with %s", "李四", ID)
            logger.warning("raw: " + ID.lower())
    finally:
        logger.removeFilter(mask)
    assert ID not in caplog.text
    assert ID.lower() not in caplog.text
    assert caplog.text.count("1101**********002X") == 2


def test_mask_text_leaves_other_numbers_alone():
    assert mask_text("order 12345678 paid") == "order 12345678 paid"
    assert mask_text(f"id={ID}.") == "id=1101**********002X."


def test_settings_logging_masks_on_the_console_handler():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["mask_ids"]


def test_production_refuses_to_start_without_real_secrets():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWOWAY_ID"))}
    result = subprocess.run(
        [sys.executable, "-c", "import twoway.config.settings.production"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set to a real secret" in result.stderr


def test_production_refuses_weak_identity_keys():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWOWAY_ID"))}
    env["DJANGO_SECRET_KEY"] = "k" * 50
    env["TWOWAY_ID_ENCRYPTION_KEY"] = "dev-key"
    result = subprocess.run(
        [sys.executable, "-c", "import twoway.config.settings.production"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "TWOWAY_ID_ENCRYPTION_KEY must be set to a real secret" in result.stderr
