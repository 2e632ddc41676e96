"""The simulators' pages. The wallet paths are the ones the payment providers' sandbox gateway
URLs point to (``/payments/sandbox/...``); mounted by ``config/urls.py`` only when this app is
installed."""

from django.urls import path

from . import views

app_name = "sandbox"

urlpatterns = [
    path(
        "payments/sandbox/alipay/gateway.do",
        views.wallet_pay_page,
        {"provider": "alipay"},
        name="sandbox-alipay",
    ),
    path(
        "payments/sandbox/wechat/pay/",
        views.wallet_pay_page,
        {"provider": "wechat"},
        name="sandbox-wechat",
    ),
    path("payments/sandbox/card/pay/", views.card_pay_page, name="sandbox-card"),
    path("sandbox/customs/", views.customs_page, name="sandbox-customs"),
    path("sandbox/customs/sweep/", views.customs_sweep, name="sandbox-customs-sweep"),
]
