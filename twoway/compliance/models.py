"""Compliance tables. ``CslEntry``: one row of ITA's Consolidated Screening List, as loaded."""

from __future__ import annotations

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
