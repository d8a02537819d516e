"""Forms of the meeting-type administration. Forms only parse input; the services validate
the business rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.lib.forms import ServerValidatedForm, VersionedForm
from casustafel.meeting_types.models import CriteriaSet, InputRequirementCheck, MeetingType, RequirementStage
from casustafel.meetings.selectors.meeting_types import criteria_sets_of
from casustafel.organisations.models import Organisation, SafetyHouse


class MeetingTypeForm(VersionedForm):
    """Name, goals, criteria set, first-contact norm, retention, privacy reminder, active, and how
    its meetings run: minutes per case, length, crucial and default partners, clients "ja,
    tenzij", stalking or intimate terror; and the follow-up moments after closure."""

    name = forms.CharField(label=_("Naam"), max_length=120, help_text=_("Bijv. Casus-op-Maat, Top-X-overleg."))
    goals = forms.CharField(
        label=_("Doelen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waarvoor dit overleg bestaat; getoond bij aanmelden en triage."),
    )
    criteria_set = forms.ModelChoiceField(
        label=_("Criteriaset"),
        queryset=CriteriaSet.objects.none(),
        required=False,
        empty_label=_("Geen criteria"),
        help_text=_("De toelatingscriteria waarop aanmeldingen voor dit overleg worden gewogen."),
    )
    first_contact_hours = forms.IntegerField(
        label=_("Norm eerste contact (uren)"),
        min_value=1,
        max_value=24 * 60,
        initial=48,
        help_text=_("Binnen hoeveel uur na aanmelding het huis contact opneemt met de aanmelder (standaard 48)."),
    )
    retention_years = forms.IntegerField(
        label=_("Bewaartermijn (jaren na afsluiten)"), min_value=1, max_value=20, initial=5
    )
    privacy_reminder = forms.CharField(
        label=_("Privacy-instructie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wordt aan het begin van het overleg getoond: wat mag hier gedeeld worden."),
    )
    is_active = forms.BooleanField(
        label=_("Actief (kan worden gekozen bij aanmelden en triage)"), required=False, initial=True
    )
    minutes_per_case = forms.IntegerField(
        label=_("Standaard minuten per casus"),
        min_value=5,
        max_value=240,
        initial=30,
        required=False,
        help_text=_("Zoveel tijd krijgt een casus op de agenda, tenzij het secretariaat iets anders plant."),
    )
    default_duration_minutes = forms.IntegerField(
        label=_("Standaard duur van een overleg (minuten)"),
        min_value=15,
        max_value=8 * 60,
        initial=120,
        required=False,
        help_text=_("Leeg: 120 minuten, of wat al was ingesteld."),
    )
    crucial_organisations = forms.ModelMultipleChoiceField(
        label=_("Cruciale partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Worden bij elk agendapunt uitgenodigd. Als zij niet hebben bevestigd, ziet het secretariaat dat op "
            "de startpagina."
        ),
    )
    default_organisations = forms.ModelMultipleChoiceField(
        label=_("Standaard uitgenodigde partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Worden bij elk agendapunt voorgesteld, naast de organisaties die al bij de casus betrokken zijn."),
    )
    clients_invited_by_default = forms.BooleanField(
        label=_("Cliënten uitnodigen: ja, tenzij (per agendapunt kan een reden worden vastgelegd om het niet te doen)"),
        required=False,
        initial=True,
    )
    separate_perpetrator_and_victim = forms.BooleanField(
        label=_("Stalking of intieme terreur: pleger en slachtoffer nooit samen in een deel"), required=False
    )
    follow_up_months = forms.CharField(
        label=_("Nazorgmomenten (maanden na afsluiten)"),
        max_length=40,
        required=False,
        initial="3,6,12",
        help_text=_("Komma-gescheiden, bijv. 3,6,12. Leeg: geen nazorgvragen."),
    )

    def __init__(self, *args: Any, house: SafetyHouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = criteria_sets_of(house)  # type: ignore[attr-defined]
        partners = Organisation.objects.filter(house=house, is_active=True, is_house_office=False).order_by("name")
        self.fields["crucial_organisations"].queryset = partners  # type: ignore[attr-defined]
        self.fields["default_organisations"].queryset = partners  # type: ignore[attr-defined]

    @classmethod
    def for_meeting_type(cls, meeting_type: MeetingType, data: Any = None) -> MeetingTypeForm:
        return cls(
            data,
            house=meeting_type.house,
            initial={
                "name": meeting_type.name,
                "goals": meeting_type.goals,
                "criteria_set": meeting_type.criteria_set_id,
                "first_contact_hours": meeting_type.first_contact_hours,
                "retention_years": meeting_type.retention_years,
                "privacy_reminder": meeting_type.privacy_reminder,
                "is_active": meeting_type.is_active,
                "minutes_per_case": meeting_type.minutes_per_case,
                "default_duration_minutes": meeting_type.default_duration_minutes,
                "crucial_organisations": list(meeting_type.crucial_organisations.values_list("pk", flat=True)),
                "default_organisations": list(meeting_type.default_organisations.values_list("pk", flat=True)),
                "clients_invited_by_default": meeting_type.clients_invited_by_default,
                "separate_perpetrator_and_victim": meeting_type.separate_perpetrator_and_victim,
                "follow_up_months": meeting_type.follow_up_months,
                "version": meeting_type.version,
            },
        )

    def values(self) -> dict[str, Any]:
        """The cleaned data without the version, as the services take it; minutes left empty
        keep the default (or what was set before)."""
        optional = {"minutes_per_case", "default_duration_minutes"}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and not (name in optional and value is None)
        }


