"""Forms of the learning pages. They parse input; the services validate, and their errors come
back next to the field (`lib.forms.add_service_errors`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.cases.forms.referrals import DateInput
from casustafel.learning.instruments import INSTRUMENTS, Instrument, QuestionKind
from casustafel.learning.models import (
    ActionProgress,
    Activity,
    AssessmentAnswer,
    EffortDirection,
    EffortEntry,
    Evidence,
    ImprovementAction,
    Rating,
    SelfAssessment,
)
from casustafel.learning.services_effort import parse_hours
from casustafel.learning.services_improvement import check_indicator_pairs
from casustafel.lib.forms import ServerValidatedForm, VersionedForm
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Membership, Organisation, SafetyHouse

TEXTAREA = {"rows": 3}


def house_meeting_types(house: SafetyHouse) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Overlegtype"),
        queryset=MeetingType.objects.filter(house=house).order_by("name"),
        required=False,
        empty_label=_("— het huis als geheel —"),
    )


def house_members(house: SafetyHouse) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(organisation__house=house)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


class AssessmentForm(ServerValidatedForm, VersionedForm):
    instrument = forms.ChoiceField(
        label=_("Vragenlijst"),
        choices=[(key, instrument.title) for key, instrument in INSTRUMENTS.items()],
        widget=forms.RadioSelect,
        help_text=_(
            "De factoren van het Brabantse onderzoek (17 stellingen) of de vragenlijst voor deelnemers uit de "
            "evaluatie Gooi en Vechtstreek (ongeveer 10-15 minuten)."
        ),
        error_messages={"required": _("Kies een van de vragenlijsten.")},
    )
    title = forms.CharField(
        label=_("Titel"), max_length=200, error_messages={"required": _("Geef de zelfevaluatie een titel.")}
    )
    closes_on = forms.DateField(
        label=_("Sluit op"),
        widget=DateInput(),
        error_messages={
            "required": _("Kies de dag waarop de zelfevaluatie sluit."),
            "invalid": _("Vul een geldige datum in."),
        },
        help_text=_(
            "Na deze dag sluit de zelfevaluatie vanzelf; deelnemers krijgen twee werkdagen ervoor een herinnering."
        ),
    )

    def __init__(self, *args: Any, house: SafetyHouse, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"] = house_meeting_types(house)
        if editing:
            del self.fields["instrument"]
            del self.fields["meeting_type"]


class InviteForm(ServerValidatedForm):
    participants = forms.MultipleChoiceField(
        label=_("Deelnemers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één deelnemer.")},
        help_text=_("Medewerkers die de afgelopen twaalf maanden bij dit overleg aanwezig waren staan bovenaan."),
    )

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["participants"].choices = [  # type: ignore[attr-defined]
            (str(m.pk), f"{m.user.full_name} ({m.organisation.name}, {m.get_role_display()})") for m in members
        ]

    def chosen(self) -> list[Membership]:
        return [self.members[pk] for pk in self.cleaned_data["participants"]]


class AnswersForm(VersionedForm):
    """The participant's questionnaire: one field per question, all optional (a question can be
    skipped); built from the instrument."""

    use_required_attribute = False

    def __init__(self, *args: Any, instrument: Instrument, disabled: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for question in instrument.questions():
            help_text = str(question.note) if question.note else ""
            if question.kind == QuestionKind.SCALE:
                field: forms.Field = forms.ChoiceField(
                    label=question.text, choices=instrument.scale, widget=forms.RadioSelect, required=False
                )
            elif question.kind == QuestionKind.NUMBER:
                field = forms.IntegerField(
                    label=question.text,
                    required=False,
                    min_value=question.minimum,
                    max_value=question.maximum,
                    error_messages={
                        "invalid": _("Vul een heel getal in."),
                        "min_value": _("Vul een getal in van ten minste %(limit_value)s."),
                        "max_value": _("Vul een getal in van hoogstens %(limit_value)s."),
                    },
                )
                help_text = f"{question.unit}"
            else:
                field = forms.CharField(label=question.text, widget=forms.Textarea(attrs=TEXTAREA), required=False)
            field.help_text = help_text
            field.disabled = disabled
            self.fields[question.key] = field

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(section, [self[q.key] for q in section.questions]) for section in self.instrument.sections]

    def answers(self) -> dict[str, object]:
        return {key: self.cleaned_data.get(key) for key in self.instrument.keys()}


def answers_initial(answers: list[AssessmentAnswer]) -> dict[str, object]:
    return {a.question: a.choice or (a.number if a.number is not None else a.text) for a in answers}


class PlanForm(ServerValidatedForm, VersionedForm):
    title = forms.CharField(
        label=_("Titel"), max_length=200, error_messages={"required": _("Geef het verbeterplan een titel.")}
    )
    aim = forms.CharField(
        label=_("Wat willen we bereiken?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op wat het plan moet bereiken.")},
    )

    def __init__(self, *args: Any, house: SafetyHouse | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if house is not None:
            self.fields["meeting_type"] = house_meeting_types(house)
            self.fields["assessment"] = forms.ModelChoiceField(
                label=_("Naar aanleiding van zelfevaluatie"),
                queryset=SelfAssessment.objects.filter(house=house).exclude(status="draft").order_by("-closes_on"),
                required=False,
                empty_label=_("— geen —"),
            )


class ActionForm(ServerValidatedForm, VersionedForm):
    title = forms.CharField(
        label=_("Verbeteractie"), max_length=200, error_messages={"required": _("Beschrijf de verbeteractie.")}
    )
    description = forms.CharField(label=_("Wat houdt het in?"), widget=forms.Textarea(attrs=TEXTAREA), required=False)
    who = forms.ChoiceField(label=_("Wie trekt de actie?"), error_messages={"required": _("Kies wie de actie trekt.")})
    due_date = forms.DateField(
        label=_("Klaar op"),
        widget=DateInput(),
        error_messages={
            "required": _("Kies de datum waarop de actie klaar moet zijn."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    indicators = forms.CharField(
        label=_("Indicatoren die de actie moet bewegen"),
        required=False,
        help_text=_(
            "Per indicator de sleutel uit de indicatorcatalogus en de richting, gescheiden door komma's, "
            "bijv. 'agreements_on_time:omhoog, agreements_overdue:omlaag'."
        ),
    )

    def __init__(self, *args: Any, house: SafetyHouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = [m for m in house_members(house)]
        self.members = {f"{m.organisation_id}:{m.user_id}": m for m in members}
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, m in self.members.items():
            groups.setdefault(m.organisation.name, []).append((key, m.user.full_name))
        self.fields["who"].choices = [("", _("— kies —")), *groups.items()]  # type: ignore[attr-defined]

    def clean_indicators(self) -> list[tuple[str, str]]:
        return check_indicator_pairs(self.cleaned_data.get("indicators", ""))

    def who_values(self) -> tuple[Organisation | None, Any]:
        member = self.members.get(self.cleaned_data.get("who", ""))
        return (member.organisation, member.user) if member else (None, None)


def action_initial(action: ImprovementAction) -> dict[str, object]:
    return {
        "title": action.title,
        "description": action.description,
        "who": f"{action.organisation_id}:{action.owner_id}",
        "due_date": action.due_date,
        "indicators": ", ".join(
            f"{i.indicator_key}:{'omhoog' if i.direction == 'up' else 'omlaag'}" for i in action.indicators.all()
        ),
        "version": action.version,
    }


class ActionReportForm(ServerValidatedForm, VersionedForm):
    progress = forms.ChoiceField(
        label=_("Voortgang"),
        choices=[(value, label) for value, label in ActionProgress.choices if value],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies: uitgevoerd, deels of niet uitgevoerd.")},
    )
    result = forms.CharField(
        label=_("Resultaat"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Beschrijf het resultaat, of waarom het (nog) niet lukte.")},
    )


class DropForm(ServerValidatedForm, VersionedForm):
    reason = forms.CharField(
        label=_("Waarom vervalt de actie?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op waarom de actie vervalt.")},
    )


def _years() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - 6, -1)]


class ValueRatingForm(ServerValidatedForm):
    """A rating is recorded once per organisation, year and aspect. Not a `VersionedForm`: the
    same form records a first rating (nothing to carry a version of) and replaces one (with its
    version). Without a version nothing is overwritten: `value_rating_record` answers a rating
    that exists with a ConflictError, and the form comes back carrying that rating's version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int, choices=_years)
    aspect = forms.CharField(
        label=_("Waarde-indicator"),
        max_length=200,
        required=False,
        help_text=_("Bijv. 'Onderling vertrouwen tussen de samenwerkingspartners'. Leeg: de actie als geheel."),
    )
    rating = forms.TypedChoiceField(
        label=_("Waardering"),
        coerce=int,
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een waardering van 1 tot en met 5.")},
    )
    narrative = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Licht de waardering toe: wat ziet u in de praktijk?")},
        help_text=_("Wat ziet uw organisatie in de praktijk? Een voorbeeld zegt meer dan een cijfer."),
    )


