"""The US seller's listing form: it parses input; the rules (HS nomenclature, national lines,
positive list, verification) live in the catalog and compliance services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from twoway.reference.models import UsState

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
