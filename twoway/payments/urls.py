from django.urls import path

from twoway.core.sandbox import sandbox_enabled

from . import views

app_name = "payments"

urlpatterns = [
    path("notify/<str:provider>/", views.notify, name="notify"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<str:number>/return/", views.order_return, name="order_return"),
    path("returns/<str:number>/<str:action>/", views.seller_return, name="seller_return"),
]
if sandbox_enabled():  # never routed in production (TWOWAY_PAYMENTS_SANDBOX off)
    urlpatterns += [
        path("sandbox/alipay/gateway.do", views.sandbox_pay_page, {"provider": "alipay"},
             name="sandbox-alipay"),
        path("sandbox/wechat/pay/", views.sandbox_pay_page, {"provider": "wechat"},
             name="sandbox-wechat"),
        path("sandbox/card/pay/", views.sandbox_card_pay_page, name="sandbox-card"),
    ]
