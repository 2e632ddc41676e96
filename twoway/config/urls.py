from django.contrib import admin
from django.urls import include, path

from twoway.api.main import api
from twoway.checkout import import_urls

admin.site.site_header = "Twoway operations"
admin.site.site_title = "Twoway operations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("payments/", include("twoway.payments.urls")),
    path("compliance/", include("twoway.compliance.urls")),
    path("", include("twoway.checkout.urls")),
    path("us/", include("twoway.checkout.import_urls")),
    path("seller/products/", include(import_urls.seller_urlpatterns)),
    path("", include("twoway.search.urls")),
    path("", include("twoway.web.urls")),
]
