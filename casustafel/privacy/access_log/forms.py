"""The access-log filter (a GET form: the URL can be shared with a colleague)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.audit.models import AuditAction
from casustafel.lib.forms import BoundedDateField, DateInput, IdField
from casustafel.organisations.models import Organisation, SafetyHouse
from casustafel.privacy.access_log.selectors import house_users
from casustafel.privacy.subject_access.forms import INVALID_DATE


class HouseUserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.full_name or obj.email


class AccessLogFilterForm(forms.Form):
    """The filters of the access log (a GET form: the URL can be shared with a colleague)."""

    date_from = BoundedDateField(label=_("Van"), required=False, widget=DateInput())
    date_to = BoundedDateField(label=_("Tot en met"), required=False, widget=DateInput())
    # Checked against everyone of the house, never rendered as one list of them: the page shows
    # the chosen one and a search (`privacy/partials/access_log_user_picker.html`).
    user = HouseUserChoiceField(
        label=_("Gebruiker"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Deze gebruiker hoort niet bij dit huis; zoek opnieuw.")},
    )
    user_q = forms.CharField(
        label=_("Zoek een gebruiker op naam, e-mailadres of organisatie"), max_length=100, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Namens organisatie"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alle organisaties"),
    )
    action = forms.ChoiceField(label=_("Handeling"), required=False)
    case_id = IdField(label=_("Casus-id"), required=False)
    person_id = IdField(label=_("Betrokkene-id"), required=False)

    def __init__(self, *args: Any, house: SafetyHouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = house_users(house)  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.filter(house=house).order_by("name")  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", _("Alle handelingen")), *AuditAction.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Kies een einddatum op of na de begindatum."))
        return data


class AccessLogPersonSearchForm(forms.Form):
    """Find a person for the access log: by BSN, or by surname and date of birth (the subject
    access search's rule, `sar_person_candidates`)."""

    bsn = forms.CharField(
        label=_("BSN"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Zoek op BSN, of op achternaam en geboortedatum."),
    )
    surname_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    surname = forms.CharField(label=_("Achternaam"), max_length=120, required=False)
    given_names = forms.CharField(
        label=_("Voornamen"), max_length=120, required=False, help_text=_("Helpt bij het ordenen van de resultaten.")
    )
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"), required=False, widget=DateInput(), error_messages={"invalid": INVALID_DATE}
    )
