"""Admin for reference data: find a row, see its source, confidence and dates.

Rows come from files (`twoway loadreference`, `twoway loadlist`); edits here would be overwritten
by the next load, so an operator corrects the file instead. ReferenceDataset is read-only.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.http import HttpRequest

from . import models

SOURCED_FILTERS = ("confidence", "effective_from", "effective_to")


class SourcedAdmin(admin.ModelAdmin):
    list_filter: ClassVar[tuple[str, ...]] = SOURCED_FILTERS
    search_fields: ClassVar[tuple[str, ...]] = ("source", "notes")


@admin.register(models.ReferenceDataset)
class ReferenceDatasetAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "title",
        "row_count",
        "completeness",
        "official_size",
        "loaded_at",
        "file_name",
    )
    list_filter = ("completeness",)
    search_fields = ("name", "title", "file_name")
    ordering = ("name",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.UsState)
class UsStateAdmin(SourcedAdmin):
    list_display = ("code", "name", "region", "division", "capital", "confidence")
    list_filter = ("region", "division", "confidence")
    search_fields = ("code", "name", "capital")


@admin.register(models.ChinaProvince)
class ChinaProvinceAdmin(SourcedAdmin):
    list_display = ("code", "name_en", "name_zh", "region", "confidence")
    list_filter = ("region", "confidence")
    search_fields = ("code", "name_en", "name_zh")


@admin.register(models.ExchangeRate)
class ExchangeRateAdmin(SourcedAdmin):
    list_display = (
        "base_currency",
        "quote_currency",
        "rate",
        "effective_from",
        "effective_to",
        "confidence",
    )
    list_filter = ("base_currency", "quote_currency", *SOURCED_FILTERS)
    date_hierarchy = "effective_from"


@admin.register(models.CbecTaxCategory)
class CbecTaxCategoryAdmin(SourcedAdmin):
    list_display = (
        "code",
        "name_en",
        "hs_prefixes",
        "vat_rate",
        "consumption_tax_rate",
        "mfn_tariff_rate",
        "effective_from",
        "effective_to",
        "confidence",
    )
    list_filter = ("code", *SOURCED_FILTERS)
    search_fields = ("code", "name_en", "name_zh", "hs_prefixes")


@admin.register(models.CbecLimits)
class CbecLimitsAdmin(SourcedAdmin):
    list_display = (
        "per_transaction_cny",
        "annual_cny",
        "within_limit_factor",
        "effective_from",
        "effective_to",
        "confidence",
    )


@admin.register(models.PositiveListEntry)
class PositiveListEntryAdmin(SourcedAdmin):
    list_display = (
        "hs_code_cn",
        "description_zh",
        "description_en",
        "list_version",
        "status",
        "effective_from",
        "effective_to",
        "confidence",
    )
    list_filter = ("status", "list_version", *SOURCED_FILTERS)
    search_fields = ("hs_code_cn", "description_en", "description_zh", "remarks")


@admin.register(models.UsChinaTradeYear)
class UsChinaTradeYearAdmin(SourcedAdmin):
    list_display = (
        "year",
        "months",
        "exports_usd_m",
        "imports_usd_m",
        "balance_usd_m",
        "confidence",
    )
    list_filter = ("confidence",)


@admin.register(models.StateExportToChina)
class StateExportToChinaAdmin(SourcedAdmin):
    list_display = ("state", "year", "goods_exports_usd_bn", "data_basis", "confidence")
    list_filter = ("state__region", "year", "confidence")
    search_fields = ("state__code", "state__name", "data_basis", "source")
    list_select_related = ("state",)


@admin.register(models.JobsRatio)
class JobsRatioAdmin(SourcedAdmin):
    list_display = (
        "year",
        "total_jobs_m",
        "jobs_per_usd_bn_total",
        "jobs_per_usd_bn_goods",
        "publication",
        "confidence",
    )
    list_filter = ("confidence",)


@admin.register(models.IlabGood)
class IlabGoodAdmin(SourcedAdmin):
    list_display = (
        "country",
        "good",
        "child_labor",
        "forced_labor",
        "list_edition",
        "status",
        "confidence",
    )
    list_filter = ("country", "forced_labor", "child_labor", "list_edition", "status", "confidence")
    search_fields = ("country", "good", "notes")


@admin.register(models.UflpaEntity)
class UflpaEntityAdmin(SourcedAdmin):
    list_display = ("name", "list_section", "effective_from", "effective_to", "confidence")
    search_fields = ("name", "aliases", "basis")


@admin.register(models.TariffMeasure)
class TariffMeasureAdmin(SourcedAdmin):
    list_display = (
        "measure_id",
        "label",
        "kind",
        "rate_percent",
        "per_item_usd",
        "effective_from",
        "effective_to",
        "confidence",
    )
    list_filter = ("kind", "origin_country", *SOURCED_FILTERS)
    search_fields = ("measure_id", "label", "legal_authority", "hts_prefixes")


@admin.register(models.ListLoad)
class ListLoadAdmin(admin.ModelAdmin):
    """Every `twoway loadlist` run (read-only)."""

    list_display = (
        "loaded_at", "kind", "outcome", "actor", "file_name", "row_count", "rows_before",
        "added", "changed", "removed", "allow_shrink",
    )  # fmt: skip
    list_filter = ("kind", "outcome")
    search_fields = ("file_name", "sha256", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(models.FreightRate)
class FreightRateAdmin(SourcedAdmin):
    list_display = ("lane", "currency", "base_per_shipment", "per_kg", "effective_from",
                    "effective_to", "confidence")  # fmt: skip
    list_filter = ("lane", *SOURCED_FILTERS)


@admin.register(models.MfnRate)
class MfnRateAdmin(SourcedAdmin):
    list_display = ("hts_prefix", "rate_percent", "description", "effective_from", "effective_to",
                    "confidence")  # fmt: skip
    search_fields = ("hts_prefix", "description", "source")


@admin.register(models.EeiRuleSet)
class EeiRuleSetAdmin(SourcedAdmin):
    list_display = ("threshold_usd", "embargoed_destinations", "ccl_destinations",
                    "exempt_destinations", "effective_from", "effective_to", "confidence")  # fmt: skip
