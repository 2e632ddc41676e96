"""Products: bilingual text, HS code and national tariff lines, origin, price and stock."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business, Country
from twoway.core.models import TimeStamped, money_field, move_to_field
from twoway.reference import hs
from twoway.reference.models import ChinaProvince, UsState


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    BLOCKED = "blocked", _("blocked by a regulator")


class Currency(models.TextChoices):
    USD = "USD", "USD"
    CNY = "CNY", "CNY"


class ProductGroup(TimeStamped):
    """Variants (size, colour) of one good: each variant is its own Product (own SKU, price,
    stock); the group carries the shared name the buyer chooses a variant under."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="product_groups", verbose_name=_("seller")
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")

    def __str__(self) -> str:
        return self.title_en


class Product(TimeStamped):
    # No separate index on business_id: the (business, sku) unique index starts with it.
    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("seller"),
        db_index=False,
    )
    sku = models.CharField(_("SKU"), max_length=40)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    hs_code = models.CharField(_("HS code"), max_length=6, help_text=_("6-digit HS subheading."))
    hs_chapter = models.CharField(_("HS chapter"), max_length=2, editable=False)
    cn_tariff_line = models.CharField(
        _("China tariff line"), max_length=8, blank=True, help_text=_("8 digits; for CBEC export.")
    )
    us_hts_line = models.CharField(
        _("US HTS line"), max_length=10, blank=True, help_text=_("10 digits; for US import.")
    )
    origin_country = models.CharField(_("country of origin"), max_length=2, choices=Country.choices)
    # Indexed by product_state_status (origin_us_state, status), so no single-column index.
    origin_us_state = models.ForeignKey(
        UsState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("origin state"),
        db_index=False,
    )
    origin_cn_province = models.ForeignKey(
        ChinaProvince,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("origin province"),
    )
    unit_price = money_field(_("unit price"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=9,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    # A contended counter: changed only by catalog.services.stock_adjust (conditional UPDATE with
    # F()), never by saving the whole row (product_update saves the other columns only).
    stock_on_hand = models.IntegerField(_("stock on hand"), default=0)
    market_cn_export = models.BooleanField(_("sell to China (CBEC)"), default=False)
    market_us_domestic = models.BooleanField(_("sell in the US"), default=False)
    market_us_import = models.BooleanField(_("import to the US"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    raw_material_suppliers = models.TextField(
        _("raw-material suppliers"), blank=True, help_text=_("One supplier name per line.")
    )
    # Issue 13: the listing editor.
    length_cm = models.DecimalField(
        _("length (cm)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    width_cm = models.DecimalField(
        _("width (cm)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    height_cm = models.DecimalField(
        _("height (cm)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    #: The Chinese title/description is a generated draft the seller has not confirmed yet: such
    #: a listing stays a draft (never on sale) until they confirm it.
    zh_is_draft = models.BooleanField(_("Chinese text is an unconfirmed draft"), default=False)
    made_in_usa_attested = models.BooleanField(_("Made in USA attested"), default=False)
    made_in_usa_attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Made in USA attested by"),
    )
    made_in_usa_attested_at = models.DateTimeField(
        _("Made in USA attested at"), null=True, blank=True
    )
    group = models.ForeignKey(
        ProductGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variants",
        verbose_name=_("product group"),
    )
    variant_size = models.CharField(_("size"), max_length=60, blank=True)
    variant_colour = models.CharField(_("colour"), max_length=60, blank=True)
    #: The size and colour in Chinese (required for China when the English has Latin words;
    #: a generated one is a draft like the title: ``zh_is_draft``).
    variant_size_zh = models.CharField(_("size (Chinese)"), max_length=60, blank=True)
    variant_colour_zh = models.CharField(_("colour (Chinese)"), max_length=60, blank=True)

    #: set by product_create/product_update for the editor to show; not a column
    notices: list[str]

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["status", "hs_chapter"], name="product_status_chapter"),
            models.Index(fields=["origin_us_state", "status"], name="product_state_status"),
            models.Index(fields=["hs_code"], name="product_hs_code"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "sku"],
                name="product_sku_per_business",
                violation_error_code="sku_taken",
                violation_error_message=_("This business already has a product with this SKU."),
            ),
            models.CheckConstraint(
                condition=models.Q(stock_on_hand__gte=0),
                name="product_stock_not_negative",
                violation_error_code="stock_not_negative",
                violation_error_message=_("Stock on hand cannot go below zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0),
                name="product_price_positive",
                violation_error_code="price_positive",
                violation_error_message=_("The unit price must be above zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def save(self, *args, **kwargs) -> None:
        # Derived column kept on the row so catalogue browsing by chapter is an index scan.
        self.hs_chapter = hs.chapter_of(self.hs_code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "hs_code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "hs_chapter"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        # Sellers type "0901.11" or "0901 11 00": compact before the max_length checks run.
        self.hs_code = hs.compact(self.hs_code)
        self.cn_tariff_line = hs.compact(self.cn_tariff_line)
        self.us_hts_line = hs.compact(self.us_hts_line)
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            raise move_to_field(
                exc,
                {
                    "sku_taken": "sku",
                    "stock_not_negative": "stock_on_hand",
                    "price_positive": "unit_price",
                },
            ) from None

    def clean(self) -> None:
        # The rules between fields live in rules/listing.py (the bulk import runs the same ones).
        from .messages import message_for
        from .rules.listing import cross_field_problems

        self.hs_code = hs.compact(self.hs_code)
        problems = cross_field_problems(
            hs_code=self.hs_code,
            cn_tariff_line=self.cn_tariff_line,
            us_hts_line=self.us_hts_line,
            stock_on_hand=self.stock_on_hand,
            market_cn_export=self.market_cn_export,
            market_us_import=self.market_us_import,
            title_zh=self.title_zh,
            origin_country=self.origin_country,
            origin_us_state=self.origin_us_state_id,
            origin_cn_province=self.origin_cn_province_id,
            is_subheading=hs.is_subheading,
            variant_size=self.variant_size,
            variant_colour=self.variant_colour,
            variant_size_zh=self.variant_size_zh,
            variant_colour_zh=self.variant_colour_zh,
        )
        errors: dict[str, list[ValidationError]] = {}
        for p in problems:
            errors.setdefault(p.field, []).append(
                ValidationError(message_for(p.code, p.params, p.field), code=p.code)
            )
        if errors:
            raise ValidationError(errors)

    @property
    def variant_label(self) -> str:
        return " · ".join(v for v in (self.variant_size, self.variant_colour) if v)

    @property
    def size_zh(self) -> str:
        """The size a Chinese reader sees: the Chinese one, else the seller's own."""
        return self.variant_size_zh or self.variant_size

    @property
    def colour_zh(self) -> str:
        return self.variant_colour_zh or self.variant_colour

    @property
    def variant_label_zh(self) -> str:
        """``variant_label`` in Chinese ("454 g · 橙色"), each part falling back to the seller's."""
        return " · ".join(v for v in (self.size_zh, self.colour_zh) if v)

    @property
    def hs_description(self) -> str:
        entry = hs.lookup(self.hs_code)
        return entry.description if entry else ""

    @property
    def supplier_names(self) -> list[str]:
        return [s.strip() for s in self.raw_material_suppliers.splitlines() if s.strip()]


class StockAdjustment(models.Model):
    """One change of stock on hand, with who made it and why (append-only)."""

    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="stock_adjustments",
        verbose_name=_("product"),
    )
    delta = models.IntegerField(_("change"))
    reason = models.CharField(_("reason"), max_length=200)
    stock_after = models.IntegerField(_("stock after"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock adjustment")
        verbose_name_plural = _("stock adjustments")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.delta:+d} ({self.reason})"


class ImportMode(models.TextChoices):
    LISTINGS = "listings", _("new and changed listings")
    STOCK = "stock", _("stock and price update")


class ImportJobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("waiting to be checked")
    CHECKING = "checking", _("checking")
    CHECKED = "checked", _("checked: ready to import")
    QUEUED = "queued", _("waiting to be imported")
    WRITING = "writing", _("importing")
    DONE = "done", _("imported")
    REJECTED = "rejected", _("not imported: the file has errors")
    FAILED = "failed", _("failed")


class ImportJob(TimeStamped):
    """One spreadsheet a seller imports: the file, what was asked, progress and every row error.

    Errors are stored as (row, column, code, params, value) so they render in the reader's
    language. ``all_or_nothing``: one bad row and nothing is written; otherwise the valid rows.
    """

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("seller")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    encoding = models.CharField(_("encoding"), max_length=12, default="auto")
    mode = models.CharField(_("mode"), max_length=10, choices=ImportMode.choices)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices,
        default=ImportJobStatus.UPLOADED,
    )  # fmt: skip
    rows_total = models.IntegerField(_("rows"), default=0)
    rows_checked = models.IntegerField(_("rows checked"), default=0)
    rows_new = models.IntegerField(_("new"), default=0)
    rows_updated = models.IntegerField(_("updated"), default=0)
    rows_unchanged = models.IntegerField(_("unchanged"), default=0)
    rows_invalid = models.IntegerField(_("invalid"), default=0)
    #: rows sold to China without a Chinese title: a Chinese draft was written for them
    rows_drafted = models.IntegerField(_("Chinese drafts"), default=0)
    rows_written = models.IntegerField(_("written"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="importjob_status")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (
            ImportJobStatus.CHECKED, ImportJobStatus.DONE, ImportJobStatus.REJECTED,
            ImportJobStatus.FAILED,
        )  # fmt: skip

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.finished else 0
        done = self.rows_written if self.status == ImportJobStatus.WRITING else self.rows_checked
        return min(100, int(done * 100 / self.rows_total))


class ProductImage(models.Model):
    """A product photo, checked and re-encoded (EXIF gone, sRGB) with its thumbnails; files go
    through Django's storage API (file system in the demo, S3-compatible in production)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    alt_en = models.CharField(_("description of the image (English)"), max_length=200, blank=True)
    alt_zh = models.CharField(_("description of the image (Chinese)"), max_length=120, blank=True)
    #: storage names of the re-encoded full image and the two thumbnails
    file_full = models.CharField(max_length=300)
    file_960 = models.CharField(max_length=300)
    file_320 = models.CharField(max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes_full = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}"

    def _url(self, name: str) -> str:
        from django.core.files.storage import storages

        return storages["default"].url(name)

    @property
    def url(self) -> str:
        return self._url(self.file_full)

    @property
    def url_960(self) -> str:
        return self._url(self.file_960)

    @property
    def url_320(self) -> str:
        return self._url(self.file_320)