class HoursField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        hours = parse_hours(value)
        if hours is None:
            raise ValidationError(_("Vul een aantal uren in, bijv. 2,5."), code="invalid")
        return hours


class EffortForm(ServerValidatedForm, VersionedForm):
    month = forms.DateField(
        label=_("Maand"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"required": _("Kies de maand waarover de uren gaan."), "invalid": _("Kies een maand.")},
    )
    activity = forms.ChoiceField(
        label=_("Activiteit"),
        choices=[("", _("— kies —")), *Activity.choices],
        error_messages={"required": _("Kies de activiteit.")},
    )
    direction = forms.ChoiceField(
        label=_("Meer- of minderwerk"),
        choices=EffortDirection.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies: meerwerk of minderwerk.")},
    )
    hours = HoursField(
        label=_("Uren"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 8, "size": 8}),
        error_messages={"required": _("Vul het aantal uren in.")},
        help_text=_("In uren, op een tiende uur nauwkeurig (bijv. 2,5)."),
    )
    evidence = forms.ChoiceField(
        label=_("Hoe vastgesteld?"),
        choices=Evidence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe de uren zijn vastgesteld.")},
        help_text=_("Gemeten (uit een registratie), geschat (een onderbouwde schatting) of gevoelsmatig."),
    )
    note = forms.CharField(label=_("Toelichting"), max_length=500, required=False)

    def __init__(
        self, *args: Any, house: SafetyHouse, organisations: list[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisatie"),
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name"),
                required=False,
                empty_label=_("— de organisatie waarvoor u werkt —"),
                help_text=_("Als procesregisseur of ketenmanager legt u ook uren vast namens een partner."),
            )
            self.order_fields(["organisation"])
        meeting_type = house_meeting_types(house)
        meeting_type.required = False
        meeting_type.empty_label = _("— niet voor één overlegtype —")
        self.fields["meeting_type"] = meeting_type
        self.fields["action"] = forms.ModelChoiceField(
            label=_("Verbeteractie"),
            queryset=ImprovementAction.objects.filter(plan__house=house)
            .select_related("plan")
            .order_by("plan__title", "title"),
            required=False,
            empty_label=_("— niet voor één verbeteractie —"),
        )


def effort_initial(entry: EffortEntry) -> dict[str, object]:
    return {
        "month": entry.month,
        "activity": entry.activity,
        "direction": entry.direction,
        "hours": str(entry.hours).replace(".", ","),
        "evidence": entry.evidence,
        "note": entry.note,
        "meeting_type": entry.meeting_type_id,
        "action": entry.action_id,
        "version": entry.version,
    }


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Vul een jaartal in, bijv. 2025.")},
    )

    def chosen(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return timezone.localdate().year


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
