"""Alipay (sandbox-shaped): RSA2 form notifications, redirect, ack, customs declaration."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import pytest

from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.providers import (
    NotificationMalformed,
    PaymentInputInvalid,
    PaymentProvider,
    PaymentRequest,
    SignatureInvalid,
    get_provider,
    notification_mismatches,
)
from twoway.payments.providers.alipay import sign_content, sign_notification
from twoway.payments.providers.sandbox import SandboxWallet

NOW = datetime(2025, 3, 14, 6, 30, 15, tzinfo=UTC)  # 14:30:15 in Beijing
SUBJECT = "Maple syrup 枫糖浆 & pancakes = breakfast"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return ensure_sandbox_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def provider(keys):
    return get_provider("alipay", clock=lambda: NOW, key_dir=keys.key_dir)


@pytest.fixture
def wallet(keys):
    return SandboxWallet("alipay", keys, clock=lambda: NOW)


@pytest.fixture
def pay_request():
    return PaymentRequest(
        out_trade_no="TW20250314000123",
        amount=Decimal("1234.50"),
        currency="CNY",
        subject=SUBJECT,
        buyer_name="张三",
        buyer_id_number_masked_or_token="1101**********0012",
        notify_url="https://twoway.example/payments/notify/alipay/",
        return_url="https://twoway.example/checkout/done/",
    )


def test_round_trip_gives_the_exact_notification(provider, wallet, pay_request, keys):
    sent = wallet.notification(pay_request, "paid")

    n = provider.verify_notification(sent.body, sent.headers)

    assert isinstance(provider, PaymentProvider)
    assert n.provider == "alipay"
    assert n.event_id == sent.event_id
    assert n.event_type == "trade_status_sync"
    assert n.provider_txn_id == sent.provider_txn_id
    assert n.provider_txn_id.startswith("2025031422001")
    assert n.out_trade_no == "TW20250314000123"
    assert n.amount == Decimal("1234.50")
    assert n.currency == "CNY"
    assert n.app_id == "2021000000000000"
    assert n.merchant_id == keys.alipay_seller_id
    assert n.status == "paid"
    assert n.is_paid
    assert n.provider_status == "TRADE_SUCCESS"
    assert n.paid_at == NOW
    assert n.paid_at.tzinfo is UTC
    assert n.payer_id.startswith("2088")
    assert len(n.payer_id) == 16
    assert n.payer_account_masked.startswith("138****")
    assert n.payer_total == Decimal("1234.50")
    assert n.raw["subject"] == SUBJECT
    assert n.raw["gmt_payment"] == "2025-03-14 14:30:15"


def test_body_is_a_url_encoded_form_and_values_are_decoded_before_signing(
    provider, wallet, pay_request
):
    sent = wallet.notification(pay_request, extra={"passback_params": '{"cart": "a b&c"}'})

    assert sent.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert b"%E6%9E%AB" in sent.body  # 枫, percent-encoded in the body
    n = provider.verify_notification(sent.body, sent.headers)
    assert n.raw["passback_params"] == '{"cart": "a b&c"}'


def test_signature_string_drops_sign_and_sign_type_sorts_and_keeps_empty_values():
    params = {
        "version": "1.0",
        "sign": "xxx",
        "sign_type": "RSA2",
        "body": "大乐透2.1",
        "app_id": "2014072300007148",
        "passback_params": "",
        "buyer_id": "2088102122524333",
        "charset": "utf-8",
    }

    assert sign_content(params) == (
        "app_id=2014072300007148&body=大乐透2.1&buyer_id=2088102122524333"
        "&charset=utf-8&passback_params=&version=1.0"
    )
    assert sign_content(params, exclude=("sign",), skip_empty=True) == (
        "app_id=2014072300007148&body=大乐透2.1&buyer_id=2088102122524333"
        "&charset=utf-8&sign_type=RSA2&version=1.0"
    )


def test_an_empty_value_is_part_of_the_signed_string(provider, wallet, pay_request):
    sent = wallet.notification(pay_request, extra={"passback_params": ""})
    assert provider.verify_notification(sent.body, sent.headers).raw["passback_params"] == ""

    dropped = dict(sent.payload)
    del dropped["passback_params"]
    with pytest.raises(SignatureInvalid):
        provider.verify_notification(urlencode(dropped).encode(), sent.headers)


def test_tampered_signature_is_rejected(provider, wallet, pay_request):
    forged = wallet.tampered_signature(wallet.notification(pay_request))

    with pytest.raises(SignatureInvalid) as exc:
        provider.verify_notification(forged.body, forged.headers)
    assert exc.value.rule == "signature_invalid"
    assert exc.value.as_dict()["errors"][0]["field"] == "signature"


def test_tampered_amount_is_rejected(provider, wallet, pay_request):
    forged = wallet.tampered_amount(wallet.notification(pay_request), Decimal("0.01"))

    assert b"total_amount=0.01" in forged.body
    with pytest.raises(SignatureInvalid):
        provider.verify_notification(forged.body, forged.headers)


def test_tampered_body_field_is_rejected(provider, wallet, pay_request):
    sent = wallet.notification(pay_request)
    params = dict(sent.payload)
    params["out_trade_no"] = "TW20250314000999"

    with pytest.raises(SignatureInvalid):
        provider.verify_notification(urlencode(params).encode(), sent.headers)


def test_notification_signed_with_the_apps_own_key_is_rejected(provider, wallet, pay_request, keys):
    sent = wallet.notification(pay_request)
    params = dict(sent.payload)
    params["sign"] = sign_notification(params, keys.merchant_private_key)

    with pytest.raises(SignatureInvalid):
        provider.verify_notification(urlencode(params).encode(), sent.headers)


@pytest.mark.parametrize(
    ("change", "rule"),
    [({"sign": ""}, "signature_missing"), ({"sign_type": "RSA"}, "sign_type")],
)
def test_missing_sign_or_other_sign_type_is_rejected(provider, wallet, pay_request, change, rule):
    params = {**wallet.notification(pay_request).payload, **change}

    with pytest.raises(SignatureInvalid) as exc:
        provider.verify_notification(urlencode(params).encode(), {})
    assert exc.value.rule == rule


@pytest.mark.parametrize(
    "body",
    [b"", b"not a form", b"a=1&a=2", b"charset=latin-1&a=1", b"charset=utf-8&x=%FF%FE"],
)
def test_malformed_bodies_are_rejected(provider, body):
    with pytest.raises(NotificationMalformed):
        provider.verify_notification(body, {})


def test_authentic_but_unparsable_amount_is_malformed(provider, wallet, pay_request, keys):
    params = dict(wallet.notification(pay_request).payload)
    params["total_amount"] = "12.345"
    params["sign"] = sign_notification(params, keys.wallet_private_key)

    with pytest.raises(NotificationMalformed) as exc:
        provider.verify_notification(urlencode(params).encode(), {})
    assert exc.value.as_dict()["errors"][0]["field"] == "total_amount"


def test_wrong_app_id_is_carried_and_detected(provider, wallet, pay_request):
    sent = wallet.notification(pay_request, app_id="2021999999999999")
    n = provider.verify_notification(sent.body, sent.headers)

    assert n.app_id == "2021999999999999"
    problems = notification_mismatches(
        n,
        out_trade_no=pay_request.out_trade_no,
        amount=pay_request.amount,
        currency="CNY",
        app_id=provider.app_id,
        merchant_id=provider.merchant_id,
    )
    assert [(p.field, p.rule) for p in problems] == [("app_id", "app_mismatch")]


def test_authentic_notification_for_another_amount_is_a_mismatch(provider, wallet, pay_request):
    sent = wallet.notification(pay_request, amount=Decimal("1234.49"))
    n = provider.verify_notification(sent.body, sent.headers)

    problems = notification_mismatches(
        n, out_trade_no=pay_request.out_trade_no, amount=Decimal("1234.50"), currency="CNY",
        app_id=provider.app_id,
    )  # fmt: skip
    assert [(p.field, p.rule) for p in problems] == [("amount", "amount_mismatch")]


@pytest.mark.parametrize(
    ("outcome", "status", "provider_status", "refund", "paid"),
    [
        ("finished", "paid", "TRADE_FINISHED", None, True),
        ("closed", "closed", "TRADE_CLOSED", None, False),
        ("refunded", "refunded", "TRADE_CLOSED", Decimal("1234.50"), True),
        ("partially_refunded", "partially_refunded", "TRADE_SUCCESS", Decimal("100.00"), True),
    ],
)
def test_trade_statuses(
    provider, wallet, pay_request, outcome, status, provider_status, refund, paid
):
    sent = wallet.notification(pay_request, outcome, refund_amount=refund)
    n = provider.verify_notification(sent.body, sent.headers)

    assert (n.status, n.provider_status, n.refund_amount) == (status, provider_status, refund)
    assert (n.paid_at == NOW) is paid
    assert (n.refund_id is not None) is (refund is not None)


def test_ack_is_exactly_success_or_fail(provider):
    assert provider.ack(True) == (200, b"success", "text/plain; charset=utf-8")
    assert provider.ack(False) == (500, b"fail", "text/plain; charset=utf-8")
    assert provider.ack(False, status_code=400) == (400, b"fail", "text/plain; charset=utf-8")


def test_create_payment_is_a_signed_page_pay_form_the_wallet_accepts(provider, wallet, pay_request):
    redirect = provider.create_payment(pay_request)

    assert redirect.url == "/payments/sandbox/alipay/gateway.do"
    assert redirect.method == "POST"
    assert redirect.fields["method"] == "alipay.trade.page.pay"
    assert redirect.fields["timestamp"] == "2025-03-14 14:30:15"
    assert redirect.fields["sign_type"] == "RSA2"
    assert json.loads(redirect.fields["biz_content"]) == {
        "out_trade_no": "TW20250314000123",
        "total_amount": "1234.50",
        "subject": SUBJECT,
        "product_code": "FAST_INSTANT_TRADE_PAY",
    }
    accepted = wallet.accept_payment(redirect)
    assert (accepted.out_trade_no, accepted.amount, accepted.subject, accepted.notify_url) == (
        "TW20250314000123",
        Decimal("1234.50"),
        SUBJECT,
        "https://twoway.example/payments/notify/alipay/",
    )


def test_wallet_refuses_a_redirect_changed_after_signing(provider, wallet, pay_request):
    redirect = provider.create_payment(pay_request)
    redirect.fields["biz_content"] = redirect.fields["biz_content"].replace("1234.50", "1.00")

    with pytest.raises(SignatureInvalid):
        wallet.accept_payment(redirect)


def test_customs_declaration_has_the_declare_api_fields(provider):
    d = provider.customs_declaration(
        out_request_no="CD20250314000123",
        out_trade_no="TW20250314000123",
        provider_txn_id="2025031422001400001234567890",
        amount=Decimal("1234.50"),
        customs="hangzhou",
        merchant_customs_code="3301960ABC",
        merchant_customs_name="Twoway Trading (Hangzhou) Co.",
        buyer_name="张三",
        buyer_id_number_masked_or_token="1101**********0012",
    )

    assert d.method == "alipay.trade.customs.declare"
    assert d.fields == {
        "out_request_no": "CD20250314000123",
        "trade_no": "2025031422001400001234567890",
        "merchant_customs_code": "3301960ABC",
        "merchant_customs_name": "Twoway Trading (Hangzhou) Co.",
        "amount": "1234.50",
        "customs_place": "HANGZHOU",
        "buyer_info": '{"buyer_name":"张三","buyer_cert_no":"1101**********0012"}',
    }
    assert (d.amount, d.currency, d.customs, d.sub_order_no) == (
        Decimal("1234.50"), "CNY", "HANGZHOU", None,
    )  # fmt: skip


def test_split_customs_declaration_names_the_sub_order(provider):
    d = provider.customs_declaration(
        out_request_no="CD20250314000124", out_trade_no="TW20250314000123",
        provider_txn_id="2025031422001400001234567890", amount=Decimal("600.00"),
        customs="ZONGSHU", merchant_customs_code="3301960ABC", merchant_customs_name="Twoway",
        buyer_name="张三", buyer_id_number_masked_or_token="tok_8f2a", sub_order_no="TW123-S1",
    )  # fmt: skip

    assert (d.fields["is_split"], d.fields["sub_out_biz_no"], d.fields["amount"]) == (
        "T", "TW123-S1", "600.00",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"out_request_no": "CD1"}, "out_request_no"),
        (
            {"buyer_id_number_masked_or_token": "110101199003070012"},
            "buyer_id_number_masked_or_token",
        ),
        ({"amount": Decimal("1.001")}, "amount"),
        ({"merchant_customs_code": ""}, "merchant_customs_code"),
    ],
)
def test_customs_declaration_refuses_bad_input(provider, change, field):
    args = {
        "out_request_no": "CD20250314000123", "out_trade_no": "TW20250314000123",
        "provider_txn_id": "2025031422001400001234567890", "amount": Decimal("1234.50"),
        "customs": "HANGZHOU", "merchant_customs_code": "3301960ABC",
        "merchant_customs_name": "Twoway", "buyer_name": "张三",
        "buyer_id_number_masked_or_token": "1101**********0012",
    }  # fmt: skip
    with pytest.raises(PaymentInputInvalid) as exc:
        provider.customs_declaration(**{**args, **change})
    assert exc.value.problems[0].field == field


def test_form_parsing_matches_the_standard_library(wallet, pay_request):
    sent = wallet.notification(pay_request)
    assert dict(parse_qsl(sent.body.decode())) == sent.payload


def test_gbk_notifications_are_decoded_and_verified_in_gbk(provider, wallet, pay_request, keys):
    params = {**wallet.notification(pay_request).payload, "charset": "gbk"}
    params["sign"] = sign_notification(params, keys.wallet_private_key)
    body = urlencode(params, encoding="gbk").encode("ascii")

    n = provider.verify_notification(body, {})

    assert n.raw["subject"] == SUBJECT
    assert b"%E6%9E%AB" not in body  # 枫 was sent as GBK bytes, not UTF-8


def test_an_unknown_charset_in_the_params_is_malformed(provider, wallet, pay_request):
    params = {**wallet.notification(pay_request).payload, "charset": "utf%2D16"}

    with pytest.raises(NotificationMalformed):
        provider.verify_notification(urlencode(params).encode(), {})
