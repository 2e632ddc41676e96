"""Seller-center forms: shipping an order; a Chinese seller's listing for the US market."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from twoway.reference.models import ChinaProvince


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
