"""Seller center pages of this package; included by twoway.web.urls (namespace ``web``)."""

from django.urls import path

from . import team as views

urlpatterns = [
    path("seller/staff/", views.staff, name="seller_staff"),
    path("seller/staff/invite/", views.staff_invite, name="seller_staff_invite"),
    path("seller/staff/<int:membership_id>/role/", views.staff_role, name="seller_staff_role"),
    path(
        "seller/staff/<int:membership_id>/remove/", views.staff_remove, name="seller_staff_remove"
    ),
    path(
        "seller/staff/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="seller_invitation_withdraw",
    ),
    path("seller/join/<str:token>/", views.join, name="seller_join"),
    path("seller/switch/", views.switch_business, name="seller_switch"),
    path("seller/integrations/", views.integrations, name="seller_integrations"),
    path("seller/integrations/keys/", views.api_key_issue, name="seller_api_key_issue"),
    path(
        "seller/integrations/keys/<int:key_id>/revoke/",
        views.api_key_revoke,
        name="seller_api_key_revoke",
    ),
    path("seller/integrations/webhooks/", views.webhook_create, name="seller_webhook_create"),
    path(
        "seller/integrations/webhooks/<int:endpoint_id>/active/",
        views.webhook_active,
        name="seller_webhook_active",
    ),
    path(
        "seller/integrations/webhooks/<int:endpoint_id>/delete/",
        views.webhook_delete,
        name="seller_webhook_delete",
    ),
    path(
        "seller/integrations/deliveries/<int:delivery_id>/replay/",
        views.delivery_replay,
        name="seller_delivery_replay",
    ),
]
