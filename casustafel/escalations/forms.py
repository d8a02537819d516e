"""Forms of the escalation pages; they parse, the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.cases.forms.referrals import DateInput
from casustafel.cases.models import Case, CaseInvolvement
from casustafel.escalations.models import EscalationReason
from casustafel.escalations.services import SELF_REPORTED
from casustafel.lib.forms import ServerValidatedForm, VersionedForm
from casustafel.organisations.models import Organisation

TEXTAREA = {"rows": 4}


class RaiseForm(ServerValidatedForm):
    reason = forms.ChoiceField(label=_("Aanleiding"), choices=EscalationReason.choices, widget=forms.RadioSelect)
    question = forms.CharField(
        label=_("Wat moet er besloten of opgelost worden?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op wat er besloten of opgelost moet worden.")},
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Betrokken partijen"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bij casusregie: de kandidaten. Anders: de organisatie(s) waar het om gaat."),
    )
    deadline = forms.DateField(
        label=_("Termijn tot en met"),
        widget=DateInput(),
        required=False,
        help_text=_("Niet verplicht; stappen met een vaste termijn krijgen die vanzelf (10 werkdagen)."),
    )

    def __init__(self, *args: Any, case: Case, process_director: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        involved = CaseInvolvement.objects.current().filter(case=case).values("organisation")
        self.fields["parties"].queryset = Organisation.objects.filter(pk__in=involved).order_by("name")  # type: ignore[attr-defined]
        if not process_director:
            self.fields["reason"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in EscalationReason.choices if value in SELF_REPORTED
            ]
            del self.fields["deadline"]


class StepUpForm(ServerValidatedForm, VersionedForm):
    question = forms.CharField(
        label=_("Vraag aan het volgende niveau"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op wat u aan dit niveau vraagt.")},
    )
    deadline = forms.DateField(
        label=_("Termijn tot en met"),
        widget=DateInput(),
        required=False,
        help_text=_("Alleen voor een stap zonder vaste termijn; anders 10 werkdagen vanaf vandaag."),
    )
    public_administration_informed = forms.BooleanField(
        label=_("Het openbaar bestuur is tegelijk geïnformeerd (stap 5)"), required=False
    )


class AnswerForm(ServerValidatedForm, VersionedForm):
    answer = forms.CharField(
        label=_("Antwoord van dit niveau"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf het antwoord op.")},
    )


class ResolveForm(ServerValidatedForm, VersionedForm):
    outcome = forms.CharField(
        label=_("Uitkomst"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf de uitkomst op: wat is besloten, en door wie.")},
        help_text=_("Wat is besloten, door wie, en wat gebeurt er nu?"),
    )
