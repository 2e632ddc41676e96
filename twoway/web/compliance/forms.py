from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: back on sale")), ("block", _("Block: keep off sale"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the decision."), code="required")
        return reason
