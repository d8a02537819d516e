"""The form that closes a case. It only parses input; `case_close` validates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.cases.forms.referrals import DateInput
from casustafel.lib.forms import VersionedForm


class CaseCloseForm(VersionedForm):
    closed_on = forms.DateField(
        label=_("Datum van afsluiten"),
        required=False,
        widget=DateInput(),
        help_text=_("Vandaag, of de dag waarop het huis de aanpak beëindigde."),
    )
    reason = forms.CharField(
        label=_("Reden van afsluiten"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bijv. 'Doelen van het plan van aanpak bereikt; nazorg belegd bij het sociaal wijkteam.'"),
    )
