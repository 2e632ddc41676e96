"""The buyer's checkout steps under /cn/ (namespace ``checkout``, export) and /us/ (namespace
``us_import``, import): one set of views, the prefix picks the channel policy. The seller's
order queue keeps its ``checkout:`` names under /seller/orders/."""

from django.urls import path

from twoway.web.seller import orders

from . import views


def _steps(channel: str, prefix: str = "") -> list:
    """The step pages of one channel (same paths and names under each prefix)."""
    kw = {"channel": channel}
    return [
        path(prefix + "cart/", views.cart, kw, name="cart"),
        path(prefix + "cart/add/", views.cart_add, kw, name="cart_add"),
        path(prefix + "cart/lines/<int:product_id>/", views.cart_line_update, kw, name="cart_line"),
        path(prefix + "checkout/", views.checkout, kw, name="checkout"),
        path(prefix + "purchases/", views.purchase_list, kw, name="purchases"),
        path(prefix + "purchases/<str:number>/", views.purchase_detail, kw, name="purchase"),
        path(prefix + "purchases/<str:number>/pay/", views.pay, kw, name="pay"),
    ]


#: /cn/… (included at "" with namespace "checkout").
export_patterns = [
    *_steps("cn", "cn/"),
    path(
        "cn/orders/<str:number>/receipt/",
        views.order_receipt,
        {"channel": "cn"},
        name="order_receipt",
    ),
    path("seller/orders/", orders.seller_orders, name="seller_orders"),
    path("seller/orders/<str:number>/ship/", orders.seller_order_ship, name="seller_order_ship"),
]

#: /us/… (included at "us/" with namespace "us_import").
import_patterns = [
    path("products/<int:product_id>/", views.product, name="product"),
    *_steps("us"),
]
