"""Outcome indicators: goals achieved at closure, the safety score at the first and the last
discussion, the phase at entry and at closure, and what happened 3, 6 and 12 months after
closure. Definitions: docs/indicators.md."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Avg, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models import Case as Choose
from django.db.models.functions import Coalesce
from django.db.models.functions.datetime import TruncBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from casustafel.cases.models import Case, Referral
from casustafel.meeting_types.models_guides import SafetyPhase
from casustafel.meetings.models import Discussion, MeetingStatus, SafetyScore
from casustafel.organisations.models import SafetyHouse
from casustafel.plans.models import FollowUp, FollowUpAnswer, Goal, GoalStatus, PhaseMove
from casustafel.reporting.cube import TOTAL
from casustafel.reporting.indicators.base import Context, Result, register
from casustafel.reporting.indicators.counts import CountIndicator, register_source
from casustafel.reporting.indicators.figures import cell_figure, mean_figure, share_figure
from casustafel.reporting.tables import Figure

NO_PHASE = "none"
PHASES = (*((value, label) for value, label in SafetyPhase.choices), (NO_PHASE, _lazy("Geen fase vastgelegd")))
SAFETY_CHANGE = (
    ("safer", _lazy("Veiliger bij de laatste bespreking")),
    ("same", _lazy("Even veilig")),
    ("less_safe", _lazy("Minder veilig")),
    ("once", _lazy("Eén bespreking met scores")),
    ("no_scores", _lazy("Geen scores")),
)


def _scored_discussions() -> QuerySet[Discussion]:
    """Discussions of the outer case that have scores, in the order they were held."""
    return Discussion.objects.filter(
        item__case=OuterRef("pk"), item__meeting__status=MeetingStatus.HELD, scores__isnull=False
    ).order_by()


def _discussion_mean(discussion: str) -> Subquery:
    return Subquery(
        SafetyScore.objects.filter(discussion=OuterRef(discussion))
        .values("discussion")
        .annotate(mean=Avg("score"))
        .values("mean")[:1]
    )


def closed_cases(house: SafetyHouse) -> QuerySet[Case]:
    """Cases of the house with a closing moment (destroyed ones too: they keep their dates,
    phase moves and scores), with their first and last scored discussion and those means."""
    first = _scored_discussions().order_by("item__meeting__starts_at", "pk").values("pk")[:1]
    last = _scored_discussions().order_by("-item__meeting__starts_at", "-pk").values("pk")[:1]
    return (
        Case.objects.filter(house=house, closed_at__isnull=False)
        .annotate(first_discussion=Subquery(first), last_discussion=Subquery(last))
        .annotate(first_score=_discussion_mean("first_discussion"), last_score=_discussion_mean("last_discussion"))
    )


class ClosedCases(CountIndicator):
    """The cases closed in the period, classified three ways at once (one cube: the three
    tables share their total)."""

    key = "closed_cases"
    when = "closed_at"
    case_field = "pk"
    drillable = True
    classifications: ClassVar[Any] = (
        ("safety", SAFETY_CHANGE),
        ("entry", PHASES),
        ("closure", PHASES),
    )

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        entry = PhaseMove.objects.filter(case=OuterRef("pk")).order_by("moved_at", "pk").values("to_phase")[:1]
        closure = (
            PhaseMove.objects.filter(case=OuterRef("pk"), moved_at__lte=OuterRef("closed_at"))
            .order_by("-moved_at", "-pk")
            .values("to_phase")[:1]
        )
        return closed_cases(house).annotate(
            entry_phase=Coalesce(Subquery(entry), Value(NO_PHASE)),
            closure_phase=Coalesce(Subquery(closure), Value(NO_PHASE)),
        )

    def classify(self, name: str, trunc: type[TruncBase] | None = None) -> Any:
        if name == "entry":
            return F("entry_phase")
        if name == "closure":
            return F("closure_phase")
        return Choose(
            When(first_discussion__isnull=True, then=Value("no_scores")),
            When(first_discussion=F("last_discussion"), then=Value("once")),
            When(last_score__gt=F("first_score"), then=Value("safer")),
            When(last_score__lt=F("first_score"), then=Value("less_safe")),
            default=Value("same"),
        )


CLOSED = register_source(ClosedCases())


class PhaseAtEntryAndClosure:
    key = "phase_entry_closure"
    drillable = True

    def compute(self, ctx: Context) -> Result:
        entry = CLOSED.category_table(
            ctx,
            title=_("Fase bij binnenkomst"),
            description=_("Afgesloten casussen in de periode, naar de eerste vastgelegde veiligheidsfase."),
            row_header=_("Fase"),
            column=_("Casussen"),
            classification="entry",
        )
        closure = CLOSED.category_table(
            ctx,
            title=_("Fase bij afsluiten"),
            description=_("Dezelfde casussen, naar de fase waarin ze werden afgesloten."),
            row_header=_("Fase"),
            column=_("Casussen"),
            classification="closure",
        )
        recovered = CLOSED.cell(ctx, f"closure={SafetyPhase.RECOVERY}")
        return Result(
            key=self.key,
            headline=share_figure(
                self.key,
                _("Afgesloten in de herstelfase"),
                recovered,
                CLOSED.cell(ctx),
                note=_("van de afgesloten casussen"),
            ),
            tables=[entry, closure],
            drillable=True,
        )


class SafetyScores:
    """The mean score at the first and at the last scored discussion of the cases closed in the
    period (each discussion's mean over its participants), and how many became safer."""

    key = "safety_scores"
    drillable = True

    def compute(self, ctx: Context) -> Result:
        cases = (
            closed_cases(ctx.house)
            .filter(closed_at__gte=ctx.period.starts_at, closed_at__lt=ctx.period.ends_at)
            .filter(ctx.scope.filter("municipality_id", "meeting_type_id"))
            .exclude(first_discussion=F("last_discussion"))  # type: ignore[misc]  # an annotation
        )
        what = _("casussen met twee besprekingen met scores")
        first = mean_figure(
            f"{self.key}_first",
            _("Gemiddelde score bij de eerste bespreking"),
            cases,
            "first_score",
            threshold=ctx.threshold,
            what=what,
        )
        last = mean_figure(
            f"{self.key}_last",
            _("Gemiddelde score bij de laatste bespreking"),
            cases,
            "last_score",
            threshold=ctx.threshold,
            what=what,
        )
        table = CLOSED.category_table(
            ctx,
            title=_("Veiligheid bij de eerste en de laatste bespreking"),
            description=_(
                "Afgesloten casussen in de periode: het gemiddelde veiligheidscijfer (0-10) van de deelnemers bij de laatste "
                "bespreking met scores, vergeleken met de eerste. Eerste gemiddelde: %(first)s; laatste: %(last)s."
            )
            % {"first": first.display, "last": last.display},
            row_header=_("Verloop"),
            column=_("Casussen"),
            classification="safety",
        )
        label = _("Veiligheidscijfer eerste → laatste bespreking")
        if first.value is None or last.value is None:
            headline = Figure(key=self.key, label=label, display=first.display, export_value=first.export_value)
        else:
            headline = Figure(
                key=self.key,
                label=label,
                display=f"{first.display} → {last.display}",
                export_value=f"{first.export_value} -> {last.export_value}",
                value=last.value,
            )
        return Result(key=self.key, headline=headline, tables=[table], drillable=True)


class GoalsAtClosure(CountIndicator):
    """Goals of the cases closed in the period (withdrawn goals left out), by their status at
    closure; a closed case's goals no longer change."""

    key = "goals_at_closure"
    categories = (
        ("achieved", _lazy("Behaald")),
        ("not_achieved", _lazy("Niet behaald")),
        ("open", _lazy("Nog open bij afsluiten")),
    )
    when = "plan__case__closed_at"
    g_field = "plan__case__municipality_id"
    m_field = "plan__case__meeting_type_id"
    case_field = "plan__case_id"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Goal.objects.filter(
            plan__case__house=house, plan__case__closed_at__isnull=False, withdrawn_at__isnull=True
        )

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Choose(
            When(status=GoalStatus.ACHIEVED, then=Value("achieved")),
            When(status=GoalStatus.NOT_ACHIEVED, then=Value("not_achieved")),
            default=Value("open"),
        )

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=share_figure(
                self.key,
                _("Doelen behaald bij afsluiten"),
                self.cell(ctx, "achieved"),
                self.cell(ctx),
                note=_("van de doelen van de afgesloten casussen"),
            ),
            tables=[
                self.category_table(
                    ctx,
                    title=_("Doelen bij afsluiten"),
                    description=_(
                        "Doelen van de casussen die in de periode werden afgesloten (ingetrokken doelen niet)."
                    ),
                    row_header=_("Doel"),
                    column=_("Doelen"),
                )
            ],
            drillable=True,
        )


