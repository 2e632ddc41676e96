"""Forms of the seller center's staff and integrations pages (parsing only; services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import MembershipRole
from twoway.integrations.scopes import event_choices, scope_choices


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.FULFILMENT
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("Which system uses it, e.g. “warehouse”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), widget=forms.CheckboxSelectMultiple, choices=scope_choices
    )


class WebhookForm(forms.Form):
    url = forms.CharField(label=_("URL"), max_length=500)
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=event_choices
    )
