from django.contrib.auth import views as auth_views
from django.urls import include, path

from twoway.dashboard import views as dashboard_views

from . import account_views, seller_views, views
from .seller import insights as seller_insights
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
    path("seller/products/new/", seller_views.seller_product_new, name="seller_product_new"),
    path("seller/products/<int:product_id>/", seller_views.seller_product, name="seller_product"),
    path("seller/orders/<str:number>/papers/<slug:kind>.pdf", seller_papers.order_paper,
         name="seller_order_paper"),
    path("seller/insights/", seller_insights.insights, name="seller_insights"),
    path("seller/payouts/", seller_payouts.payouts, name="seller_payouts"),
    path("seller/payouts/<str:number>/", seller_payouts.payout, name="seller_payout"),
    path("seller/payouts/<str:number>.<slug:fmt>", seller_payouts.payout_file,
         name="seller_payout_file"),
    path("signup/", account_views.sign_up_choose, name="signup_choose"),
    path("signup/<slug:kind>/", account_views.sign_up, name="signup"),
    path("dashboard/", dashboard_views.public, name="dashboard"),
    path("dashboard/", include("twoway.dashboard.urls")),
    path("sources/", views.sources, name="sources"),
    path("language/", views.language, name="language"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
