from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("cn/search/", views.search_cn, name="cn"),
    path("us/imports/search/", views.search_us_import, name="us_import"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("search/go/<int:log_id>/<int:product_id>/", views.go, name="go"),
    path("seller/demand/", views.demand, name="demand"),
    path("seller/demand/subscribe/", views.demand_subscribe, name="demand_subscribe"),
    path(
        "seller/demand/<int:subscription_id>/unsubscribe/",
        views.demand_unsubscribe,
        name="demand_unsubscribe",
    ),
]
