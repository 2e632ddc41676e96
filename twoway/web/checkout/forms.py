"""Forms of the buyer's checkout steps in both channels (export: real name and a consignee in
China; import: a US delivery address and state). They parse input; the rules live in the
services and the channel policies."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from twoway.reference.models import UsState

NEW_IDENTITY = "new"

#: DomainError field names (services) → form field names (pages), export checkout.
DOMAIN_FIELDS = {
    "full_name": "full_name",
    "id_number": "id_number",
    "identity": "identity",
    "identity_id": "identity",
    "consignee.name": "consignee_name",
    "consignee.phone": "consignee_phone",
    "consignee.address": "consignee_address",
    "consignee.district": "consignee_district",
}


class CheckoutForm(forms.Form):
    identity = forms.ChoiceField(
        label=_("Buyer (real name)"), required=False, widget=forms.RadioSelect
    )
    full_name = forms.CharField(
        label=_("Name as on the ID card"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}
        ),
    )
    consignee_name = forms.CharField(label=_("Recipient"), max_length=64)
    consignee_phone = forms.CharField(
        label=_("Mobile phone"),
        min_length=5,
        max_length=30,
        validators=[
            RegexValidator(r"^\+?[0-9 \-]{5,30}$", _("Digits only, e.g. 13800138000."), "phone")
        ],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consignee_address = forms.CharField(
        label=_("Delivery address"),
        min_length=4,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    consignee_district = forms.CharField(
        label=_("District code (6 digits, optional)"),
        required=False,
        max_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("Six digits, e.g. 110101."), "district")],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, identities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.identities = {str(i.pk): i for i in identities}
        cast(forms.ChoiceField, self.fields["identity"]).choices = [
            (str(i.pk), f"{i.full_name} {i.id_number_masked}") for i in identities
        ] + [(NEW_IDENTITY, _("Someone else / a new ID card"))]

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns (typed as optional)
        typed_new = bool((data.get("full_name") or "").strip() or (data.get("id_number") or ""))
        choice = data.get("identity") or (NEW_IDENTITY if typed_new or not self.identities else "")
        if choice != NEW_IDENTITY and choice not in self.identities:
            self.add_error("identity", _("Choose whose real name this purchase is under."))
        if choice == NEW_IDENTITY:
            if not (data.get("full_name") or "").strip():
                self.add_error("full_name", _("Enter the name exactly as on the ID card."))
            if not (data.get("id_number") or "").strip():
                self.add_error("id_number", _("Enter the 18-character resident ID number."))
        data["identity"] = choice
        return data

    def chosen_identity(self):
        return self.identities.get(self.cleaned_data.get("identity", ""))


class PayForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Pay with"),
        choices=[("alipay", _("Alipay (sandbox)")), ("wechat", _("WeChat Pay (sandbox)"))],
        widget=forms.RadioSelect,
        initial="alipay",
    )


#: DomainError field names (services) → form field names (pages), import checkout.
IMPORT_DOMAIN_FIELDS = {
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
        states = cast(forms.ChoiceField, self.fields["consignee_state"])
        states.choices = [("", _("Choose a state"))] + [
            (s.code, s.name) for s in UsState.objects.order_by("name").only("code", "name")
        ]


class ImportPayForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Pay with"),
        choices=[("card", _("Card (sandbox)"))],
        widget=forms.RadioSelect,
        initial="card",
    )
