"""Reads on the plan side of a case: its safety phase, bodemeisen and agreements.

Callers first reach the case through `get_case_for_user` (need-to-know); these functions take
the case they were given and never widen the scope.
"""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from casustafel.cases.models import Case
from casustafel.plans.models import Agreement, MinimumRequirement, PhaseMove


def current_phase(case: Case) -> str:
    """The case's safety phase now: the `to_phase` of its latest move, or "" before any."""
    return (
        PhaseMove.objects.filter(case=case).order_by("-moved_at", "-pk").values_list("to_phase", flat=True).first()
        or ""
    )


def with_current_phase(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` annotated with `current_phase` in the same query (lists, agendas)."""
    latest = PhaseMove.objects.filter(case=OuterRef("pk")).order_by("-moved_at", "-pk").values("to_phase")[:1]
    return cases.annotate(current_phase=Subquery(latest))


def phase_history(case: Case) -> QuerySet[PhaseMove]:
    return PhaseMove.objects.filter(case=case).select_related("moved_by").order_by("moved_at", "pk")


def requirements_in_force(case: Case) -> QuerySet[MinimumRequirement]:
    return (
        MinimumRequirement.objects.in_force().filter(case=case).select_related("monitor").order_by("created_at", "pk")
    )


def agreements_of(case: Case) -> QuerySet[Agreement]:
    return Agreement.objects.filter(case=case).select_related("organisation", "owner")
