"""Import pages for US consumers, included at "us/" (app namespace ``us_import``). The Chinese
seller's listing form is reached through web's /seller/products/new/ (it picks the form by the
seller's country)."""

from django.urls import path

from . import import_views as views

app_name = "us_import"

urlpatterns = [
    path("products/<int:product_id>/", views.product, name="product"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:product_id>/", views.cart_line_update, name="cart_line"),
    path("checkout/", views.checkout, name="checkout"),
    path("purchases/", views.purchase_list, name="purchases"),
    path("purchases/<str:number>/", views.purchase_detail, name="purchase"),
    path("purchases/<str:number>/pay/", views.pay, name="pay"),
]
