"""Forms of the subject access pages. They only parse input; the services
(`subject_access.services`) validate the rules and give the Dutch messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.lib.forms import DateInput, VersionedForm
from casustafel.organisations.models import Organisation, SafetyHouse
from casustafel.privacy.subject_access.models import (
    ExceptionGround,
    IdentityCheck,
    RectificationDecision,
    Requester,
    RestrictionGround,
    SarStatus,
)

INVALID_DATE = _("Vul een geldige datum in, bijvoorbeeld 14-03-2025.")


def _date_field(label: Any, *, required: bool = False, help_text: Any = "", missing: Any = None) -> forms.DateField:
    messages = {"invalid": INVALID_DATE}
    if missing:
        messages["required"] = missing
    return forms.DateField(
        label=label, required=required, widget=DateInput(), help_text=help_text, error_messages=messages
    )


def _required(message: Any) -> dict[str, Any]:
    """A field the service requires: marked required here, with the service's own Dutch message."""
    return {"required": True, "error_messages": {"required": message}}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.full_name


class SarCreateForm(forms.Form):
    """Find the person (BSN, or surname and date of birth) and register the request. The
    'Zoeken' button searches; the button next to a result (`person`) registers the request."""

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
    date_of_birth = _date_field(_("Geboortedatum"))
    received_on = _date_field(
        _("Ontvangen op"), required=True, help_text=_("De termijn van een maand loopt vanaf deze dag.")
    )
    requester = forms.ChoiceField(
        label=_("Ingediend door"),
        choices=Requester.choices,
        initial=Requester.PERSON,
        widget=forms.RadioSelect,
    )
    representative_description = forms.CharField(
        label=_("Vertegenwoordiger"),
        max_length=150,
        required=False,
        help_text=_("Alleen bij een vertegenwoordiger: in een paar woorden wie, bijv. 'moeder met gezag'."),
    )
    identity_check = forms.ChoiceField(
        label=_("Identiteit vastgesteld"),
        choices=IdentityCheck.choices,
        initial=IdentityCheck.NOT_YET,
        widget=forms.RadioSelect,
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    SEARCH_FIELDS = ("bsn", "surname_prefix", "surname", "given_names", "date_of_birth")
    REQUEST_FIELDS = ("received_on", "requester", "representative_description", "identity_check")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("person"):
            # Searching needs only the search fields; the request is checked when it is registered.
            for name in self.REQUEST_FIELDS:
                self.errors.pop(name, None)
        return cleaned

    def search_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SEARCH_FIELDS]

    def request_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.REQUEST_FIELDS]


class SarUpdateForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=SarStatus.choices, widget=forms.RadioSelect)
    identity_check = forms.ChoiceField(
        label=_("Identiteit vastgesteld"), choices=IdentityCheck.choices, widget=forms.RadioSelect
    )
    handled_by = UserChoiceField(label=_("Behandeld door"), queryset=User.objects.none(), required=False)
    decision_note = forms.CharField(
        label=_("Toelichting op het besluit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Verplicht bij uitstel of afwijzing: de reden zoals de betrokkene die hoort, met de mogelijkheid van een "
            "klacht bij de Autoriteit Persoonsgegevens."
        ),
    )

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handled_by"].queryset = User.objects.filter(pk__in=[user.pk for user in officers])  # type: ignore[attr-defined]


class SarExtendForm(VersionedForm):
    extended_due_on = _date_field(
        _("Nieuwe uiterste datum"),
        required=True,
        help_text=_("Ten hoogste twee maanden later."),
        missing=_("Vul de nieuwe uiterste datum in."),
    )
    extension_reason = forms.CharField(
        label=_("Reden van de verlenging"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld de omvang of complexiteit. De betrokkene hoort dit binnen de eerste maand."),
        **_required(
            _(
                "Geef de reden van de verlenging. De betrokkene moet binnen een maand na ontvangst horen waarom "
                "het langer duurt (AVG art. 12 lid 3)."
            )
        ),
    )


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        return obj.name


class SarExceptionForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Wettelijke grond"),
        choices=ExceptionGround.choices,
        widget=forms.RadioSelect,
        **_required(_("Kies de wettelijke grond.")),
    )
    organisations = OrganisationsField(
        label=_("Informatie van organisatie(s)"),
        queryset=Organisation.objects.none(),
        **_required(_("Kies de organisatie(s) waarvan informatie wordt achtergehouden.")),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Alles wat deze organisaties inbrachten, hun betrokkenheid en hun toegang blijft buiten het overzicht."
        ),
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij 'andere wettelijke grond'. Bijv. wie om uitstel vroeg en tot wanneer."),
    )
    disclosed = forms.BooleanField(
        label=_("Vermelden in het overzicht dat deze informatie niet wordt verstrekt, en waarom"),
        required=False,
        initial=True,
    )
    review_on = _date_field(_("Opnieuw beoordelen op"))

    def __init__(self, *args: Any, house: SafetyHouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.filter(house=house).order_by("name")  # type: ignore[attr-defined]


class SarExceptionLiftForm(forms.Form):
    lift_note = forms.CharField(
        label=_("Reden van beëindigen"),
        max_length=300,
        **_required(_("Geef de reden waarom de uitzondering niet meer geldt.")),
        help_text=_("Bijv. 'Onderzoek afgerond, bevestigd door de officier van justitie'."),
    )


class RectificationForm(forms.Form):
    disputed = forms.CharField(
        label=_("Wat de betrokkene betwist"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **_required(_("Beschrijf wat de betrokkene betwist.")),
    )
    decision = forms.ChoiceField(
        label=_("Besluit"),
        choices=RectificationDecision.choices,
        widget=forms.RadioSelect,
        **_required(_("Kies een besluit.")),
    )
    explanation = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat is gecorrigeerd en door welke organisatie, of waarom niet."),
    )
    statement = forms.CharField(
        label=_("Verklaring van de betrokkene"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen bij 'verklaring toegevoegd'. Wordt getoond overal waar de persoon te zien is."),
    )
    given_names = forms.CharField(label=_("Juiste voornamen"), max_length=120, required=False)
    surname_prefix = forms.CharField(label=_("Juist tussenvoegsel"), max_length=20, required=False)
    surname = forms.CharField(label=_("Juiste achternaam"), max_length=120, required=False)
    date_of_birth = _date_field(_("Juiste geboortedatum"))

    CORRECTION_FIELDS = ("given_names", "surname_prefix", "surname", "date_of_birth")

    def corrections(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.CORRECTION_FIELDS if self.cleaned_data.get(name)}

    def note_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("disputed", "decision", "explanation", "statement")]

    def correction_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CORRECTION_FIELDS]


class RestrictionForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Grond (AVG art. 18 lid 1)"),
        choices=RestrictionGround.choices,
        widget=forms.RadioSelect,
        **_required(_("Kies de grond van de beperking.")),
    )
    starts_on = _date_field(_("Vanaf"), required=True, missing=_("Vul in vanaf wanneer de verwerking beperkt is."))
    ends_on = _date_field(_("Tot en met"), help_text=_("Leeg laten als het einde nog niet bekend is."))
    note = forms.CharField(label=_("Toelichting"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()


class RestrictionLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van opheffen"), max_length=300, **_required(_("Geef de reden van het opheffen."))
    )
    person_informed = forms.BooleanField(
        label=_("De betrokkene is vóór het opheffen geïnformeerd (AVG art. 18 lid 3)"),
        **_required(_("Informeer de betrokkene voordat de beperking wordt opgeheven (AVG art. 18 lid 3).")),
    )
