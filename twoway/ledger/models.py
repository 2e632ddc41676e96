"""The trade ledger: append-only trade-flow entries and the rollups kept current with them.

Every cross-border shipment posts one ``TradeFlowEntry`` per order line; a refund or return of
shipped goods posts a *reversal* (negative value and quantity) that references the original.
Entries are never updated or deleted: the services have no such path, the admin is read-only,
the queryset refuses ``update()``/``delete()`` and, on PostgreSQL, a trigger rejects UPDATE and
DELETE (migration 0002).

The ledger does not import checkout (a lower floor): orders are referenced by id and number.

Rollups, updated in the same transaction as each posting:

* ``TradeFlowRollup``: day × direction × US state × Chinese province × HS chapter (the grain of
  the ledger check and of regulator drill-downs);
* ``TradeFlowCube``: the public dashboard's read model: small grouping sets (at most one filter
  dimension and one group dimension) by month, and the daily series by at most one filter. Each
  dashboard query reads a bounded number of rows whatever the size of the ledger;
* ``TradeFlowBusinessMonth``: month × direction × business (top exporters, exporting sellers).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.core.models import money_field


class FlowDirection(models.TextChoices):
    US_EXPORT = "us_export", _("US export")
    US_IMPORT = "us_import", _("US import")


class EntryKind(models.TextChoices):
    SHIPMENT = "shipment", _("shipment")
    REVERSAL = "reversal", _("reversal")


class AppendOnlyViolation(Exception):
    """Somebody tried to change or delete a ledger entry."""


class TradeFlowEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise AppendOnlyViolation("Trade-flow entries are append-only: post a reversal instead.")

    def delete(self):
        raise AppendOnlyViolation("Trade-flow entries are append-only: post a reversal instead.")


class TradeFlowEntry(models.Model):
    """One order line crossing the border (or its reversal). Append-only."""

    direction = models.CharField(_("direction"), max_length=12, choices=FlowDirection.choices)
    entry_date = models.DateField(_("date (UTC)"))
    posted_at = models.DateTimeField(_("posted at"))
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    us_state = models.CharField(_("US state"), max_length=2, blank=True)
    cn_province = models.CharField(_("Chinese province"), max_length=2, blank=True)
    hs_chapter = models.CharField(_("HS chapter"), max_length=2)
    hs_heading = models.CharField(_("HS heading"), max_length=4)
    hs_code = models.CharField(_("HS code"), max_length=6)
    customs_value_usd = money_field(_("customs value (USD)"))
    quantity = models.IntegerField(_("quantity"))
    order_id = models.BigIntegerField(_("order id"))
    order_number = models.CharField(_("order number"), max_length=32)
    order_line_id = models.BigIntegerField(_("order line id"))
    business_id = models.BigIntegerField(_("business id"))
    business_country = models.CharField(_("business country"), max_length=2)
    # A shipment may be reversed in parts (a partial return); the parts never exceed it.
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("reverses"),
    )

    objects = TradeFlowEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("trade-flow entry")
        verbose_name_plural = _("trade-flow entries")
        constraints = [
            models.UniqueConstraint(
                fields=["order_line_id"],
                condition=models.Q(kind="shipment"),
                name="ledger_one_shipment_per_line",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="shipment", reverses__isnull=True, quantity__gt=0)
                    | models.Q(kind="reversal", reverses__isnull=False, quantity__lt=0)
                ),
                name="ledger_kind_matches_sign",
            ),
        ]
        indexes = [
            models.Index(fields=["entry_date", "id"], name="ledger_entry_date"),
            models.Index(fields=["order_id"], name="ledger_entry_order"),
            models.Index(fields=["order_number"], name="ledger_entry_order_number"),
            models.Index(fields=["business_id", "entry_date"], name="ledger_entry_business"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.direction} {self.order_number} {self.customs_value_usd}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(
                "Trade-flow entries are append-only: post a reversal instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation("Trade-flow entries are append-only: post a reversal instead.")


class TradeFlowRollup(models.Model):
    """Day × direction × state × province × chapter totals of the ledger."""

    day = models.DateField()
    direction = models.CharField(max_length=12, choices=FlowDirection.choices)
    us_state = models.CharField(max_length=2, blank=True)
    cn_province = models.CharField(max_length=2, blank=True)
    hs_chapter = models.CharField(max_length=2)
    value_usd = money_field(_("value (USD)"), default=0)
    quantity = models.BigIntegerField(default=0)
    entries = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily trade-flow rollup")
        verbose_name_plural = _("daily trade-flow rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "direction", "us_state", "cn_province", "hs_chapter"],
                name="ledger_rollup_key",
            )
        ]
        indexes = [
            models.Index(fields=["us_state", "day"], name="ledger_rollup_state"),
            models.Index(fields=["cn_province", "day"], name="ledger_rollup_province"),
            models.Index(fields=["hs_chapter", "day"], name="ledger_rollup_chapter"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.direction} {self.us_state}/{self.cn_province}/{self.hs_chapter}"


class CubeGrain(models.TextChoices):
    DAY = "d", _("day")
    MONTH = "m", _("month")


class TradeFlowCube(models.Model):
    """Totals by (filter dimension = value) × (group dimension = value) per day or month.

    Dimensions: ``s`` US state, ``p`` Chinese province, ``c`` HS chapter; ``""`` = all. A public
    dashboard query selects one grouping set and a period, so it reads at most
    months × directions × members-of-one-dimension rows.
    """

    grain = models.CharField(max_length=1, choices=CubeGrain.choices)
    fdim = models.CharField(max_length=1, blank=True)
    fval = models.CharField(max_length=2, blank=True)
    gdim = models.CharField(max_length=1, blank=True)
    direction = models.CharField(max_length=12, choices=FlowDirection.choices)
    period = models.DateField()
    gval = models.CharField(max_length=2, blank=True)
    value_usd = money_field(_("value (USD)"), default=0)
    quantity = models.BigIntegerField(default=0)
    entries = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "fdim", "fval", "gdim", "direction", "period", "gval"],
                name="ledger_cube_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.period} {self.fdim}={self.fval} by {self.gdim}={self.gval}"


class TradeFlowBusinessMonth(models.Model):
    """Month × direction × business totals (top exporters; sellers that exported)."""

    month = models.DateField()
    direction = models.CharField(max_length=12, choices=FlowDirection.choices)
    business_id = models.BigIntegerField()
    business_country = models.CharField(max_length=2)
    value_usd = money_field(_("value (USD)"), default=0)
    quantity = models.BigIntegerField(default=0)
    entries = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "direction", "business_id"], name="ledger_business_month_key"
            )
        ]
        indexes = [models.Index(fields=["direction", "business_id"], name="ledger_business_dir")]

    def __str__(self) -> str:
        return f"{self.month} {self.direction} business {self.business_id}"