class InputRequirementForm(forms.Form):
    """One input requirement: which check, at which moment, and for life domains the minimum."""

    requirement = forms.ChoiceField(label=_("Eis"), choices=InputRequirementCheck.choices)
    stage = forms.ChoiceField(
        label=_("Moment"),
        choices=RequirementStage.choices,
        widget=forms.RadioSelect,
        initial=RequirementStage.BEFORE_TRIAGE,
        help_text=_(
            "Vóór triage: nodig om te kunnen wegen. Vóór agendering: nodig voordat de casus op de agenda komt."
        ),
    )
    minimum = forms.IntegerField(
        label=_("Minimaal aantal leefgebieden"),
        min_value=1,
        max_value=14,
        initial=2,
        required=False,
        help_text=_("Alleen bij de eis over leefgebieden. Criterium a1 spreekt van 'meer dan één leefgebied'."),
    )


# --- Editing a draft version of a discussion guide ------------------------------------------
# Each form carries the draft's version; a page holds one form per phase, part and question,
# each with its own prefix so that every field id on the page is unique.


class GuidePhaseForm(ServerValidatedForm, VersionedForm):
    title = forms.CharField(
        label=_("Titel van de fase"), max_length=200, error_messages={"required": _("Geef de fase een titel.")}
    )


class GuidePartForm(ServerValidatedForm, VersionedForm):
    title = forms.CharField(
        label=_("Titel van het onderdeel"),
        max_length=200,
        error_messages={"required": _("Geef het onderdeel een titel.")},
    )
    intro = forms.CharField(
        label=_("Toelichting bij het onderdeel"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GuideQuestionForm(ServerValidatedForm, VersionedForm):
    text = forms.CharField(
        label=_("Vraag"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Vul de vraag in.")},
    )
    prompts = forms.CharField(
        label=_("Deelvragen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén deelvraag per regel."),
    )

    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["prompts"].splitlines() if line.strip()]


class GuidePublishForm(ServerValidatedForm, VersionedForm):
    change_note = forms.CharField(
        label=_("Wat is er veranderd"),
        error_messages={"required": _("Schrijf op wat er in deze versie is veranderd.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staat bij de versie; besprekingen die daarna beginnen volgen de nieuwe versie."),
    )
