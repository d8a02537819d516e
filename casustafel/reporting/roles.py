"""Who does what with the reports of a house, by the role of the membership acted for.

- read the dashboards, the catalogue and the annual report, ask for an edition: the board, the
  house manager and the process directors (`REPORT_ROLES`); everyone else gets a 404;
- drill down from a count to the cases behind it: the process directors only (they see every
  case of the house anyway; the list still goes through `Case.objects.visible_to`); the board
  never;
- keep the catalogue (definitions, targets) and enter figures from other sources: the house
  manager and the process directors;
- write the annual report's narrative: the board and the house manager.
"""

from __future__ import annotations

from django.utils import timezone

from casustafel.organisations.models import Membership, Role, SafetyHouse

REPORT_ROLES = frozenset({Role.BOARD, Role.HOUSE_MANAGER, Role.PROCESS_DIRECTOR})
DRILL_ROLES = frozenset({Role.PROCESS_DIRECTOR})
CATALOGUE_ROLES = frozenset({Role.HOUSE_MANAGER, Role.PROCESS_DIRECTOR})
NARRATIVE_ROLES = frozenset({Role.BOARD, Role.HOUSE_MANAGER})


def _of_house(membership: Membership | None, house: SafetyHouse, roles: frozenset[str]) -> bool:
    return (
        membership is not None
        and membership.role in roles
        and membership.organisation.house_id == house.pk
        and membership.is_active_on(timezone.localdate())
    )


def can_read_reports(membership: Membership | None, house: SafetyHouse) -> bool:
    return _of_house(membership, house, REPORT_ROLES)


def can_drill_down(membership: Membership | None, house: SafetyHouse) -> bool:
    return _of_house(membership, house, DRILL_ROLES)


def can_edit_catalogue(membership: Membership | None, house: SafetyHouse) -> bool:
    return _of_house(membership, house, CATALOGUE_ROLES)


def can_edit_narrative(membership: Membership | None, house: SafetyHouse) -> bool:
    return _of_house(membership, house, NARRATIVE_ROLES)
