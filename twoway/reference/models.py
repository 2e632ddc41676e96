"""Reference data: every rule's data, with its source, confidence and the dates it applies.

Nothing here is a bare literal in code: rows are loaded from CSV files kept in
``twoway/reference/data`` (with their SOURCES.md) by ``twoway loadreference``; lookups take a date.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.core.models import SourcedRow

CENT = Decimal("0.01")


class DatasetCompleteness(models.TextChoices):
    COMPLETE = "complete", _("complete")
    PARTIAL = "partial", _("partial (sample of the official list)")


class ReferenceDataset(models.Model):
    """One loaded file: what it is, how complete, when loaded. Shown wherever the list is used."""

    name = models.SlugField(_("dataset"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    completeness = models.CharField(
        _("completeness"), max_length=16, choices=DatasetCompleteness.choices
    )
    official_size = models.PositiveIntegerField(
        _("size of the official list"), null=True, blank=True
    )
    completeness_note = models.TextField(_("completeness note"), blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.title} ({self.row_count} rows, {self.completeness})"


class CensusRegion(models.TextChoices):
    NORTHEAST = "Northeast", _("Northeast")
    MIDWEST = "Midwest", _("Midwest")
    SOUTH = "South", _("South")
    WEST = "West", _("West")


class UsState(SourcedRow):
    code = models.CharField(_("state code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    region = models.CharField(_("Census region"), max_length=16, choices=CensusRegion.choices)
    division = models.CharField(_("Census division"), max_length=64)
    capital = models.CharField(_("capital"), max_length=64, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("US state")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_midwest(self) -> bool:
        return self.region == CensusRegion.MIDWEST


class ChinaProvince(SourcedRow):
    """Province-level division with its GB/T 2260 two-digit code (the first digits of an ID)."""

    code = models.CharField(_("GB/T 2260 code"), max_length=2, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=32)
    region = models.CharField(_("region"), max_length=32)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Chinese province")

    def __str__(self) -> str:
        return f"{self.name_en} {self.name_zh}"


class ExchangeRate(SourcedRow):
    """Units of ``quote_currency`` for one unit of ``base_currency`` from ``effective_from``."""

    base_currency = models.CharField(max_length=3, default="USD")
    quote_currency = models.CharField(max_length=3, default="CNY")
    rate = models.DecimalField(max_digits=12, decimal_places=6)

    class Meta:
        ordering = ["base_currency", "quote_currency", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["base_currency", "quote_currency", "effective_from"],
                name="exchange_rate_one_per_day",
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return (
            f"1 {self.base_currency} = {self.rate} {self.quote_currency} from {self.effective_from}"
        )


class CbecTaxCategory(SourcedRow):
    """A class of goods with its statutory import VAT and consumption tax rates."""

    code = models.SlugField(max_length=48)
    name_en = models.CharField(max_length=300)
    name_zh = models.CharField(max_length=120, blank=True)
    hs_prefixes = models.CharField(
        max_length=400, blank=True, help_text=_("Space-separated HS/tariff-line prefixes.")
    )
    vat_rate = models.DecimalField(max_digits=6, decimal_places=4)
    consumption_tax_rate = models.DecimalField(max_digits=6, decimal_places=4)
    mfn_tariff_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)

    class Meta:
        ordering = ["code", "-effective_from"]
        verbose_name = _("CBEC tax category")
        verbose_name_plural = _("CBEC tax categories")
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="cbec_category_dated")
        ]

    def __str__(self) -> str:
        return self.name_en


class CbecLimits(SourcedRow):
    per_transaction_cny = models.DecimalField(max_digits=12, decimal_places=2)
    annual_cny = models.DecimalField(max_digits=12, decimal_places=2)
    within_limit_factor = models.DecimalField(
        max_digits=4, decimal_places=3, help_text=_("Share of statutory VAT and CT levied.")
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("CBEC limits")
        verbose_name_plural = _("CBEC limits")

    def __str__(self) -> str:
        return f"¥{self.per_transaction_cny} / ¥{self.annual_cny} from {self.effective_from}"


class ReturnPolicy(SourcedRow):
    """How long a buyer may ask to return goods, from which moment, and what a return refunds.

    One row per trade direction and period (``us_export``: CBEC retail import into China, where
    customs sets the window; ``us_import``: the platform's own policy for US consumers)."""

    direction = models.CharField(_("direction"), max_length=12)
    window_days = models.PositiveSmallIntegerField(_("return window (days)"))
    window_starts = models.CharField(
        _("window starts at"),
        max_length=20,
        help_text=_("customs_release (the order cleared customs) or delivery."),
    )
    refunds_tax = models.BooleanField(_("refunds tax and duty on returned goods"))
    refunds_freight = models.BooleanField(_("refunds outbound freight on returns"))
    restores_quota = models.BooleanField(_("restores the buyer's annual CBEC quota"))

    class Meta:
        ordering = ["direction", "-effective_from"]
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")

    def __str__(self) -> str:
        return f"{self.direction}: {self.window_days} days from {self.window_starts}"


class CarrierTrackingFormat(SourcedRow):
    """One tracking-number format of a carrier: a pattern with the named groups ``serial`` and
    ``check`` and the check-digit algorithm (``checkout/rules/tracking.py``) with its parameters."""

    carrier = models.SlugField(_("carrier"), max_length=24)
    carrier_name_en = models.CharField(_("carrier (English)"), max_length=80)
    carrier_name_zh = models.CharField(_("carrier (Chinese)"), max_length=40)
    format_name = models.CharField(_("format"), max_length=80)
    pattern = models.CharField(_("pattern"), max_length=200)
    checksum = models.CharField(_("check-digit algorithm"), max_length=12)
    evens_multiplier = models.PositiveSmallIntegerField(default=1)
    odds_multiplier = models.PositiveSmallIntegerField(default=1)
    weightings = models.CharField(max_length=80, blank=True)
    example = models.CharField(_("example"), max_length=40)

    class Meta:
        ordering = ["carrier", "format_name"]
        verbose_name = _("carrier tracking-number format")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "format_name", "effective_from"],
                name="carrier_format_once_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier_name_en}: {self.format_name}"


