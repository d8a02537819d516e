"""The form of a retention extension (of a case or a referral). It only parses input; the services
(`retention_extend`, `referral_retention_extend`) validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.lib.forms import DateInput, VersionedForm


class RetentionExtendForm(VersionedForm):
    new_date = forms.DateField(
        label=_("Nieuwe bewaardatum"),
        required=False,
        widget=DateInput(),
        help_text=_("De gegevens worden tot en met deze dag bewaard en de dag erna vernietigd."),
    )
    reason = forms.CharField(
        label=_("Reden van de verlenging"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Waarom de gegevens langer bewaard moeten worden, bijv. een lopende rechtszaak of klacht. Noem geen namen."
        ),
    )
