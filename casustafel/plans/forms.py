"""Forms of the plan pages. They parse input; the services validate (errors come back next to
the field through `lib.forms.add_service_errors`). Who carries something out (organisation and
named person) is one choice, so the person always belongs to the organisation chosen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.cases.forms.referrals import DateInput
from casustafel.cases.models import Case, CaseInvolvement, CloseReason
from casustafel.lib.forms import ServerValidatedForm, VersionedForm
from casustafel.meeting_types.models import SafetyPhase
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Organisation
from casustafel.plans.models import (
    GOAL_OUTCOMES,
    SAFETY_SCORE_MAX,
    Agreement,
    AgreementEnd,
    AgreementKind,
    AgreementProgress,
    Approach,
    CaseDirectorTask,
    FollowUpAnswer,
    Goal,
    GoalStatus,
)

TEXTAREA = {"rows": 3}


def case_organisations(case: Case) -> list[Organisation]:
    """The organisations that can take something on in the case: the involved partners and the
    house's own office."""
    involved = CaseInvolvement.objects.current().filter(case=case).values("organisation")
    return list(
        Organisation.objects.filter(house=case.house_id, is_active=True)
        .filter(Q(pk__in=involved) | Q(is_house_office=True))
        .order_by("name")
    )


def case_workers(case: Case) -> list[Membership]:
    organisations = [org.pk for org in case_organisations(case)]
    return list(
        Membership.objects.active()
        .filter(organisation__in=organisations, role__in=CASE_WORKER_ROLES)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


def _person_value(organisation_id: int, user_id: int) -> str:
    return f"{organisation_id}:{user_id}"


class WhoField(forms.ChoiceField):
    """Organisation and named person in one choice ("<organisation id>:<user id>"), grouped by
    organisation; with `organisation_only`, also just the organisation ("<organisation id>:")."""

    def __init__(self, *, workers: list[Membership], organisation_only: bool = False, **kwargs: Any) -> None:
        groups: dict[str, list[tuple[str, str]]] = {}
        for membership in workers:
            org = membership.organisation
            options = groups.setdefault(org.name, [])
            if organisation_only and not options:
                options.append(
                    (f"{org.pk}:", str(_("%(organisation)s (nog geen persoon)") % {"organisation": org.name}))
                )
            options.append((_person_value(org.pk, membership.user_id), membership.user.full_name))
        choices: list[Any] = [("", _("— kies —"))]
        choices += [(name, options) for name, options in groups.items()]
        super().__init__(choices=choices, **kwargs)
        self._organisations = {m.organisation.pk: m.organisation for m in workers}
        self._users = {m.user_id: m.user for m in workers}

    def parse(self, value: str) -> tuple[Organisation | None, User | None]:
        if not value:
            return None, None
        organisation_id, _sep, user_id = value.partition(":")
        organisation = self._organisations.get(int(organisation_id))
        user = self._users.get(int(user_id)) if user_id else None
        return organisation, user


class PlanForm(ServerValidatedForm, VersionedForm):
    approach = forms.ChoiceField(
        label=_("Aanpak"),
        choices=Approach.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Gezamenlijk: de partners bepalen samen de inhoud en de interventies achter één doel. "
            "Afgestemd: ieder volgt het eigen spoor, afgestemd op de anderen."
        ),
    )
    common_goal = forms.CharField(
        label=_("Gezamenlijk doel"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Formuleer het gezamenlijke doel.")},
        help_text=_("Het doel waar alle partners achter staan, in één of twee zinnen."),
    )
    problem = forms.CharField(label=_("Probleembeschrijving"), widget=forms.Textarea(attrs=TEXTAREA), required=False)
    household_summary = forms.CharField(
        label=_("Samenvatting voor het huishouden (B1)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Schrijf zoals u praat: korte zinnen, gewone woorden. Wat gaan we doen, wie doet wat, en wanneer "
            "praten we weer met u? Deze tekst komt in de brief aan het huishouden."
        ),
    )
    review_date = forms.DateField(
        label=_("Rappeldatum"),
        widget=DateInput(),
        required=False,
        help_text=_("Wanneer de casus weer op de agenda komt. Verplicht zolang de casus er geen heeft."),
    )
    reason = forms.CharField(
        label=_("Waarom verandert het plan?"),
        max_length=300,
        error_messages={"required": _("Schrijf kort op waarom het plan verandert.")},
        help_text=_("Bijv. 'Vastgesteld in het overleg van 4 maart' of 'Doel aangescherpt na huisbezoek'."),
    )

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["review_date"]


class GoalForm(ServerValidatedForm, VersionedForm):
    title = forms.CharField(label=_("Doel"), max_length=300, error_messages={"required": _("Beschrijf het doel.")})
    criterion = forms.CharField(
        label=_("Resultaatcriterium"),
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        help_text=_("Waaraan zien we dat het doel bereikt is? Meetbaar, bijv. 'drie maanden geen politiemelding'."),
    )
    owner = forms.ChoiceField(label=_("Eigenaar"), required=False)
    target_date = forms.DateField(label=_("Streefdatum"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=_("Waarom verandert het plan?"),
        max_length=300,
        error_messages={"required": _("Schrijf kort op waarom het plan verandert.")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = WhoField(
            workers=case_workers(case), organisation_only=True, label=_("Eigenaar"), required=False
        )

    def owner_values(self) -> tuple[Organisation | None, User | None]:
        field = self.fields["owner"]
        assert isinstance(field, WhoField)
        return field.parse(self.cleaned_data.get("owner") or "")


def goal_initial(goal: Goal) -> dict[str, Any]:
    owner = ""
    if goal.owner_organisation_id:
        owner = f"{goal.owner_organisation_id}:{goal.owner_id or ''}"
    return {
        "title": goal.title,
        "criterion": goal.criterion,
        "owner": owner,
        "target_date": goal.target_date,
        "version": goal.version,
    }


class GoalProgressForm(ServerValidatedForm, VersionedForm):
    status = forms.ChoiceField(label=_("Voortgang"), choices=GoalStatus.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(
        label=_("Waarop rust dit oordeel?"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    status_on = forms.DateField(label=_("Beoordeeld op"), widget=DateInput(), required=False)


class ReasonForm(ServerValidatedForm, VersionedForm):
    reason = forms.CharField(label=_("Reden"), max_length=300, error_messages={"required": _("Schrijf de reden op.")})


class AgreementForm(ServerValidatedForm, VersionedForm):
    who = forms.ChoiceField(
        label=_("Wie voert het uit?"), error_messages={"required": _("Kies wie de afspraak uitvoert.")}
    )
    what = forms.CharField(
        label=_("Wat"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Beschrijf wat er wordt gedaan.")},
    )
    due_date = forms.DateField(
        label=_("Uiterlijk op"),
        widget=DateInput(),
        error_messages={"required": _("Vul in wanneer de afspraak uiterlijk klaar is.")},
    )
    due_time = forms.TimeField(
        label=_("Uiterlijk om"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        required=False,
        help_text=_("Alleen als het uur ertoe doet, zoals bij het Actie-overleg."),
    )
    kind = forms.ChoiceField(
        label=_("Soort afspraak"),
        choices=AgreementKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies de soort afspraak.")},
    )
    goal = forms.ModelChoiceField(label=_("Draagt bij aan doel"), queryset=Goal.objects.none(), required=False)
    justification = forms.CharField(
        label=_("Onderbouwing"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op waarom deze afspraak nodig is.")},
        help_text=_("Waarom is deze afspraak nodig? (In het dossieronderzoek had maar 17 procent een onderbouwing.)"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who"] = WhoField(
            workers=case_workers(case),
            label=_("Wie voert het uit?"),
            error_messages={"required": _("Kies wie de afspraak uitvoert.")},
        )
        self.fields["goal"].queryset = Goal.objects.filter(plan__case=case, withdrawn_at__isnull=True)  # type: ignore[attr-defined]

    def who_values(self) -> tuple[Organisation | None, User | None]:
        field = self.fields["who"]
        assert isinstance(field, WhoField)
        return field.parse(self.cleaned_data.get("who") or "")


def agreement_initial(agreement: Agreement) -> dict[str, Any]:
    return {
        "who": _person_value(agreement.organisation_id, agreement.owner_id),
        "what": agreement.what,
        "due_date": agreement.due_date,
        "due_time": agreement.due_time,
        "kind": agreement.kind,
        "goal": agreement.goal_id,
        "justification": agreement.justification,
        "version": agreement.version,
    }


class AnswerForm(ServerValidatedForm, VersionedForm):
    """Accept or decline (an agreement, or case direction)."""

    decision = forms.ChoiceField(
        label=_("Uw antwoord"),
        choices=[("accept", _("Accepteren")), ("decline", _("Weigeren"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reden (bij weigeren)"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=2000
    )


class ReportForm(ServerValidatedForm, VersionedForm):
    progress = forms.ChoiceField(
        label=_("Stand van zaken"),
        choices=[choice for choice in AgreementProgress.choices if choice[0]],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies: uitgevoerd, deels of niet uitgevoerd.")},
    )
    result = forms.CharField(
        label=_("Resultaat"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Beschrijf het resultaat, of waarom het (nog) niet lukte.")},
        help_text=_("Wat is er gedaan en wat kwam eruit; of waarom het (nog) niet lukte."),
    )


class RequirementCheckForm(ServerValidatedForm):
    met = forms.TypedChoiceField(
        label=_("Wordt de bodemeis nagekomen?"),
        choices=[("yes", _("Ja")), ("no", _("Nee"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Wat zag of hoorde u?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Beschrijf wat u zag of hoorde.")},
    )


class PhaseMoveForm(ServerValidatedForm):
    to_phase = forms.ChoiceField(label=_("Naar fase"), choices=SafetyPhase.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Waarom?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op waarom de fase verandert.")},
    )


class DirectionProposeForm(ServerValidatedForm):
    who = forms.ChoiceField(
        label=_("Casusregisseur"), error_messages={"required": _("Kies de professional die de casusregie krijgt.")}
    )
    reason = forms.CharField(
        label=_("Waarom deze professional?"),
        max_length=300,
        error_messages={"required": _("Schrijf op waarom deze professional de casusregie krijgt.")},
        help_text=_("Bijv. 'Kent het gezin het best; gezinsvoogd sinds de ondertoezichtstelling'."),
    )
    period_until = forms.DateField(
        label=_("Voor de periode tot"),
        widget=DateInput(),
        required=False,
        help_text=_("Leeg: tot de casus wordt afgesloten."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = [m for m in case_workers(case) if not m.organisation.is_house_office]
        self.fields["who"] = WhoField(
            workers=workers,
            label=_("Casusregisseur"),
            error_messages={"required": _("Kies de professional die de casusregie krijgt.")},
        )
        for task in CaseDirectorTask:
            self.fields[f"elsewhere_{task.value}"] = forms.CharField(
                label=task.label,
                required=False,
                max_length=200,
                help_text=_("Leeg: de casusregisseur doet dit. Anders: bij wie deze taak ligt."),
            )

    def task_fields(self) -> list[forms.BoundField]:
        return [self[f"elsewhere_{task.value}"] for task in CaseDirectorTask]

    def who_values(self) -> tuple[Organisation | None, User | None]:
        field = self.fields["who"]
        assert isinstance(field, WhoField)
        return field.parse(self.cleaned_data.get("who") or "")

    def excluded(self) -> list[dict[str, str]]:
        return [
            {"task": task.value, "assigned_to": self.cleaned_data[f"elsewhere_{task.value}"]}
            for task in CaseDirectorTask
            if self.cleaned_data.get(f"elsewhere_{task.value}", "").strip()
        ]


class TaskCheckForm(ServerValidatedForm):
    role = forms.CharField(widget=forms.HiddenInput)
    task = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Notitie"), max_length=300, required=False)


class ClosureForm(ServerValidatedForm, VersionedForm):
    """Closing a case: the fixed fields, plus one choice per open goal (`goal_<id>`, with
    `goal_<id>_evidence`) and per open agreement (`agreement_<id>`, with
    `agreement_<id>_continues_with`)."""

    reason_kind = forms.ChoiceField(
        label=_("Reden van afsluiten"),
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies de reden van afsluiten.")},
    )
    reason = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        max_length=2000,
        help_text=_("Verplicht bij 'Anders'."),
    )
    closed_on = forms.DateField(
        label=_("Datum van afsluiten"),
        widget=DateInput(),
        error_messages={"required": _("Vul de datum van afsluiten in.")},
    )
    continues = forms.CharField(
        label=_("Wat loopt door, en bij wie?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op wat er doorloopt en bij wie (of dat niets doorloopt).")},
    )
    if_it_goes_wrong = forms.CharField(
        label=_("Wat als het later toch weer niet goed gaat?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf op wat er gebeurt als het later toch weer niet goed gaat.")},
        help_text=_("Wie signaleert, en hoe komt de casus dan snel terug in het huis?"),
    )
    last_safety_score = forms.IntegerField(
        label=_("Laatste veiligheidscijfer (0-10)"),
        min_value=0,
        max_value=SAFETY_SCORE_MAX,
        error_messages={"required": _("Geef een veiligheidscijfer van 0 tot en met 10.")},
    )
    last_safety_justification = forms.CharField(
        label=_("Onderbouwing van het veiligheidscijfer"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Onderbouw het veiligheidscijfer.")},
    )

    def __init__(self, *args: Any, goals: list[Goal], agreements: list[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals, self.agreements = goals, agreements
        outcomes = [(value, label) for value, label in GoalStatus.choices if value in GOAL_OUTCOMES]
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=goal.title,
                choices=outcomes,
                widget=forms.RadioSelect,
                error_messages={"required": _("Geef aan of dit doel is behaald.")},
            )
            self.fields[f"goal_{goal.pk}_evidence"] = forms.CharField(
                label=_("Waarop rust dit oordeel?"), widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
        for agreement in agreements:
            self.fields[f"agreement_{agreement.pk}"] = forms.ChoiceField(
                label=_("%(organisation)s: %(what)s")
                % {"organisation": agreement.organisation.name, "what": agreement.what},
                choices=AgreementEnd.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies wat er met deze lopende afspraak gebeurt.")},
            )
            self.fields[f"agreement_{agreement.pk}_continues_with"] = forms.CharField(
                label=_("Loopt door bij"), max_length=300, required=False
            )

    def goal_rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        return [(goal, self[f"goal_{goal.pk}"], self[f"goal_{goal.pk}_evidence"]) for goal in self.goals]

    def agreement_rows(self) -> list[tuple[Agreement, forms.BoundField, forms.BoundField]]:
        return [
            (agreement, self[f"agreement_{agreement.pk}"], self[f"agreement_{agreement.pk}_continues_with"])
            for agreement in self.agreements
        ]


class FollowUpForm(ServerValidatedForm, VersionedForm):
    new_incidents = forms.ChoiceField(
        label=_("Zijn er nieuwe incidenten geweest?"),
        choices=FollowUpAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies ja, nee of onbekend.")},
    )
    re_referral = forms.ChoiceField(
        label=_("Is het huishouden opnieuw aangemeld?"),
        choices=FollowUpAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies ja, nee of onbekend.")},
    )
    still_safe = forms.ChoiceField(
        label=_("Is het nog steeds veilig?"),
        choices=FollowUpAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies ja, nee of onbekend.")},
    )
    note = forms.CharField(label=_("Toelichting"), widget=forms.Textarea(attrs=TEXTAREA), required=False)