class PlatformFee(SourcedRow):
    """The platform's fee on a seller's sales: a share of the goods value (taxes and freight are
    not charged), per trade direction, from the platform's own fee schedule."""

    direction = models.CharField(_("direction"), max_length=12)
    rate = models.DecimalField(_("fee rate"), max_digits=6, decimal_places=4)
    basis = models.CharField(_("charged on"), max_length=120)

    class Meta:
        ordering = ["direction", "-effective_from"]
        verbose_name = _("platform fee")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=1), name="platform_fee_rate_share"
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction}: {self.rate:%} of {self.basis}"


class PositiveListStatus(models.TextChoices):
    LISTED = "listed", _("on the list")
    DELETED = "deleted", _("deleted from the list")
    UNCONFIRMED = "unconfirmed", _("not confirmed on any list version")


class PositiveListEntry(SourcedRow):
    """A China tariff line on the CBEC retail import positive list."""

    hs_code_cn = models.CharField(_("China tariff line"), max_length=10, db_index=True)
    description_en = models.CharField(max_length=400, blank=True)
    description_zh = models.CharField(max_length=200, blank=True)
    list_version = models.CharField(max_length=32)
    status = models.CharField(
        max_length=16, choices=PositiveListStatus.choices, default=PositiveListStatus.LISTED
    )
    remarks = models.TextField(blank=True)

    class Meta:
        ordering = ["hs_code_cn"]
        verbose_name = _("positive-list line")
        constraints = [
            models.UniqueConstraint(fields=["hs_code_cn"], name="positive_list_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.hs_code_cn} {self.description_en}"


class UsChinaTradeYear(SourcedRow):
    year = models.PositiveSmallIntegerField(unique=True)
    months = models.PositiveSmallIntegerField(
        default=12, help_text=_("12, or fewer for a year to date.")
    )
    exports_usd_m = models.DecimalField(max_digits=14, decimal_places=1)
    imports_usd_m = models.DecimalField(max_digits=14, decimal_places=1, null=True, blank=True)
    balance_usd_m = models.DecimalField(max_digits=14, decimal_places=1)
    basis = models.CharField(max_length=200)

    class Meta:
        ordering = ["year"]
        verbose_name = _("US–China trade year (Census)")
        verbose_name_plural = _("US–China trade by year (Census)")


class StateExportToChina(SourcedRow):
    state = models.ForeignKey(UsState, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    goods_exports_usd_bn = models.DecimalField(max_digits=10, decimal_places=3)
    data_basis = models.CharField(max_length=300)

    class Meta:
        ordering = ["state", "year"]
        verbose_name = _("state's exports to China (one year)")
        verbose_name_plural = _("state exports to China by year")


class JobsRatio(SourcedRow):
    """ITA jobs supported per USD 1 billion of exports, by year."""

    year = models.PositiveSmallIntegerField(unique=True)
    total_jobs_m = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    jobs_per_usd_bn_total = models.PositiveIntegerField(null=True, blank=True)
    jobs_per_usd_bn_goods = models.PositiveIntegerField(null=True, blank=True)
    publication = models.CharField(max_length=300)

    class Meta:
        ordering = ["year"]


class IlabGood(SourcedRow):
    """A good × country on the DOL ILAB List of Goods Produced by Child or Forced Labor."""

    country = models.CharField(max_length=64, db_index=True)
    good = models.CharField(max_length=120)
    child_labor = models.BooleanField(
        null=True, blank=True, help_text=_("Empty: not stated by the source.")
    )
    forced_labor = models.BooleanField(
        null=True, blank=True, help_text=_("Empty: not stated by the source.")
    )
    list_edition = models.CharField(max_length=64)
    status = models.CharField(max_length=32)

    class Meta:
        ordering = ["country", "good"]
        verbose_name = _("ILAB good")


class UflpaEntity(SourcedRow):
    name = models.CharField(max_length=300)
    aliases = models.TextField(blank=True)
    list_section = models.CharField(max_length=120, blank=True)
    basis = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("UFLPA entity")
        verbose_name_plural = _("UFLPA entities")

    def __str__(self) -> str:
        return self.name


class TariffMeasure(SourcedRow):
    """A US duty measure (MFN, Section 301, IEEPA, Section 122, de minimis …) by date and HTS."""

    measure_id = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=300)
    kind = models.CharField(max_length=32)
    legal_authority = models.CharField(max_length=200, blank=True)
    origin_country = models.CharField(
        max_length=2, default="CN", blank=True, help_text=_("Empty: goods of every origin.")
    )
    rate_percent = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    per_item_usd = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    threshold_usd = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    hts_prefixes = models.TextField(blank=True, help_text=_("Space-separated; empty = all lines."))
    excluded_hts_prefixes = models.TextField(blank=True)
    shared_measure_id = models.CharField(
        max_length=40, blank=True, help_text=_("The measure this row is a part of, if any.")
    )
    stacks = models.BooleanField(
        default=True,
        help_text=_("Added to other measures of its kind; if not, the highest of them applies."),
    )
    yields_to = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Space-separated kinds that, when they apply, replace this measure."),
    )
    min_usd = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_usd = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["effective_from", "measure_id"]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.label}"


