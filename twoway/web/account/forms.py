"""Sign-up and business-registration forms: they parse input; identity.services and
businesses.services hold the rules (password validators, EIN prefix, USCC checksum)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from twoway.reference.models import ChinaProvince, UsState


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns (typed as optional)
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class BusinessForm(forms.Form):
    """A seller's business: the registration number is checked (EIN prefix / USCC checksum) by
    businesses.services.business_register; an operator then confirms it against the register."""

    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    display_name_zh = forms.CharField(label=_("Name in Chinese"), max_length=120, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    employee_count = forms.IntegerField(label=_("Employees"), min_value=1, max_value=1_000_000)
    registration_number = forms.CharField(label=_("Registration number"), max_length=32)

    def __init__(self, *args, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        if country == "US":
            self.fields["us_state"] = forms.ChoiceField(
                label=_("State"),
                choices=[("", _("Choose a state"))]
                + [(s.code, s.name) for s in UsState.objects.order_by("name")],
            )
            self.fields["registration_number"].label = _("EIN (employer identification number)")
            self.fields["registration_number"].help_text = _(
                "9 digits, NN-NNNNNNN; the first two must be a prefix the IRS assigns."
            )
            self.fields["made_in_usa_attested"] = forms.BooleanField(
                label=_(
                    "Our goods are Made in USA: all or virtually all made here (FTC standard)."
                ),
                required=False,
            )
            self.fields["made_in_usa_statement"] = forms.CharField(
                label=_("How the goods meet the standard"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        else:
            self.fields["cn_province"] = forms.ChoiceField(
                label=_("Province"),
                choices=[("", _("Choose a province"))]
                + [
                    (p.code, f"{p.name_zh} {p.name_en}".strip())
                    for p in ChinaProvince.objects.order_by("code")
                ],
            )
            self.fields["registration_number"].label = _("Unified Social Credit Code")
            self.fields["registration_number"].help_text = _(
                "18 characters; the last is a check character (GB 32100)."
            )
            self.fields["display_name_zh"].required = True

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns (typed as optional)
        if (
            data.get("made_in_usa_attested")
            and not (data.get("made_in_usa_statement") or "").strip()
        ):
            self.add_error(
                "made_in_usa_statement",
                _("Say how the goods meet the FTC 'all or virtually all' standard."),
            )
        return data
