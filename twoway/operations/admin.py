from django.contrib import admin

from twoway.core.admin import OperatorOnlyAdmin

from .models import ScheduledJobState


@admin.register(ScheduledJobState)
class ScheduledJobStateAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    """Read-only: the scheduler writes these rows."""

    list_display = (
        "name",
        "task",
        "every_seconds",
        "last_started_at",
        "last_outcome",
        "next_run_at",
        "runs",
        "failures",
        "last_error_at",
    )
    readonly_fields = [f.name for f in ScheduledJobState._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
