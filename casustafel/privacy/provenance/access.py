"""Who sees which item of a case: the one place that decides (issue 4, point 3).

An item (`CaseFact`, `Attachment`: every model with `Provenance`) is seen at one of three levels:

- ``full``: the content;
- ``notice``: only "Er is afgeschermde informatie van <organisatie>" (who holds it, when);
- ``none``: nothing at all.

Anyone who cannot see the case (``Case.objects.visible_to``) gets ``none``. For everyone else:

1. **The contributing organisation** always sees its own items in full: information stays owned
   by its contributor.
2. **House staff** (process directors and secretaries of the house) see house-wide items in
   full and every other item as a notice. They run the process and never own the content;
   what a partner restricted stays with the partner.
3. **Partner organisations involved in the case** see an item in full when the contributor's
   restriction lets them (house-wide, or sector-restricted to their sector) **and** the covenant
   lets their sector see the category in full. Otherwise they see a notice, unless the covenant
   says their sector does not see the category at all (``none``).

The covenant applies through `covenant_rules_for` for the case's meeting type; an organisation
that does not take part in a covenant in force sees nothing of other organisations' items.
Without a covenant covering the meeting type only the contributor's restriction applies (the
pages warn that no covenant applies).

The organisation the viewer looks through is the one they act for (`request.acting`) when it
is involved in the case (or is the house office, for staff); otherwise every involved
organisation they belong to or stand in for during a substitution.

The rule is written once, as database expressions (`with_access`), so lists filter in the
database and `item_access` gives the same answer for a single item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.types import AnyUser
from casustafel.organisations.models import (
    CASE_STAFF_ROLES,
    CASE_WORKER_ROLES,
    Membership,
    Organisation,
    Substitution,
)
from casustafel.privacy.covenant.models import InformationCategory, Visibility
from casustafel.privacy.covenant.selectors import CovenantRules, covenant_rules_for
from casustafel.privacy.provenance.models import Provenance, Restriction

if TYPE_CHECKING:
    from casustafel.cases.models import Case

P = TypeVar("P", bound=Provenance)


class Access(StrEnum):
    FULL = "full"
    NOTICE = "notice"
    NONE = "none"


@dataclass(frozen=True)
class CaseViewer:
    """Someone who may see a case, and through which organisations.

    Args:
        case_id: the case.
        is_staff: a process director or secretary of the case's house, looking as such.
        organisations: the organisations the viewer looks through (the house office for staff).
        contributes_as: the organisation new items are recorded for (the one acted for), or
            None when the viewer may read but not contribute (e.g. a substitute, or acting for
            an organisation that is not involved).
        rules: the covenant's rules for the case's meeting type.
    """

    case_id: int
    user_id: int
    is_staff: bool
    organisations: tuple[Organisation, ...]
    contributes_as: Organisation | None
    rules: CovenantRules

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(org.pk for org in self.organisations)

    @property
    def sectors(self) -> frozenset[str]:
        return frozenset(org.sector for org in self.organisations)

    @property
    def covered(self) -> bool:
        return self.rules.covered

    def categories_at_least(self, level: str) -> frozenset[str]:
        """Categories the covenant lets one of the viewer's organisations see at `level` (full)
        or at all (known_only). Without a covenant covering the case: every category."""
        if not self.rules.covered:
            return frozenset(InformationCategory.values)
        wanted = {Visibility.FULL} if level == Visibility.FULL else {Visibility.FULL, Visibility.KNOWN_ONLY}
        return frozenset(
            category
            for category in InformationCategory.values
            if any(self.rules.organisation_visibility(org, category) in wanted for org in self.organisations)
        )

    def full_q(self) -> Q:
        """Items this viewer sees in full."""
        own = Q(organisation_id__in=self.organisation_ids)
        if self.is_staff:
            return own | Q(restriction=Restriction.HOUSE)
        restriction_ok = Q(restriction=Restriction.HOUSE) | Q(
            restriction=Restriction.SECTOR, restricted_sector__in=self.sectors
        )
        return own | (restriction_ok & Q(category__in=self.categories_at_least(Visibility.FULL)))

    def visible_q(self) -> Q:
        """Items this viewer sees at least as a notice."""
        if self.is_staff:
            return Q(pk__isnull=False)
        return Q(organisation_id__in=self.organisation_ids) | Q(
            category__in=self.categories_at_least(Visibility.KNOWN_ONLY)
        )


def case_viewer(
    user: AnyUser, case: Case, *, acting: Membership | None = None, at: dt.datetime | None = None
) -> CaseViewer | None:
    """The viewer `user` is for `case`, or None when the case is outside their scope.

    Args:
        user: the user.
        case: the case.
        acting: the membership the user acts for (request.acting / actor.membership).
        at: the moment (now by default), for involvements and substitutions.
    """
    from casustafel.cases.models import Case, CaseInvolvement

    if not user.is_authenticated:
        return None
    moment = at or timezone.now()
    if not Case.objects.visible_to(user, at=moment).filter(pk=case.pk).exists():
        return None
    day = timezone.localdate(moment)
    own = Membership.objects.active(day).filter(user=user)
    memberships = list(own.select_related("organisation").order_by("pk"))
    involvements = CaseInvolvement.objects.current(moment).filter(case=case)
    admitted = set(involvements.admitting(own).values_list("organisation_id", flat=True))
    staff = [m for m in memberships if m.role in CASE_STAFF_ROLES and m.organisation.house_id == case.house_id]
    own_involved = [m for m in memberships if m.role in CASE_WORKER_ROLES and m.organisation_id in admitted]
    rules = covenant_rules_for(case.house_id, case.meeting_type_id, on=day)

    def viewer(is_staff: bool, organisations: list[Organisation], contributes_as: Organisation | None) -> CaseViewer:
        unique = {org.pk: org for org in organisations}
        return CaseViewer(
            case_id=case.pk,
            user_id=user.pk,
            is_staff=is_staff,
            organisations=tuple(unique.values()),
            contributes_as=contributes_as,
            rules=rules,
        )

    acting_pk = acting.pk if acting is not None else None
    for membership in staff:
        if membership.pk == acting_pk:
            return viewer(True, [membership.organisation], membership.organisation)
    for membership in own_involved:
        if membership.pk == acting_pk:
            return viewer(False, [membership.organisation], membership.organisation)
    stood_in_for = Membership.objects.filter(
        pk__in=Substitution.objects.granting(user, moment).values("absent_membership")
    )
    stand_in = list(Organisation.objects.filter(pk__in=involvements.admitting(stood_in_for).values("organisation")))
    partner_orgs = [m.organisation for m in own_involved] + stand_in
    if partner_orgs:
        return viewer(False, partner_orgs, None)
    if staff:
        return viewer(True, [staff[0].organisation], None)
    return None  # pragma: no cover - visible_to and the rules above cover the same people


def with_access(queryset: QuerySet[P], viewer: CaseViewer) -> QuerySet[P]:
    """The case's current (not withdrawn) items, each annotated with `access` for the viewer."""
    return queryset.filter(case_id=viewer.case_id, withdrawn_at__isnull=True).annotate(
        access=models.Case(
            models.When(viewer.full_q(), then=Value(Access.FULL.value)),
            models.When(viewer.visible_q(), then=Value(Access.NOTICE.value)),
            default=Value(Access.NONE.value),
            output_field=models.CharField(),
        )
    )


def visible_items(queryset: QuerySet[P], viewer: CaseViewer) -> QuerySet[P]:
    """The case's items the viewer sees at least as a notice, annotated with `access`."""
    return with_access(queryset, viewer).exclude(access=Access.NONE.value)


def item_access(
    user: AnyUser, item: Provenance, *, acting: Membership | None = None, viewer: CaseViewer | None = None
) -> Access:
    """How `user` sees one item: full, notice or none (see the module docstring).

    Args:
        user: the user.
        item: a case item with provenance (it has a `case`).
        acting: the membership the user acts for.
        viewer: the viewer, when the caller already has it for the item's case.
    """
    case = item.case  # type: ignore[attr-defined]
    viewer = viewer or case_viewer(user, case, acting=acting)
    if viewer is None or viewer.case_id != case.pk:
        return Access.NONE
    model: type[Provenance] = type(item)
    annotated: QuerySet[Any] = with_access(model._default_manager.filter(pk=item.pk), viewer)
    value = annotated.values_list("access", flat=True).first()
    return Access(value) if value else Access.NONE


def notice_text(organisation: Organisation) -> str:
    return _("Er is afgeschermde informatie van %(organisation)s") % {"organisation": organisation.name}
