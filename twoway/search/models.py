"""Search: the outbox that keeps the index in step with the catalogue, the anonymous search log,
and sellers' demand subscriptions with their notices.

The log holds no user id and no IP address: the query as typed (and folded), its language, the
market, the buyer's province when known (from their last consignee address), the result count,
what was clicked and whether it led to a purchase, and a keyed hash of the session (so distinct
sessions can be counted for k-anonymity without storing the session key).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business


class SearchOutbox(models.Model):
    """A product whose index document must be written again (or removed)."""

    product_id = models.BigIntegerField(_("product"))
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("search outbox entry")
        verbose_name_plural = _("search outbox entries")

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.created_at}"


class SearchLog(models.Model):
    query = models.CharField(_("query"), max_length=200)
    query_norm = models.CharField(_("folded query"), max_length=200, db_index=True)
    language = models.CharField(_("language"), max_length=2)
    market = models.CharField(_("market"), max_length=12)
    province = models.CharField(_("buyer's province"), max_length=2, blank=True)
    hs_chapter = models.CharField(
        _("HS chapter of the top result"),
        max_length=2,
        blank=True,
        help_text=_("Or of the chapter filter; empty when nothing was found."),
    )
    result_count = models.PositiveIntegerField(_("results"))
    session_hash = models.CharField(_("session (keyed hash)"), max_length=64)
    clicked_product_id = models.BigIntegerField(_("clicked product"), null=True, blank=True)
    bought = models.BooleanField(_("led to a purchase"), default=False)
    created_at = models.DateTimeField(_("searched at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("search log entry")
        verbose_name_plural = _("search log")
        indexes = [
            models.Index(fields=["market", "created_at"], name="searchlog_market_time"),
        ]

    def __str__(self) -> str:
        return f"{self.query} ({self.result_count})"


class DemandSubscription(models.Model):
    """A seller watching a query or an HS chapter; told when searches for it rise."""

    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="demand_subscriptions",
        verbose_name=_("seller"),
    )
    query_norm = models.CharField(_("query"), max_length=200, blank=True)
    hs_chapter = models.CharField(_("HS chapter"), max_length=2, blank=True)
    email = models.EmailField(_("email"), blank=True)
    last_week_count = models.PositiveIntegerField(_("searches in the last week seen"), default=0)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("demand subscription")
        verbose_name_plural = _("demand subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(query_norm="", hs_chapter=""),
                name="demandsub_query_or_chapter",
            ),
            models.UniqueConstraint(
                fields=["business", "query_norm", "hs_chapter"], name="demandsub_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.query_norm or self.hs_chapter


class DemandNotice(models.Model):
    subscription = models.ForeignKey(
        DemandSubscription, on_delete=models.CASCADE, related_name="notices"
    )
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    previous_count = models.PositiveIntegerField(_("searches the week before"))
    current_count = models.PositiveIntegerField(_("searches this week"))
    emailed = models.BooleanField(_("emailed"), default=False)
    read = models.BooleanField(_("read"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("demand notice")
        verbose_name_plural = _("demand notices")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.subscription}: {self.previous_count} → {self.current_count}"
