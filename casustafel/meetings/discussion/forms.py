"""Forms of the live meeting. They only parse; the services validate with Dutch messages per
field. Each form is rendered once per guide question (a prefix per question), so one page can
hold several forms of the same kind with unique ids."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.cases.forms.information import ProvenanceForm
from casustafel.meeting_types.models import SafetyPhase
from casustafel.meetings.models import SCORE_MAX, SCORE_MIN, EntryKind, IncidentMoment, RiskScope, RiskStability, Term
from casustafel.organisations.models import Organisation
from casustafel.plans.models import AgreementKind


def _choices(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class AnswerForm(forms.Form):
    """The free-text answer to one question; `version` is empty while there is no answer."""

    text = forms.CharField(label=_("Antwoord"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EntryForm(forms.Form):
    # The server validates with Dutch messages next to each field; the browser's own
    # required-field styling and bubbles would show before anyone typed.
    use_required_attribute = False

    """One structured entry; the fields that do not apply to the kind are left out."""

    FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
        EntryKind.CONCERN: ("text", "source"),
        EntryKind.STRENGTH: ("text",),
        EntryKind.NEED: ("text",),
        EntryKind.INCIDENT: ("incident_moment", "occurred", "text"),
        EntryKind.RISK: ("text", "risk_stability", "risk_scope", "rank"),
        EntryKind.IDEA: ("text", "organisation"),
        EntryKind.PRIORITY: ("text", "reason", "term", "rank"),
        EntryKind.INTERVENTION: ("text", "organisation", "term"),
    }
    TEXT_LABELS: dict[str, Any] = {
        EntryKind.CONCERN: _("Zorg"),
        EntryKind.STRENGTH: _("Kracht"),
        EntryKind.NEED: _("Wat is nodig"),
        EntryKind.INCIDENT: _("Wat gebeurde er"),
        EntryKind.RISK: _("Risicofactor"),
        EntryKind.IDEA: _("Idee"),
        EntryKind.PRIORITY: _("Actie met voorrang"),
        EntryKind.INTERVENTION: _("Interventie"),
    }

    REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
        EntryKind.CONCERN: ("text", "source"),
        EntryKind.STRENGTH: ("text",),
        EntryKind.NEED: ("text",),
        EntryKind.INCIDENT: ("incident_moment", "text"),
        EntryKind.RISK: ("text", "risk_stability", "risk_scope"),
        EntryKind.IDEA: ("text",),
        EntryKind.PRIORITY: ("text", "reason", "term"),
        EntryKind.INTERVENTION: ("text", "term"),
    }
    REQUIRED_MESSAGES: dict[str, Any] = {
        "text": _("Vul de omschrijving in."),
        "source": _("Waar rust de zorg op? Vul de bron in (waarneming, melding, vermoeden)."),
        "incident_moment": _("Kies het eerste, ergste of laatste incident."),
        "risk_stability": _("Kies statisch of dynamisch."),
        "risk_scope": _("Kies individueel of systemisch."),
        "reason": _("Schrijf op waarom dit voorrang heeft."),
        "term": _("Kies korte of lange termijn."),
    }

    kind = forms.ChoiceField(choices=EntryKind.choices, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(
        label=_("Bron"),
        required=False,
        max_length=300,
        help_text=_("Waar rust de zorg op: waarneming, melding, vermoeden?"),
    )
    incident_moment = forms.ChoiceField(
        label=_("Welk incident"), required=False, choices=_choices(_("Kies"), IncidentMoment.choices)
    )
    occurred = forms.CharField(label=_("Wanneer"), required=False, max_length=100)
    risk_stability = forms.ChoiceField(
        label=_("Statisch of dynamisch"), required=False, choices=_choices(_("Kies"), RiskStability.choices)
    )
    risk_scope = forms.ChoiceField(
        label=_("Individueel of systemisch"), required=False, choices=_choices(_("Kies"), RiskScope.choices)
    )
    rank = forms.IntegerField(
        label=_("Plaats in de top 3"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Vul een getal in."), "min_value": _("Een plaats is 1 of hoger.")},
    )
    reason = forms.CharField(label=_("Waarom voorrang"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    term = forms.ChoiceField(label=_("Termijn"), required=False, choices=_choices(_("Kies"), Term.choices))
    organisation = OrganisationChoiceField(
        label=_("Organisatie"), required=False, queryset=Organisation.objects.none(), empty_label=_("Geen / n.v.t.")
    )

    def __init__(self, *args: Any, kind: str, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entry_kind = kind
        wanted = {"kind", *self.FIELDS_BY_KIND[kind]}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.fields["text"].label = self.TEXT_LABELS[kind]
        for name in self.REQUIRED_BY_KIND.get(kind, ()):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = self.REQUIRED_MESSAGES[name]
        if "organisation" in self.fields:
            field = self.fields["organisation"]
            field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]
        if kind == EntryKind.PRIORITY and "rank" in self.fields:
            self.fields["rank"].label = _("Volgorde")
        self.initial.setdefault("kind", kind)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name) if name in ("rank", "organisation") else data.get(name) or ""
            for name in self.fields
            if name != "kind"
        }


class ScoreForm(forms.Form):
    # The server validates with Dutch messages next to each field; the browser's own
    # required-field styling and bubbles would show before anyone typed.
    use_required_attribute = False

    participant = forms.CharField(
        label=_("Deelnemer"),
        max_length=200,
        help_text=_("Naam, of de rol van een gezinslid."),
        error_messages={"required": _("Vul in van wie dit cijfer is.")},
    )
    organisation = OrganisationChoiceField(
        label=_("Organisatie"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Gezinslid / cliënt"),
    )
    score = forms.IntegerField(
        label=_("Cijfer (%(min)s-%(max)s)") % {"min": SCORE_MIN, "max": SCORE_MAX},
        widget=forms.NumberInput(attrs={"min": SCORE_MIN, "max": SCORE_MAX, "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Geef een cijfer van 0 tot en met 10."),
            "required": _("Geef een cijfer van 0 tot en met 10."),
        },
    )
    justification = forms.CharField(
        label=_("Onderbouwing"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Wat is de onderbouwing voor het cijfer?")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]


class FactForm(ProvenanceForm):
    # The server validates with Dutch messages next to each field; the browser's own
    # required-field styling and bubbles would show before anyone typed.
    use_required_attribute = False

    """A fact of the picture as an organisation at the table brings it in."""

    organisation = OrganisationChoiceField(
        label=_("Ingebracht door"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies de organisatie"),
        error_messages={"required": _("Kies de organisatie die dit inbrengt.")},
    )
    text = forms.CharField(
        label=_("Feit"),
        error_messages={"required": _("Beschrijf het feit.")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Feitelijk en kort: wat, wanneer."),
    )
    source = forms.CharField(
        label=_("Bron"),
        max_length=300,
        help_text=_("Bijv. politiemutatie 3 maart, huisbezoek, verklaring moeder."),
        error_messages={"required": _("Vul de bron in: waar komt deze informatie vandaan?")},
    )

    field_order = ["organisation", "text", "source", "person"]
    MAIN_FIELDS = ("organisation", "text", "source", "person")

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS]

    def provenance_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MAIN_FIELDS]


class PhaseMoveForm(forms.Form):
    # The server validates with Dutch messages next to each field; the browser's own
    # required-field styling and bubbles would show before anyone typed.
    use_required_attribute = False

    to_phase = forms.ChoiceField(
        label=_("Naar fase"),
        choices=_choices(_("Kies de fase"), SafetyPhase.choices),
        error_messages={"required": _("Kies een fase.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Schrijf op waarom de fase verandert.")},
        help_text=_("Waarom vooruit of terug? Bijv. 'geen zorgen meer om de directe veiligheid'."),
    )


class RequirementForm(forms.Form):
    # The server validates with Dutch messages next to each field; the browser's own
    # required-field styling and bubbles would show before anyone typed.
    use_required_attribute = False

    what = forms.CharField(
        label=_("Bodemeis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wat moet er minimaal gerealiseerd worden?"),
        error_messages={"required": _("Beschrijf wat er minimaal gerealiseerd moet worden.")},
    )
    monitor = OrganisationChoiceField(
        label=_("Bewaakt door"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies de organisatie"),
        error_messages={"required": _("Kies de organisatie die de bodemeis bewaakt.")},
    )
    if_not_met = forms.CharField(
        label=_("Als niet nagekomen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wat doen we als de bodemeis niet wordt nagekomen?"),
        error_messages={"required": _("Schrijf op wat er gebeurt als de bodemeis niet wordt nagekomen.")},
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["monitor"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]


class AgreementForm(forms.Form):
    # The server validates with Dutch messages next to each field; the browser's own
    # required-field styling and bubbles would show before anyone typed.
    use_required_attribute = False

    organisation = OrganisationChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies de organisatie"),
        error_messages={"required": _("Kies de organisatie die de afspraak uitvoert.")},
    )
    owner = PersonChoiceField(
        label=_("Wie voert het uit"),
        queryset=User.objects.none(),
        empty_label=_("Kies de persoon"),
        error_messages={"required": _("Kies wie de afspraak uitvoert.")},
    )
    what = forms.CharField(
        label=_("Wat"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Beschrijf wat er wordt gedaan.")},
    )
    due_date = forms.DateField(
        label=_("Uiterlijk op"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": _("Vul een geldige datum in."),
            "required": _("Vul in wanneer de afspraak uiterlijk klaar is."),
        },
    )
    due_time = forms.TimeField(
        label=_("Uiterlijk om"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Alleen voor afspraken op het uur, zoals in het Actie-overleg."),
        error_messages={"invalid": _("Vul een geldige tijd in.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort afspraak"),
        choices=_choices(_("Kies"), AgreementKind.choices),
        error_messages={"required": _("Kies de soort afspraak.")},
    )
    justification = forms.CharField(
        label=_("Onderbouwing"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Waarom is deze afspraak nodig?"),
        error_messages={"required": _("Schrijf op waarom deze afspraak nodig is.")},
    )

    def __init__(self, *args: Any, organisations: list[Organisation], owners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]
        self.fields["owner"].queryset = User.objects.filter(pk__in=[u.pk for u in owners]).order_by("full_name")  # type: ignore[attr-defined]
