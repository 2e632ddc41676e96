"""Seller-center forms: the US seller's listing, a Chinese seller's listing for the US market,
shipping an order. Forms parse input; the rules (HS nomenclature, national lines, positive list,
verification) live in the catalog and compliance services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from twoway.reference.models import ChinaProvince, UsState


class ShipForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), min_length=4, max_length=40)


#: product_create's field names → this form's (they are the same except the region).
LISTING_DOMAIN_FIELDS = {"origin_cn_province": "origin_cn_province"}


class ImportListingForm(forms.Form):
    """A Chinese seller lists a good for the US market."""

    sku = forms.CharField(label=_("SKU"), max_length=40)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=120, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    hs_code = forms.CharField(label=_("HS code (6 digits)"), max_length=12)
    us_hts_line = forms.CharField(label=_("US HTS line (10 digits)"), max_length=16)
    origin_cn_province = forms.ChoiceField(label=_("Province of origin"))
    unit_price = forms.DecimalField(
        label=_("Price (USD)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    weight_kg = forms.DecimalField(
        label=_("Shipping weight (kg)"), min_value=Decimal("0.001"), max_digits=8, decimal_places=3
    )
    stock_on_hand = forms.IntegerField(label=_("Units in stock"), min_value=0, initial=0)
    manufacturer = forms.CharField(label=_("Manufacturer (legal name)"), max_length=200)
    raw_material_suppliers = forms.CharField(
        label=_("Raw-material suppliers (one legal name per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("draft", _("Draft")), ("active", _("On sale"))],
        initial="active",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_cn_province"].choices = [("", _("Choose a province"))] + [
            (p.code, f"{p.name_en} {p.name_zh}".strip())
            for p in ChinaProvince.objects.order_by("code")
        ]

#: product_create's field names are this form's names.
STATUS_CHOICES = [("draft", _("Draft (not on sale)")), ("active", _("On sale"))]


class UsListingForm(forms.Form):
    """A US seller lists a good made in the US, for buyers in China (CBEC) and/or in the US."""

    sku = forms.CharField(label=_("SKU"), max_length=40)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=120, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    hs_code = forms.CharField(
        label=_("HS code (6 digits)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "mono"}),
    )
    cn_tariff_line = forms.CharField(
        label=_("China tariff line (8 digits)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "mono"}),
    )
    origin_us_state = forms.ChoiceField(label=_("State where it is made"))
    unit_price = forms.DecimalField(
        label=_("Price (USD)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    weight_kg = forms.DecimalField(
        label=_("Shipping weight (kg)"), min_value=Decimal("0.001"), max_digits=8, decimal_places=3
    )
    stock_on_hand = forms.IntegerField(label=_("Units in stock"), min_value=0, initial=0)
    market_cn_export = forms.BooleanField(
        label=_("Sell to consumers in China (cross-border e-commerce)"), required=False,
        initial=True,
    )
    market_us_domestic = forms.BooleanField(label=_("Sell in the US"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, initial="active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_us_state"].choices = [("", _("Choose a state"))] + [
            (s.code, s.name) for s in UsState.objects.order_by("name").only("code", "name")
        ]

    def clean(self):
        data = super().clean()
        if not data.get("market_cn_export") and not data.get("market_us_domestic"):
            self.add_error("market_cn_export", _("Choose at least one market."))
        if data.get("market_cn_export") and not (data.get("cn_tariff_line") or "").strip():
            self.add_error(
                "cn_tariff_line",
                _("Goods sold to China need China's 8-digit tariff line (it decides eligibility)."),
            )
        return data
