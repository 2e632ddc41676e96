"""Key management (keys.py), the provider registry and PaymentRequest validation."""

from __future__ import annotations

import stat
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from twoway.payments import keys as payment_keys
from twoway.payments.keys import alipay_keys, ensure_sandbox_keys, wechat_keys
from twoway.payments.providers import (
    AlipayProvider,
    PaymentInputInvalid,
    PaymentRequest,
    WechatPayProvider,
    get_provider,
)
from twoway.payments.providers.signing import private_pem, public_pem

FILES = [
    "payments-merchant-private.pem",
    "payments-merchant-public.pem",
    "payments-wallet-private.pem",
    "payments-wallet-public.pem",
    "payments-wechat-apiv3-key",
]


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    ensure_sandbox_keys(directory)
    return directory


def test_sandbox_keys_are_generated_once_as_0600_files(key_dir):
    first = ensure_sandbox_keys(key_dir)
    again = ensure_sandbox_keys(key_dir)

    assert sorted(p.name for p in key_dir.iterdir()) == FILES
    assert {stat.S_IMODE(p.stat().st_mode) for p in key_dir.iterdir()} == {0o600}
    assert (
        (key_dir / "payments-wallet-private.pem")
        .read_bytes()
        .startswith(b"-----BEGIN PRIVATE KEY-----")
    )
    assert first.wallet_private_key.key_size == first.merchant_private_key.key_size == 2048
    assert again.wallet_serial == first.wallet_serial != first.merchant_serial
    assert len(first.wallet_serial) == 40
    assert again.wechat_apiv3_key == first.wechat_apiv3_key
    assert len(first.wechat_apiv3_key) == 32
    assert first.wechat_apiv3_key.isalnum()
    assert (
        public_pem(first.wallet_public_key) == (key_dir / "payments-wallet-public.pem").read_bytes()
    )
    assert first.wechat_apiv3_key.decode() not in repr(first)  # secrets stay out of logs


def test_a_missing_public_key_is_rebuilt_and_a_mismatched_one_refused(tmp_path, key_dir):
    for name in FILES:
        (tmp_path / name).write_bytes((key_dir / name).read_bytes())
    (tmp_path / "payments-wallet-public.pem").unlink()

    rebuilt = ensure_sandbox_keys(tmp_path)
    assert (
        public_pem(rebuilt.wallet_public_key)
        == (tmp_path / "payments-wallet-public.pem").read_bytes()
    )

    (tmp_path / "payments-wallet-public.pem").write_bytes(public_pem(rebuilt.merchant_public_key))
    with pytest.raises(ImproperlyConfigured, match="does not match"):
        ensure_sandbox_keys(tmp_path)


def test_settings_choose_ids_apiv3_key_and_key_dir(settings, tmp_path):
    settings.ALIPAY_APP_ID = "2021000123456789"
    settings.WECHAT_MCH_ID = "1230000109"
    settings.WECHAT_APIV3_KEY = "a" * 32
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)

    keys = ensure_sandbox_keys()

    assert keys.key_dir == tmp_path
    assert (keys.alipay_app_id, keys.wechat_mch_id, keys.wechat_apiv3_key) == (
        "2021000123456789", "1230000109", b"a" * 32,
    )  # fmt: skip
    assert not (tmp_path / "payments-wechat-apiv3-key").exists()
    assert get_provider("alipay").app_id == "2021000123456789"
    assert get_provider("wechat").merchant_id == "1230000109"

    settings.WECHAT_APIV3_KEY = "short"
    with pytest.raises(ImproperlyConfigured, match="32"):
        ensure_sandbox_keys()


def test_production_paths_override_the_sandbox(settings, tmp_path, key_dir):
    sandbox = ensure_sandbox_keys(key_dir)
    (tmp_path / "alipay_public.pem").write_bytes(public_pem(sandbox.merchant_public_key))
    (tmp_path / "app_private.pem").write_bytes(private_pem(sandbox.wallet_private_key))
    settings.ALIPAY_PUBLIC_KEY_PATH = str(tmp_path / "alipay_public.pem")
    settings.ALIPAY_APP_PRIVATE_KEY_PATH = str(tmp_path / "app_private.pem")
    settings.ALIPAY_APP_ID = "2021000999999999"
    settings.TWOWAY_PAYMENTS_SANDBOX = False
    with pytest.raises(ImproperlyConfigured, match="ALIPAY_SELLER_ID"):
        alipay_keys()  # every notification's seller_id is checked, so it must be configured
    settings.ALIPAY_SELLER_ID = "2088000999999999"

    real = alipay_keys()
    assert real.seller_id == "2088000999999999"

    assert real.sandbox is False
    assert real.gateway_url == "https://openapi.alipay.com/gateway.do"
    assert real.alipay_public_key.public_numbers() == sandbox.merchant_public_key.public_numbers()
    assert real.app_id == "2021000999999999"


def test_sandbox_keys_are_refused_when_the_sandbox_is_off(settings, tmp_path):
    settings.TWOWAY_PAYMENTS_SANDBOX = False
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)

    with pytest.raises(ImproperlyConfigured, match="TWOWAY_PAYMENTS_SANDBOX"):
        wechat_keys()
    assert list(tmp_path.iterdir()) == []


def test_sandbox_defaults_to_off_under_production_settings(settings):
    del settings.TWOWAY_PAYMENTS_SANDBOX  # unset: the settings module decides
    settings.SETTINGS_MODULE = "twoway.config.settings.production"
    assert payment_keys.sandbox_allowed() is False
    settings.SETTINGS_MODULE = "twoway.config.settings.test"
    assert payment_keys.sandbox_allowed() is True


def test_registry(key_dir):
    assert isinstance(get_provider("alipay", key_dir=key_dir), AlipayProvider)
    assert isinstance(get_provider("wechat", key_dir=key_dir), WechatPayProvider)
    with pytest.raises(PaymentInputInvalid) as exc:
        get_provider("paypal", key_dir=key_dir)
    assert exc.value.problems[0].rule == "unknown_provider"


REQUEST = {
    "out_trade_no": "TW20250314000123",
    "amount": Decimal("88.00"),
    "currency": "CNY",
    "subject": "Jam",
    "buyer_name": "张三",
    "buyer_id_number_masked_or_token": "1101**********0012",
    "notify_url": "https://twoway.example/n/",
    "return_url": "https://twoway.example/r/",
}


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"amount": Decimal("88.001")}, "amount", "fen_precision"),
        ({"amount": Decimal("0")}, "amount", "range"),
        ({"amount": Decimal("-1.00")}, "amount", "range"),
        ({"amount": Decimal("NaN")}, "amount", "decimal"),
        ({"amount": 88.0}, "amount", "decimal"),
        ({"currency": "USD"}, "currency", "cny_only"),
        ({"out_trade_no": "T" * 33}, "out_trade_no", "length"),
        ({"out_trade_no": "TW 1"}, "out_trade_no", "charset"),
        (
            {"buyer_id_number_masked_or_token": "110101199003070012"},
            "buyer_id_number_masked_or_token",
            "clear_id_number",
        ),
    ],
)
def test_payment_request_refuses_what_a_wallet_cannot_take(change, field, rule):
    with pytest.raises(PaymentInputInvalid) as exc:
        PaymentRequest(**{**REQUEST, **change})
    assert (exc.value.problems[0].field, exc.value.problems[0].rule) == (field, rule)


def test_payment_request_keeps_an_exact_amount():
    assert PaymentRequest(**{**REQUEST, "amount": Decimal("88.0")}).amount == Decimal("88.00")
