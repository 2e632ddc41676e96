from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .account import views as account_views
from .dashboard import views as dashboard_views
from .seller import imports as seller_imports
from .seller import insights as seller_insights
from .seller import listing
from .seller import papers as seller_papers
from .seller import payouts as seller_payouts

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("cn/", views.storefront_cn, name="storefront_cn"),
    path("us/imports/", views.storefront_us_imports, name="storefront_us_imports"),
    path("products/<int:product_id>/", views.product_detail, name="product_detail"),
    path("seller/", views.seller_center, name="seller_center"),
    path("seller/business/", account_views.seller_business, name="seller_business"),
    path("seller/products/", listing.seller_products, name="seller_products"),
    path("seller/products/new/", listing.seller_product_new, name="seller_product_new"),
    path("seller/products/<int:product_id>/", listing.seller_product, name="seller_product"),
    path(
        "seller/products/<int:product_id>/edit/",
        listing.seller_product_edit,
        name="seller_product_edit",
    ),
    path(
        "seller/products/<int:product_id>/images/",
        listing.seller_product_image_add,
        name="seller_product_image_add",
    ),
    path(
        "seller/products/<int:product_id>/images/<int:image_id>/delete/",
        listing.seller_product_image_delete,
        name="seller_product_image_delete",
    ),
    path(
        "seller/products/<int:product_id>/variants/",
        listing.seller_product_variant_add,
        name="seller_product_variant_add",
    ),
    path(
        "seller/products/<int:product_id>/publish/",
        listing.seller_product_publish,
        name="seller_product_publish",
    ),
    path("seller/listing/hs/", listing.listing_hs_search, name="seller_listing_hs_search"),
    path("seller/listing/hs/pick/", listing.listing_hs_pick, name="seller_listing_hs_pick"),
    path("seller/listing/check/", listing.listing_check, name="seller_listing_check"),
    path("seller/listing/draft/", listing.listing_draft, name="seller_listing_draft"),
    path("seller/imports/", seller_imports.imports, name="seller_imports"),
    path(
        "seller/imports/template.<str:fmt>",
        seller_imports.import_template,
        name="seller_import_template",
    ),
    path("seller/imports/<int:job_id>/", seller_imports.import_detail, name="seller_import"),
    path(
        "seller/imports/<int:job_id>/progress/",
        seller_imports.import_progress,
        name="seller_import_progress",
    ),
    path(
        "seller/imports/<int:job_id>/import/",
        seller_imports.import_commit_view,
        name="seller_import_commit",
    ),
    path(
        "seller/imports/<int:job_id>/errors.csv",
        seller_imports.import_errors,
        name="seller_import_errors",
    ),
    path("", include("twoway.web.seller.urls")),
    path(
        "seller/orders/<str:number>/papers/<slug:kind>.pdf",
        seller_papers.order_paper,
        name="seller_order_paper",
    ),
    path("seller/insights/", seller_insights.insights, name="seller_insights"),
    path("seller/payouts/", seller_payouts.payouts, name="seller_payouts"),
    path("seller/payouts/<str:number>/", seller_payouts.payout, name="seller_payout"),
    path(
        "seller/payouts/<str:number>.<slug:fmt>",
        seller_payouts.payout_file,
        name="seller_payout_file",
    ),
    path("signup/", account_views.sign_up_choose, name="signup_choose"),
    path("signup/<slug:kind>/", account_views.sign_up, name="signup"),
    path("dashboard/", dashboard_views.public, name="dashboard"),
    path("dashboard/", include("twoway.web.dashboard.urls")),
    path("sources/", views.sources, name="sources"),
    path("language/", views.language, name="language"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
