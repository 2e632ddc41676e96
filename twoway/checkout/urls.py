"""Checkout pages: the buyer's under /cn/, the seller's order queue under /seller/orders/."""

from django.urls import path

from . import views

app_name = "checkout"

urlpatterns = [
    path("cn/cart/", views.cart, name="cart"),
    path("cn/cart/add/", views.cart_add, name="cart_add"),
    path("cn/cart/lines/<int:product_id>/", views.cart_line_update, name="cart_line"),
    path("cn/checkout/", views.checkout, name="checkout"),
    path("cn/purchases/", views.purchase_list, name="purchases"),
    path("cn/purchases/<str:number>/", views.purchase_detail, name="purchase"),
    path("cn/purchases/<str:number>/pay/", views.pay, name="pay"),
    path("cn/orders/<str:number>/receipt/", views.order_receipt, name="order_receipt"),
    path("seller/orders/", views.seller_orders, name="seller_orders"),
    path("seller/orders/<str:number>/ship/", views.seller_order_ship, name="seller_order_ship"),
]
