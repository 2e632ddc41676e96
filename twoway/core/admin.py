"""Admin building blocks shared by the contexts: operator-only access, and a paginator that
never runs COUNT(*) over a huge table."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class OperatorOnlyAdmin:
    """Operators (role ``operator``, or superusers) may view and change; nobody else."""

    def _is_operator(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_operator", False))

    def has_module_permission(self, request) -> bool:
        return self._is_operator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_operator(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._is_operator(request)

    def has_add_permission(self, request) -> bool:
        return self._is_operator(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._is_operator(request)


class LargeTablePaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows: ``SELECT COUNT(*) FROM (... LIMIT cap+1)``.

    The unfiltered list on PostgreSQL uses the planner's estimate (pg_class.reltuples) instead.
    Either way the cost is bounded however many rows the table holds; past the cap the admin
    shows "more than N" pages worth and the next/previous links still work.
    """

    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is not None and not query.where:
            estimate = self._estimate(qs)
            if estimate is not None and estimate > self.COUNT_CAP:
                return estimate
        if isinstance(qs, QuerySet) and query is not None:
            return qs.order_by()[: self.COUNT_CAP + 1].count()
        return len(qs)

    @staticmethod
    def _estimate(qs) -> int | None:
        connection = connections[qs.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [qs.model._meta.db_table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] and row[0] > 0 else None


class ReadOnlyOperatorAdmin(OperatorOnlyAdmin):
    """Operators look rows up; nobody adds, edits or deletes them here. For append-only records
    (events, payments, customs messages) and for rows that change only through a service (orders
    move through the order state machine, never by editing a field)."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
