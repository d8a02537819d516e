"""Which items of a plan a viewer reads in full: agreements, bodemeisen and phase moves.

An item made in a meeting belongs to the part of the agenda item it was made in, and the minutes
show a part only to those invited to it (for a split item: the OM without the clients, the
clients without the OM). The plan pages and the timeline follow the same rule, so nothing the
minutes keep from someone shows up on the plan instead. `plans` sits below `meetings`, so
meetings registers the rule when Django starts (`register_part_rule`).

House staff read everything. The organisation responsible for an agreement and the monitor of a
bodemeis always read their own item. Items made outside a meeting are read by everyone who may
see the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from casustafel.accounts.models import User
from casustafel.cases.models import Case
from casustafel.privacy.provenance.access import CaseViewer


@dataclass(frozen=True)
class HiddenItems:
    """Ids of the items the viewer sees only as "made in a part you were not invited to"."""

    agreements: frozenset[int] = field(default_factory=frozenset)
    requirements: frozenset[int] = field(default_factory=frozenset)
    phase_moves: frozenset[int] = field(default_factory=frozenset)

    def __or__(self, other: HiddenItems) -> HiddenItems:
        return HiddenItems(
            agreements=self.agreements | other.agreements,
            requirements=self.requirements | other.requirements,
            phase_moves=self.phase_moves | other.phase_moves,
        )


PartRule = Callable[[Case, CaseViewer, User], HiddenItems]
_rules: list[PartRule] = []


def register_part_rule(rule: PartRule) -> None:
    if rule not in _rules:
        _rules.append(rule)


def hidden_items(case: Case, viewer: CaseViewer, user: User) -> HiddenItems:
    """The items of `case` this viewer may not read in full (empty for house staff)."""
    hidden = HiddenItems()
    if viewer.is_staff:
        return hidden
    for rule in _rules:
        hidden = hidden | rule(case, viewer, user)
    return hidden
