"""Read model of the US-made products that can be recommended instead of an import.

One row per product that is US-origin, active, sold in the US (``market_us_domestic``), priced in
USD, from a verified US seller who attests Made in USA. Rows are written only by
``alternatives.services.candidates_refresh``; the catalogue stays the truth.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business
from twoway.catalog.models import Product
from twoway.core.models import money_field


class UsMadeCandidate(models.Model):
    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    seller_name = models.CharField(_("seller"), max_length=200)
    hs_code = models.CharField(_("HS code"), max_length=6)
    hs_heading = models.CharField(_("HS heading"), max_length=4)
    hs_chapter = models.CharField(_("HS chapter"), max_length=2)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    tokens_en = models.TextField(_("English title tokens"), blank=True)
    tokens_zh = models.TextField(_("Chinese title tokens"), blank=True)
    price_usd = money_field(_("price (USD)"))
    # The seller's state: where the money goes and where the goods ship from.
    state_code = models.CharField(_("state"), max_length=2)
    state_name = models.CharField(_("state name"), max_length=64)
    latitude = models.FloatField(_("latitude of the state capital"), null=True, blank=True)
    longitude = models.FloatField(_("longitude of the state capital"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("US-made candidate")
        verbose_name_plural = _("US-made candidates")
        # Every row is Made-in-USA attested (the table's condition), so the lookup indexes are
        # (heading | chapter, price, id): a bounded window of the nearest prices, in stable order.
        indexes = [
            models.Index(
                fields=["hs_heading", "price_usd", "product"], name="altcand_heading_price"
            ),
            models.Index(
                fields=["hs_chapter", "price_usd", "product"], name="altcand_chapter_price"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.title_en}"