ANSWERS = (
    (FollowUpAnswer.YES, _lazy("Ja")),
    (FollowUpAnswer.NO, _lazy("Nee")),
    (FollowUpAnswer.UNKNOWN, _lazy("Onbekend")),
    ("", _lazy("Niet beantwoord")),
)
OBSERVED = (("yes", _lazy("Ja, opnieuw aangemeld")), ("no", _lazy("Nee")))


class AfterClosure(CountIndicator):
    """Cases whose 3-, 6- or 12-month mark after closure fell in the period: the process
    director's answers (new incidents? still safe?) and whether a new referral for a person of
    the case was in fact submitted before the mark (seen by the system, `previous_case`)."""

    when = "due_on"
    when_is_date = True
    g_field = "case__municipality_id"
    m_field = "case__meeting_type_id"
    case_field = "case_id"
    drillable = True
    classifications: ClassVar[Any] = (
        ("incidents", ANSWERS),
        ("re_referred", OBSERVED),
        ("still_safe", ANSWERS),
    )

    def __init__(self, months: int) -> None:
        self.months = months
        self.key = f"after_closure_{months}"

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return FollowUp.objects.filter(case__house=house, months=self.months)

    def classify(self, name: str, trunc: type[TruncBase] | None = None) -> Any:
        if name == "incidents":
            return F("new_incidents")
        if name == "still_safe":
            return F("still_safe")
        again = Referral.objects.filter(
            previous_case=OuterRef("case_id"), submitted_at__isnull=False, submitted_at__date__lte=OuterRef("due_on")
        )
        return Choose(When(Exists(again), then=Value("yes")), default=Value("no"))

    def compute(self, ctx: Context) -> Result:
        months = self.months
        observed = self.category_table(
            ctx,
            title=_("Opnieuw aangemeld binnen %(months)s maanden na afsluiten") % {"months": months},
            description=_(
                "Casussen waarvan de termijn van %(months)s maanden na afsluiten in de periode viel: is er vóór die datum een "
                "nieuwe aanmelding ingediend voor een persoon van de casus?"
            )
            % {"months": months},
            row_header=_("Heraanmelding"),
            column=_("Casussen"),
            classification="re_referred",
        )
        incidents = self.category_table(
            ctx,
            title=_("Nieuwe incidenten na %(months)s maanden (antwoord procesregie)") % {"months": months},
            description=_("Dezelfde casussen: het antwoord op de nazorgvraag 'nieuwe incidenten?'."),
            row_header=_("Nieuwe incidenten"),
            column=_("Casussen"),
            classification="incidents",
        )
        safe = self.category_table(
            ctx,
            title=_("Nog steeds veilig na %(months)s maanden (antwoord procesregie)") % {"months": months},
            description=_("Dezelfde casussen: het antwoord op de nazorgvraag 'nog steeds veilig?'."),
            row_header=_("Veilig"),
            column=_("Casussen"),
            classification="still_safe",
        )
        again = self.cell(ctx, "re_referred=yes")
        return Result(
            key=self.key,
            headline=share_figure(
                self.key,
                _("Opnieuw aangemeld binnen %(months)s maanden") % {"months": months},
                again,
                self.cell(ctx),
                note=_("van de casussen met deze termijn in de periode"),
            ),
            tables=[observed, incidents, safe],
            drillable=True,
        )


class ClosedCount:
    """The count of closed cases as its own catalogue entry, read from the shared cube."""

    key = "cases_closed"
    drillable = True

    def compute(self, ctx: Context) -> Result:
        table = (
            CLOSED.scope_table(
                ctx,
                kind="m",
                title=_("Casussen afgesloten per overlegtype"),
                description=_("Casussen afgesloten in de periode; vernietigde casussen tellen mee."),
                columns=[(TOTAL, _("Afgesloten"))],
            )
            if ctx.scope.is_house
            else None
        )
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Casussen afgesloten"), CLOSED.cell(ctx)),
            tables=[table] if table else [],
            drillable=True,
        )


for _computation in (
    PhaseAtEntryAndClosure(),
    SafetyScores(),
    GoalsAtClosure(),
    AfterClosure(3),
    AfterClosure(6),
    AfterClosure(12),
    ClosedCount(),
):
    register(_computation)  # type: ignore[arg-type]
