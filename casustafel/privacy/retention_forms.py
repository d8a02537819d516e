"""The form of a retention extension. It only parses input; `retention_extend` validates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.lib.forms import VersionedForm
from casustafel.privacy.forms import DateInput


class RetentionExtendForm(VersionedForm):
    new_date = forms.DateField(
        label=_("Nieuwe bewaardatum"),
        required=False,
        widget=DateInput(),
        help_text=_("De casus wordt tot en met deze dag bewaard en de dag erna vernietigd."),
    )
    reason = forms.CharField(
        label=_("Reden van de verlenging"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Waarom deze casus langer bewaard moet worden, bijv. een lopende rechtszaak of klacht. Noem geen namen."
        ),
    )
