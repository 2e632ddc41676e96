from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic.base import RedirectView
from django.views.static import serve

from twoway.api.main import api
from twoway.web.checkout import urls as checkout_urls

admin.site.site_header = "Twoway operations"
admin.site.site_title = "Twoway operations"

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name none (the admin): no 404 in the log.
    # The static URL is looked up per request, not at import (the production manifest may not
    # exist yet when checks import the URLconf, before collectstatic).
    path("favicon.ico", RedirectView.as_view(pattern_name="favicon-svg", permanent=True)),
    path(
        "favicon.svg",
        lambda request: redirect(static("img/favicon.svg"), permanent=True),
        name="favicon-svg",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("payments/", include("twoway.web.after_sales.urls")),
    path("compliance/", include("twoway.web.compliance.urls")),
    path(
        "", include((checkout_urls.export_patterns, "checkout"))
    ),  # buyer steps /cn/, seller queue
    path("us/", include((checkout_urls.import_patterns, "us_import"))),  # buyer steps /us/
    path("", include("twoway.web.search.urls")),
    path("", include("twoway.web.urls")),
]
if apps.is_installed("twoway.sandbox"):  # dev-only simulators; production never installs them
    urlpatterns.insert(0, path("", include("twoway.sandbox.urls")))

if settings.TWOWAY_SERVE_MEDIA:
    # The demo and tests serve uploaded product images themselves (production: the S3 bucket).
    _prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(
        re_path(
            rf"^{_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"
        )
    )
