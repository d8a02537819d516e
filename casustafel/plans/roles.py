"""Who may do what on the plan side of a case (reads only; services and views ask these).

- House staff (the process directors and secretaries of the case's house) record everything the
  meeting decides and manage case direction.
- The case director (casusregisseur: the accepted `DirectionAssignment`) edits the plan, its
  goals and agreements between meetings.
- The organisation responsible for an agreement answers it (accept or decline) and reports on it:
  its named person, or a case worker of that organisation who can see the case (a colleague or
  the ambassador, when the named person is away).
- The monitor of a bodemeis reports whether it is met, as do house staff.
"""

from __future__ import annotations

from casustafel.accounts.types import AnyUser
from casustafel.cases.models import Case, CaseStatus
from casustafel.cases.selectors.cases import can_manage_involvements
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership
from casustafel.plans.models import Agreement, DirectionAssignment, DirectionStatus, MinimumRequirement


def current_direction(case: Case) -> DirectionAssignment | None:
    """The accepted case direction of the case, if any."""
    return (
        DirectionAssignment.objects.filter(case=case, status=DirectionStatus.ACCEPTED)
        .select_related("director", "organisation")
        .first()
    )


def is_case_director(user: AnyUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    return DirectionAssignment.objects.filter(case=case, status=DirectionStatus.ACCEPTED, director=user).exists()


def can_write_plan(user: AnyUser, case: Case) -> bool:
    """House staff, or the case director while the case is active."""
    if case.status != CaseStatus.ACTIVE:
        return False
    return can_manage_involvements(user, case) or is_case_director(user, case)


def works_for(user: AnyUser, organisation_id: int) -> bool:
    """Whether the user works on cases for the organisation today (its own membership)."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.active()
        .filter(user=user, organisation_id=organisation_id, role__in=CASE_WORKER_ROLES)
        .exists()
    )


def can_answer_agreement(user: AnyUser, agreement: Agreement) -> bool:
    """The named person, or a case worker of the responsible organisation."""
    if not user.is_authenticated:
        return False
    return agreement.owner_id == user.pk or works_for(user, agreement.organisation_id)


def can_check_requirement(user: AnyUser, requirement: MinimumRequirement) -> bool:
    return can_manage_involvements(user, requirement.case) or works_for(user, requirement.monitor_id)
