"""Operators find businesses by country, state, Census region, verification and Made in USA."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from twoway.core.admin import LargeTablePaginator, OperatorOnlyAdmin
from twoway.core.errors import DomainError
from twoway.reference.models import CensusRegion

from . import services
from .models import Business, Membership


class CensusRegionFilter(admin.SimpleListFilter):
    title = _("Census region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return CensusRegion.choices

    def queryset(self, request, queryset):
        if self.value() in CensusRegion.values:
            return queryset.filter(us_state__region=self.value())
        return queryset


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Business)
class BusinessAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "legal_name",
        "country",
        "us_state",
        "cn_province",
        "city",
        "registration_number",
        "verification_status",
        "made_in_usa_attested",
        "employee_count",
    )
    list_filter = (
        "country",
        CensusRegionFilter,
        "us_state",
        "cn_province",
        "verification_status",
        "made_in_usa_attested",
        "show_on_dashboard",
    )
    search_fields = ("legal_name", "display_name_zh", "=registration_number", "city")
    list_select_related = ("us_state", "cn_province")
    readonly_fields = ("verified_at", "made_in_usa_attested_at", "created_at", "updated_at")
    inlines = (MembershipInline,)
    actions = ("verify_selected", "suspend_selected")
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-id",)

    @admin.action(description=_("Verify selected businesses"))
    def verify_selected(self, request, queryset):
        done = 0
        for business in queryset:
            try:
                services.business_verify(business=business, by=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{business}: {exc.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)d business verified.", "%(n)d businesses verified.", done) % {"n": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Suspend selected businesses"))
    def suspend_selected(self, request, queryset):
        done = 0
        for business in queryset:
            services.business_suspend(business=business, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d business suspended.", "%(n)d businesses suspended.", done)
            % {"n": done},
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = ("user", "business", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "business__legal_name")
    list_select_related = ("user", "business")
    raw_id_fields = ("user", "business")
