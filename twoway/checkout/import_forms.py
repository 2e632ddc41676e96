"""Page forms of the import channel (US consumers; Chinese sellers listing for the US market).
They parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from twoway.reference.models import UsState

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
