"""People: users with role and language; real-name identities shown masked only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from twoway.core.admin import OperatorOnlyAdmin

from .models import ApiKey, RealNameIdentity, User


@admin.register(User)
class UserAdmin(OperatorOnlyAdmin, DjangoUserAdmin):
    list_display = ("username", "email", "role", "preferred_language", "is_active", "date_joined")
    list_filter = ("role", "preferred_language", "is_active", "is_staff")
    search_fields = ("username", "email", "first_name", "last_name")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Twoway"), {"fields": ("role", "preferred_language")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out superuser status or raw permissions.
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "user_permissions", "groups")


@admin.register(RealNameIdentity)
class RealNameIdentityAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    """Masked ID only: the ciphertext and keyed hash never reach a form or a page."""

    list_display = (
        "full_name",
        "id_number_masked",
        "province_code",
        "verified",
        "user",
        "created_at",
    )
    list_filter = ("verified", "province_code")
    search_fields = ("full_name", "user__username")
    list_select_related = ("user",)
    exclude = ("id_number_encrypted", "id_number_hash")
    readonly_fields = ("user", "id_number_masked", "province_code", "verified", "created_at")
    fields = ("user", "full_name", "id_number_masked", "province_code", "verified", "created_at")

    def has_add_permission(self, request) -> bool:
        return False  # identities are registered through identity.services only


@admin.register(ApiKey)
class ApiKeyAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("=prefix", "user__username")
    list_select_related = ("user",)
    exclude = ("secret_hash",)
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False  # issued with identity.services.api_key_issue, shown once
