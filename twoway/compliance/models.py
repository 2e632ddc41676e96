"""Compliance tables: CSL entries (export screening), UFLPA sectors, labor-risk assessments and
regulators' listing reviews with their append-only audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CslEntry(models.Model):
    """A party on one of the export screening lists combined in the CSL (Commerce, State,
    Treasury). Columns keep the CSL CSV's own names (``twoway.compliance.csl.CSL_COLUMNS``);
    ``countries`` and ``match_names`` are derived at load time for screening."""

    csl_id = models.CharField(_("CSL id (_id)"), max_length=100, db_index=True)
    source = models.CharField(_("source list"), max_length=200, db_index=True)
    entity_number = models.CharField(_("entity number"), max_length=64, blank=True)
    entry_type = models.CharField(_("type"), max_length=32, blank=True)
    programs = models.TextField(_("programs"), blank=True)
    name = models.CharField(_("name"), max_length=500)
    title = models.TextField(_("title"), blank=True)
    addresses = models.TextField(_("addresses"), blank=True)
    federal_register_notice = models.TextField(_("Federal Register notice"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    standard_order = models.TextField(_("standard order"), blank=True)
    license_requirement = models.TextField(_("licence requirement"), blank=True)
    license_policy = models.TextField(_("licence policy"), blank=True)
    call_sign = models.CharField(_("call sign"), max_length=64, blank=True)
    vessel_type = models.CharField(_("vessel type"), max_length=100, blank=True)
    gross_tonnage = models.CharField(_("gross tonnage"), max_length=64, blank=True)
    gross_registered_tonnage = models.CharField(
        _("gross registered tonnage"), max_length=64, blank=True
    )
    vessel_flag = models.CharField(_("vessel flag"), max_length=100, blank=True)
    vessel_owner = models.TextField(_("vessel owner"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    source_list_url = models.TextField(_("source list URL"), blank=True)
    alt_names = models.TextField(_("alternative names"), blank=True, help_text=_("'; '-separated"))
    citizenships = models.TextField(_("citizenships"), blank=True)
    dates_of_birth = models.TextField(_("dates of birth"), blank=True)
    nationalities = models.TextField(_("nationalities"), blank=True)
    places_of_birth = models.TextField(_("places of birth"), blank=True)
    source_information_url = models.TextField(_("source information URL"), blank=True)
    ids = models.TextField(_("identification documents"), blank=True)
    countries = models.CharField(
        _("countries"),
        max_length=300,
        blank=True,
        help_text=_(
            "Space-separated ISO codes taken from the addresses, citizenships, nationalities."
        ),
    )
    match_names = models.TextField(
        _("normalized names"), blank=True, help_text=_("Name and aliases, normalized, one a line.")
    )
    line_number = models.PositiveIntegerField(_("line in the loaded file"))
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["source", "name"]
        verbose_name = _("CSL entry")
        verbose_name_plural = _("CSL entries")

    def __str__(self) -> str:
        return f"{self.name} ({self.source})"

    @property
    def alt_name_list(self) -> list[str]:
        return [n.strip() for n in self.alt_names.split(";") if n.strip()]

    @property
    def country_list(self) -> list[str]:
        return self.countries.split()


# --- labor risk (issue 5) ---------------------------------------------------------------------


class UflpaSector(models.Model):
    """One HS prefix of a FLETF UFLPA Strategy high-priority sector, as loaded from
    ``reference/data/us/labor/uflpa_high_priority_sectors.csv`` by ``labor.uflpa_sectors_load``.
    The sector, its designation and source are the list's; the HS mapping is ours."""

    hs_prefix = models.CharField(_("HS prefix"), max_length=10)
    name = models.CharField(_("sector"), max_length=120)
    designated = models.CharField(
        _("designated"), max_length=32, help_text=_("When FLETF designated it, as the source says.")
    )
    source = models.TextField(_("source"))
    confidence = models.CharField(_("confidence"), max_length=8)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name", "hs_prefix"]
        verbose_name = _("UFLPA high-priority sector")
        verbose_name_plural = _("UFLPA high-priority sectors")
        constraints = [
            models.UniqueConstraint(fields=["hs_prefix", "name"], name="uflpa_sector_prefix_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hs_prefix})"


class RiskLevel(models.TextChoices):
    NONE = "none", _("no signal")
    ELEVATED = "elevated", _("elevated")
    HIGH = "high", _("high")
    BLOCKED = "blocked", _("blocked")


class LaborRiskAssessment(models.Model):
    """The latest forced-/child-labor assessment of one import product (replaced on reassessment).

    ``reasons``: list of {code, level, message, list_name, list_date, evidence, score, source};
    ``lists_version``: the lists it was made against ({dataset: {loaded_at, completeness, ...}});
    ``evidence_fingerprint``: SHA-256 of the blocking reasons (empty when not blocked)."""

    product = models.OneToOneField(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="labor_risk",
        verbose_name=_("product"),
    )
    level = models.CharField(_("level"), max_length=12, choices=RiskLevel.choices, db_index=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    lists_version = models.JSONField(_("lists used"), default=dict, blank=True)
    evidence_fingerprint = models.CharField(_("evidence fingerprint"), max_length=64, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        verbose_name = _("labor-risk assessment")
        verbose_name_plural = _("labor-risk assessments")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.level}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("open")
    APPROVED = "approved", _("approved")
    BLOCKED = "blocked", _("blocked")


class ListingReview(models.Model):
    """A listing held for a regulator's decision. At most one open review per product."""

    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="listing_reviews",
        verbose_name=_("product"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    reason_summary = models.TextField(_("why it was opened"))
    level = models.CharField(_("level when opened"), max_length=12, choices=RiskLevel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    status_before = models.CharField(_("product status before the hold"), max_length=12, blank=True)
    evidence_fingerprint = models.CharField(
        _("evidence fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("The blocking evidence the review was opened (and decided) on."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("listing review")
        verbose_name_plural = _("listing reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(status="open"),
                name="listing_review_one_open_per_product",
            )
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="listing_review_queue")]

    def __str__(self) -> str:
        return f"review {self.pk} of product {self.product_id} ({self.status})"


class ReviewAction(models.TextChoices):
    OPENED = "opened", _("opened")
    APPROVED = "approved", _("approved")
    BLOCKED = "blocked", _("blocked")


class ReviewEvent(models.Model):
    """Append-only audit trail of a review: rows are written once, never changed or deleted."""

    review = models.ForeignKey(
        ListingReview, on_delete=models.CASCADE, related_name="events", verbose_name=_("review")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty: the system (an automatic assessment)."),
    )
    action = models.CharField(_("action"), max_length=12, choices=ReviewAction.choices)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self) -> str:
        return f"{self.review_id} {self.action} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Review events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Review events are append-only.")
