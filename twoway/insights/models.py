"""A cheap product-view counter for sellers' conversion figures: one row per product and day,
incremented on product page views by people (not bots). No user, session or address is kept."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.catalog.models import Product


class ProductViewDay(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField(_("day (UTC)"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("product views per day")
        constraints = [
            models.UniqueConstraint(fields=["product", "day"], name="product_view_day_once")
        ]
        indexes = [models.Index(fields=["day", "product"], name="product_view_day_day")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.views}"
