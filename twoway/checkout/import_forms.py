"""Page forms of the import channel (US consumers; Chinese sellers listing for the US market).
They parse input; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from twoway.reference.models import ChinaProvince, UsState

#: DomainError field names (services) → form field names (pages).
DOMAIN_FIELDS = {
    "consignee.name": "consignee_name",
    "consignee.phone": "consignee_phone",
    "consignee.address": "consignee_address",
    "consignee_state": "consignee_state",
}


class ImportCheckoutForm(forms.Form):
    consignee_name = forms.CharField(
        label=_("Full name"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    consignee_phone = forms.CharField(
        label=_("Phone"),
        min_length=7,
        max_length=30,
        validators=[
            RegexValidator(r"^\+?[0-9 ()\-.]{7,30}$", _("Digits, e.g. 608-555-0100."), "phone")
        ],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consignee_address = forms.CharField(
        label=_("Street address, city and ZIP code"),
        min_length=6,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    consignee_state = forms.ChoiceField(label=_("State"))
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consignee_state"].choices = [("", _("Choose a state"))] + [
            (s.code, s.name) for s in UsState.objects.order_by("name").only("code", "name")
        ]


class ImportPayForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Pay with"),
        choices=[("card", _("Card (sandbox)"))],
        widget=forms.RadioSelect,
        initial="card",
    )


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
