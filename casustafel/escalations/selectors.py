"""Who sees which escalation, and the lists of open ones for the start pages.

An escalation is seen by:
- the house's process directors and secretaries (they run the process);
- the house managers of the house once it has reached their level or higher (they see the
  escalation, not the case: the page shows the case number, the questions and answers only);
- people who see the case and either raised the escalation or work for one of its parties (the
  candidates for case direction, the organisation responsible for an overdue agreement).

Everyone else gets a 404, like for a case outside their scope.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.cases.models import Case
from casustafel.escalations.models import LEVEL_ORDER, Escalation, EscalationLevel
from casustafel.organisations.models import CASE_STAFF_ROLES, CASE_WORKER_ROLES, Membership, Role

AT_LEAST_HOUSE_MANAGER = [
    level for level, rank in LEVEL_ORDER.items() if rank >= LEVEL_ORDER[EscalationLevel.HOUSE_MANAGER]
]


def escalations_visible_to(user: AnyUser) -> QuerySet[Escalation]:
    """Every escalation the user may see (see the module docstring), in one query."""
    if not user.is_authenticated:
        return Escalation.objects.none()
    active = Membership.objects.active().filter(user=user)
    staff_houses = active.filter(role__in=CASE_STAFF_ROLES).values("organisation__house")
    manager_houses = active.filter(role=Role.HOUSE_MANAGER).values("organisation__house")
    own_orgs = active.filter(role__in=CASE_WORKER_ROLES).values("organisation")
    seen_cases = Case.objects.visible_to(user).values("pk")
    return Escalation.objects.filter(
        Q(case__house__in=staff_houses)
        | Q(case__house__in=manager_houses, level__in=AT_LEAST_HOUSE_MANAGER)
        | (Q(case__in=seen_cases) & (Q(raised_by=user) | Q(parties__in=own_orgs)))
    ).distinct()


def get_escalation_for_user(user: AnyUser, pk: int) -> Escalation:
    escalation = (
        escalations_visible_to(user)
        .select_related("case", "agreement__organisation", "raised_by", "resolved_by")
        .filter(pk=pk)
        .first()
    )
    if escalation is None:
        raise Http404
    return escalation


def case_escalations_for(user: AnyUser, case: Case) -> QuerySet[Escalation]:
    return escalations_visible_to(user).filter(case=case).select_related("raised_by").order_by("-raised_at", "-pk")


def open_escalations_for(user: User, membership: Membership) -> QuerySet[Escalation]:
    """The start page's open escalations for the role acted in: a process director's cases; the
    house manager's house from their level up; an ambassador's organisation when it is a party
    and the escalation has reached partner management or higher."""
    house = membership.organisation.house_id
    escalations = Escalation.objects.open().select_related("case").order_by("deadline", "raised_at")
    if membership.role == Role.PROCESS_DIRECTOR:
        return escalations.filter(case__house=house, case__process_director=user)
    if membership.role == Role.HOUSE_MANAGER:
        return escalations.filter(case__house=house, level__in=AT_LEAST_HOUSE_MANAGER)
    if membership.is_ambassador and membership.role in CASE_WORKER_ROLES:
        partner_level = [
            level for level, rank in LEVEL_ORDER.items() if rank >= LEVEL_ORDER[EscalationLevel.PARTNER_MANAGEMENT]
        ]
        return escalations.filter(
            case__in=Case.objects.visible_to(user).values("pk"),
            parties=membership.organisation_id,
            level__in=partner_level,
        )
    return escalations.none()


def can_manage_escalation(user: AnyUser, escalation: Escalation) -> bool:
    """Process directors of the house move, answer and resolve; a house manager answers and
    resolves at their level and above."""
    if not user.is_authenticated:
        return False
    active = Membership.objects.active().filter(user=user, organisation__house=escalation.case.house_id)
    if active.filter(role=Role.PROCESS_DIRECTOR).exists():
        return True
    return escalation.level in AT_LEAST_HOUSE_MANAGER and active.filter(role=Role.HOUSE_MANAGER).exists()
