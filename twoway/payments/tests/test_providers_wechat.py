"""WeChat Pay v3 (sandbox-shaped): signed headers, AES-256-GCM resource, fen amounts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.providers import (
    NotificationMalformed,
    PaymentInputInvalid,
    PaymentProvider,
    PaymentRequest,
    SignatureInvalid,
    WechatPayProvider,
    get_provider,
    notification_mismatches,
)
from twoway.payments.providers.sandbox import SandboxWallet

NOW = datetime(2025, 3, 14, 6, 30, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return ensure_sandbox_keys(tmp_path_factory.mktemp("keys"))


def provider_at(keys, moment):
    return get_provider("wechat", clock=lambda: moment, key_dir=keys.key_dir)


@pytest.fixture
def provider(keys):
    return provider_at(keys, NOW)


@pytest.fixture
def wallet(keys):
    return SandboxWallet("wechat", keys, clock=lambda: NOW)


@pytest.fixture
def pay_request():
    return PaymentRequest(
        out_trade_no="TW20250314000123",
        amount=Decimal("1234.50"),
        currency="CNY",
        subject="Maple syrup 枫糖浆",
        buyer_name="张三",
        buyer_id_number_masked_or_token="1101**********0012",
        notify_url="https://twoway.example/payments/notify/wechat/",
        return_url="https://twoway.example/checkout/done/",
    )


def test_round_trip_gives_the_exact_notification(provider, wallet, pay_request, keys):
    sent = wallet.notification(pay_request)

    n = provider.verify_notification(sent.body, sent.headers)

    assert isinstance(provider, PaymentProvider)
    assert n.provider == "wechat"
    assert n.event_id == sent.event_id
    assert n.event_id.startswith("EV-")
    assert n.event_type == "TRANSACTION.SUCCESS"
    assert n.provider_txn_id == sent.provider_txn_id
    assert len(n.provider_txn_id) == 28
    assert n.out_trade_no == "TW20250314000123"
    assert n.amount == Decimal("1234.50")
    assert n.currency == "CNY"
    assert n.app_id == keys.wechat_app_id
    assert n.merchant_id == keys.wechat_mch_id == provider.merchant_id
    assert (n.status, n.provider_status) == ("paid", "SUCCESS")
    assert n.paid_at == NOW
    assert n.payer_id.startswith("o")
    assert n.payer_total == Decimal("1234.50")
    assert n.raw["resource"]["amount"] == {
        "total": 123450,
        "payer_total": 123450,
        "currency": "CNY",
        "payer_currency": "CNY",
    }
    assert n.raw["resource"]["success_time"] == "2025-03-14T14:30:15+08:00"


def test_the_body_on_the_wire_is_encrypted(wallet, pay_request):
    sent = wallet.notification(pay_request)
    envelope = json.loads(sent.body)

    assert b"TW20250314000123" not in sent.body
    assert envelope["resource"]["algorithm"] == "AEAD_AES_256_GCM"
    assert envelope["resource"]["associated_data"] == "transaction"
    assert len(envelope["resource"]["nonce"]) == 12
    assert sent.headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"


@pytest.mark.parametrize("style", ["lower", "wsgi"])
def test_headers_are_matched_without_regard_to_case_or_wsgi_prefix(
    provider, wallet, pay_request, style
):
    sent = wallet.notification(pay_request)
    if style == "lower":
        headers = {k.lower(): v for k, v in sent.headers.items()}
    else:
        headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in sent.headers.items()}

    assert provider.verify_notification(sent.body, headers).event_id == sent.event_id


def test_tampered_signature_is_rejected(provider, wallet, pay_request):
    forged = wallet.tampered_signature(wallet.notification(pay_request))

    with pytest.raises(SignatureInvalid) as exc:
        provider.verify_notification(forged.body, forged.headers)
    assert exc.value.rule == "signature_invalid"


def test_tampered_amount_is_rejected(provider, wallet, pay_request):
    forged = wallet.tampered_amount(wallet.notification(pay_request), Decimal("0.01"))

    with pytest.raises(SignatureInvalid) as exc:
        provider.verify_notification(forged.body, forged.headers)
    assert exc.value.rule == "signature_invalid"


def test_reserialised_json_breaks_the_signature(provider, wallet, pay_request):
    sent = wallet.notification(pay_request)
    pretty = json.dumps(json.loads(sent.body), indent=2).encode()

    with pytest.raises(SignatureInvalid):
        provider.verify_notification(pretty, sent.headers)


def test_gcm_tamper_is_rejected_even_when_validly_signed(provider, wallet, pay_request):
    forged = wallet.tampered_ciphertext(wallet.notification(pay_request))

    with pytest.raises(SignatureInvalid) as exc:
        provider.verify_notification(forged.body, forged.headers)
    assert exc.value.rule == "decrypt_failed"


def test_wrong_apiv3_key_cannot_decrypt(keys, wallet, pay_request):
    other = WechatPayProvider(
        app_id=keys.wechat_app_id,
        mch_id=keys.wechat_mch_id,
        apiv3_key=b"0" * 32,
        platform_public_keys={keys.wallet_serial: keys.wallet_public_key},
        merchant_private_key=keys.merchant_private_key,
        merchant_serial=keys.merchant_serial,
        clock=lambda: NOW,
    )
    sent = wallet.notification(pay_request)

    with pytest.raises(SignatureInvalid) as exc:
        other.verify_notification(sent.body, sent.headers)
    assert exc.value.rule == "decrypt_failed"


@pytest.mark.parametrize(
    ("skew", "accepted"),
    [
        (timedelta(minutes=4, seconds=59), True),
        (timedelta(minutes=5), False),
        (timedelta(hours=1), False),
        (-timedelta(minutes=4, seconds=59), True),
        (-timedelta(minutes=5), False),
    ],
)
def test_timestamps_five_minutes_away_are_rejected(keys, wallet, pay_request, skew, accepted):
    sent = wallet.notification(pay_request)  # signed at NOW
    provider = provider_at(keys, NOW + skew)

    if accepted:
        assert provider.verify_notification(sent.body, sent.headers).event_id == sent.event_id
    else:
        with pytest.raises(SignatureInvalid) as exc:
            provider.verify_notification(sent.body, sent.headers)
        assert exc.value.rule == "stale_timestamp"


@pytest.mark.parametrize(
    ("header", "value", "rule"),
    [
        ("Wechatpay-Serial", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "unknown_serial"),
        ("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc", "signature_probe"),
        ("Wechatpay-Nonce", "", "signature_missing"),
        ("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3", "sign_type"),
        ("Wechatpay-Timestamp", "1741933815.0", "timestamp"),
    ],
)
def test_header_problems_are_rejected(provider, wallet, pay_request, header, value, rule):
    sent = wallet.notification(pay_request)
    headers = {**sent.headers, header: value}

    with pytest.raises(SignatureInvalid) as exc:
        provider.verify_notification(sent.body, headers)
    assert exc.value.rule == rule


def test_wrong_app_id_is_carried_and_detected(provider, wallet, pay_request):
    sent = wallet.notification(pay_request, app_id="wx9999999999999999")
    n = provider.verify_notification(sent.body, sent.headers)

    problems = notification_mismatches(
        n, out_trade_no=pay_request.out_trade_no, amount=pay_request.amount, currency="CNY",
        app_id=provider.app_id, merchant_id=provider.merchant_id,
    )  # fmt: skip
    assert n.app_id == "wx9999999999999999"
    assert [(p.field, p.rule) for p in problems] == [("app_id", "app_mismatch")]


@pytest.mark.parametrize(
    ("refund", "status"),
    [(Decimal("1234.50"), "refunded"), (Decimal("34.50"), "partially_refunded")],
)
def test_refund_notifications(provider, wallet, pay_request, refund, status):
    sent = wallet.notification(pay_request, "refunded", refund_amount=refund)
    n = provider.verify_notification(sent.body, sent.headers)

    assert (n.event_type, n.status, n.provider_status) == ("REFUND.SUCCESS", status, "SUCCESS")
    assert (n.amount, n.refund_amount, n.paid_at, n.app_id) == (
        Decimal("1234.50"), refund, None, "",
    )  # fmt: skip
    assert n.refund_id.startswith("5030")


def test_authentic_but_unusable_resource_is_malformed(provider, wallet, pay_request):
    sent = wallet.notification(pay_request)
    envelope = dict(sent.payload["envelope"], event_type="MARKETING.COUPON")
    odd = wallet._wechat_signed(envelope, sent.payload["resource"], "x", Decimal("1"))

    with pytest.raises(NotificationMalformed) as exc:
        provider.verify_notification(odd.body, odd.headers)
    assert exc.value.rule == "unknown_event"


def test_ack_replies(provider):
    assert provider.ack(True) == (200, b"", "text/plain; charset=utf-8")
    status, body, content_type = provider.ack(False)
    assert (status, json.loads(body), content_type) == (
        500, {"code": "FAIL", "message": "失败"}, "application/json; charset=utf-8",
    )  # fmt: skip
    assert json.loads(provider.ack(False, message="bad signature", status_code=400)[1]) == {
        "code": "FAIL",
        "message": "bad signature",
    }
    with pytest.raises(ValueError, match="4XX or 5XX"):
        provider.ack(False, status_code=200)


def test_create_payment_is_a_signed_order_in_fen_the_wallet_accepts(provider, wallet, pay_request):
    redirect = provider.create_payment(pay_request)
    body = json.loads(redirect.fields["body"])

    assert redirect.url == "/payments/sandbox/wechat/pay/"
    assert body["amount"] == {"total": 123450, "currency": "CNY"}
    assert redirect.fields["timestamp"] == "1741933815"
    accepted = wallet.accept_payment(redirect)
    assert (accepted.out_trade_no, accepted.amount) == ("TW20250314000123", Decimal("1234.50"))

    redirect.fields["body"] = redirect.fields["body"].replace("123450", "1")
    with pytest.raises(SignatureInvalid):
        wallet.accept_payment(redirect)


CUSTOMS_ARGS = {
    "out_request_no": "CD20250314000123",
    "out_trade_no": "TW20250314000123",
    "provider_txn_id": "4200002345202503141234567890",
    "amount": Decimal("1234.50"),
    "customs": "hangzhou_zs",
    "merchant_customs_code": "3301960ABC",
    "merchant_customs_name": "Twoway Trading (Hangzhou) Co.",
    "buyer_name": "张三",
    "buyer_id_number_masked_or_token": "1101**********0012",
}


def test_customs_declaration_has_the_customdeclareorder_fields(provider, keys):
    d = provider.customs_declaration(**CUSTOMS_ARGS)

    assert d.method == "customdeclareorder"
    assert d.fields == {
        "appid": keys.wechat_app_id,
        "mch_id": keys.wechat_mch_id,
        "out_trade_no": "TW20250314000123",
        "transaction_id": "4200002345202503141234567890",
        "customs": "HANGZHOU_ZS",
        "mch_customs_no": "3301960ABC",
        "action_type": "ADD",
        "cert_type": "IDCARD",
        "cert_id": "1101**********0012",
        "name": "张三",
    }


def test_split_customs_declaration_carries_fees_in_fen(provider):
    d = provider.customs_declaration(
        **{**CUSTOMS_ARGS, "amount": Decimal("620.00")},
        sub_order_no="TW123-S1",
        product_fee=Decimal("600.00"),
        transport_fee=Decimal("20.00"),
    )

    assert {
        k: d.fields[k]
        for k in ("sub_order_no", "fee_type", "order_fee", "product_fee", "transport_fee")
    } == {
        "sub_order_no": "TW123-S1",
        "fee_type": "CNY",
        "order_fee": "62000",
        "product_fee": "60000",
        "transport_fee": "2000",
    }


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"customs": "BEIJING"}, "unknown_customs"),
        ({"action": "DELETE"}, "choice"),
        (
            {"sub_order_no": "S1", "product_fee": Decimal("1000"), "transport_fee": Decimal("1")},
            "fee_sum",
        ),
        ({"sub_order_no": "S1"}, "required"),
        ({"buyer_id_number_masked_or_token": "11010119900307001X"}, "clear_id_number"),
    ],
)
def test_customs_declaration_refuses_bad_input(provider, change, rule):
    with pytest.raises(PaymentInputInvalid) as exc:
        provider.customs_declaration(**{**CUSTOMS_ARGS, **change})
    assert exc.value.problems[0].rule == rule


def test_an_absurd_timestamp_is_rejected_not_crashing(provider, wallet, pay_request):
    sent = wallet.notification(pay_request)

    with pytest.raises(SignatureInvalid) as exc:
        provider.verify_notification(sent.body, {**sent.headers, "Wechatpay-Timestamp": "9" * 400})
    assert exc.value.rule == "timestamp"
