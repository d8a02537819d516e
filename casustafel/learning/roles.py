"""Who may do what in the learning cycle. Every check starts from the membership the user acts
for (`request.acting`, `Actor.membership`): a user who works for two houses sees the house they
act for.

- Process directors and the house manager run the cycle: self-assessments, improvement plans
  and actions (`MANAGER_ROLES`).
- The board reads everything the cycle adds up: results, plans, effort next to value
  (`READER_ROLES`), and changes nothing.
- Every member of the house reads the improvement plans and actions (they concern the whole
  network), records the effort of the organisation they act for, and rates the value of an
  action for that organisation.
- An action's owner, or anyone acting for its organisation, reports on it.
- Invited participants answer their own questionnaire and, once the round is closed, read its
  added-up results.
"""

from __future__ import annotations

from django.http import Http404

from casustafel.accounts.types import AnyUser
from casustafel.learning.models import AssessmentInvitation, EffortEntry, ImprovementAction, SelfAssessment
from casustafel.organisations.models import Membership, Role, SafetyHouse

MANAGER_ROLES = frozenset({Role.PROCESS_DIRECTOR, Role.HOUSE_MANAGER})
READER_ROLES = MANAGER_ROLES | {Role.BOARD}


def acting_house(membership: Membership | None) -> SafetyHouse:
    """The house the user acts in; 404 without an acting membership."""
    if membership is None:
        raise Http404
    return membership.organisation.house


def is_manager(membership: Membership | None) -> bool:
    return membership is not None and membership.role in MANAGER_ROLES


def is_reader(membership: Membership | None) -> bool:
    return membership is not None and membership.role in READER_ROLES


def manager_house(membership: Membership | None) -> SafetyHouse:
    """The house whose cycle the user runs; 404 for anyone else (never 403: the pages of
    another role are as unknown as a missing page)."""
    if not is_manager(membership):
        raise Http404
    assert membership is not None
    return membership.organisation.house


def reader_house(membership: Membership | None) -> SafetyHouse:
    if not is_reader(membership):
        raise Http404
    assert membership is not None
    return membership.organisation.house


def can_report_action(user: AnyUser, membership: Membership | None, action: ImprovementAction) -> bool:
    """The owner, or anyone acting for the action's organisation, while it is open."""
    if not user.is_authenticated or action.ended_at is not None:
        return False
    if action.owner_id == user.pk:
        return True
    return membership is not None and membership.organisation_id == action.organisation_id


def can_write_effort(membership: Membership | None, entry: EffortEntry) -> bool:
    """Someone acting for the entry's organisation, or a manager of its house."""
    if membership is None:
        return False
    if membership.organisation_id == entry.organisation_id:
        return True
    return is_manager(membership) and membership.organisation.house_id == entry.house_id


def own_invitation(user: AnyUser, assessment: SelfAssessment) -> AssessmentInvitation | None:
    if not user.is_authenticated:
        return None
    return AssessmentInvitation.objects.filter(assessment=assessment, user=user).first()
