"""After-sales pages and the providers' notify endpoint, under /payments/ (URL names kept in the
``payments`` namespace). The sandbox wallets' pay pages are the dev-only ``twoway.sandbox`` app's."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("notify/<str:provider>/", views.notify, name="notify"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<str:number>/return/", views.order_return, name="order_return"),
    path("returns/<str:number>/<str:action>/", views.seller_return, name="seller_return"),
]