class FreightRate(SourcedRow):
    """The platform's freight price to the buyer on one lane, per seller shipment."""

    lane = models.CharField(_("lane"), max_length=8, help_text=_("Origin-destination, e.g. US-CN."))
    currency = models.CharField(_("currency"), max_length=3)
    base_per_shipment = models.DecimalField(_("base per shipment"), max_digits=10, decimal_places=2)
    per_kg = models.DecimalField(_("per kg"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["lane", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["lane", "effective_from"], name="freight_rate_one_per_lane_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lane}: {self.base_per_shipment} + {self.per_kg}/kg {self.currency}"

    def price(self, weight_kg: Decimal) -> Decimal:
        """Freight of one shipment of ``weight_kg``, to the cent (half even, as the price list always was)."""
        return (self.base_per_shipment + self.per_kg * weight_kg).quantize(
            CENT, rounding=ROUND_HALF_EVEN
        )


class MfnRate(SourcedRow):
    """A US most-favoured-nation (HTSUS column 1 general) ad valorem rate by HTS prefix."""

    hts_prefix = models.CharField(_("HTS prefix"), max_length=10)
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=3)
    description = models.CharField(_("description"), max_length=400)

    class Meta:
        ordering = ["hts_prefix", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["hts_prefix", "effective_from"], name="mfn_rate_one_per_prefix_day"
            ),
        ]
        verbose_name = _("US MFN rate")

    def __str__(self) -> str:
        return f"{self.hts_prefix}: {self.rate_percent}%"


class EeiRuleSet(SourcedRow):
    """The EEI (AES) filing rules in force: value threshold per Schedule B number and the
    destination sets (space-separated ISO 3166 alpha-2 codes)."""

    threshold_usd = models.DecimalField(_("threshold (USD)"), max_digits=12, decimal_places=2)
    embargoed_destinations = models.CharField(max_length=200, blank=True)
    ccl_destinations = models.CharField(max_length=200, blank=True)
    exempt_destinations = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("EEI rules")
        verbose_name_plural = _("EEI rules")

    def __str__(self) -> str:
        return f"EEI over USD {self.threshold_usd} from {self.effective_from or 'always'}"


class ListLoad(models.Model):
    """One `twoway loadlist` run: who, when, which file (SHA-256), what it changed or why it was
    refused. Append-only; read in the admin."""

    class Outcome(models.TextChoices):
        LOADED = "loaded", _("loaded")
        DRY_RUN = "dry_run", _("dry run")
        REFUSED = "refused", _("refused")

    kind = models.CharField(_("list"), max_length=32)
    dataset = models.CharField(_("dataset"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    actor = models.CharField(_("run by"), max_length=150, blank=True)
    file_name = models.CharField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows in the file"))
    rows_before = models.PositiveIntegerField(_("rows in force before"))
    added = models.PositiveIntegerField(_("added"))
    changed = models.PositiveIntegerField(_("changed"))
    removed = models.PositiveIntegerField(_("removed"))
    allow_shrink = models.BooleanField(_("shrink allowed"), default=False)
    loaded_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome} {self.file_name} at {self.loaded_at:%Y-%m-%d %H:%M}"
