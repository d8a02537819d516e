"""Reads for the plan pages, "Mijn afspraken" and the start pages. Each starts from a case the
caller reached through `get_case_for_user` (need-to-know) or from `Case.objects.visible_to`, and
has a fixed number of queries whatever the number of agreements (asserted in tests).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.cases.models import Case, CaseStatus
from casustafel.meeting_types.models import SafetyPhase
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Role
from casustafel.plans.models import (
    ActionPlan,
    Agreement,
    AgreementResponse,
    AgreementUpdate,
    Approach,
    DirectionAssignment,
    DirectionStatus,
    DirectionTaskCheck,
    FollowUp,
    Goal,
    MinimumRequirement,
    PlanVersion,
    RequirementCheck,
)
from casustafel.plans.selectors import current_phase, phase_history
from casustafel.plans.visibility import HiddenItems

# --- Warnings (shown, never blocking) -----------------------------------------------------


def goal_warnings(goal: Goal) -> list[str]:
    """What makes a goal hard to check (seed 001: unclear or missing SMART goals)."""
    warnings = []
    if not goal.criterion.strip():
        warnings.append(_("Geen meetbaar resultaatcriterium"))
    if goal.owner_organisation_id is None:
        warnings.append(_("Geen eigenaar"))
    if goal.target_date is None:
        warnings.append(_("Geen streefdatum"))
    return warnings


def due_date_warning(due_date: dt.date | None) -> str:
    if due_date is not None and due_date < timezone.localdate():
        return _("Let op: deze datum ligt in het verleden. De afspraak is dan meteen over de termijn.")
    return ""


# --- The plan page ------------------------------------------------------------------------


@dataclass
class AgreementRow:
    agreement: Agreement
    hidden: bool
    overdue: bool
    can_answer: bool


@dataclass
class RequirementRow:
    requirement: MinimumRequirement
    hidden: bool
    last_check: RequirementCheck | None
    can_check: bool


@dataclass
class PlanPage:
    case: Case
    plan: ActionPlan | None
    goals: list[tuple[Goal, list[str]]]
    agreements: list[AgreementRow]
    requirements: list[RequirementRow]
    phase: str
    phase_label: str
    phases: list[Any]
    direction: DirectionAssignment | None
    proposal: DirectionAssignment | None
    open_count: int = 0
    overdue_count: int = 0
    notes: list[str] = field(default_factory=list)


def _viewer_orgs(user: User) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(user=user, role__in=CASE_WORKER_ROLES)
        .values_list("organisation_id", flat=True)
    )


def plan_page(case: Case, user: User, hidden: HiddenItems, *, staff: bool) -> PlanPage:
    """Everything the plan page shows; `staff`: the viewer is house staff (they may check
    every bodemeis)."""
    today = timezone.localdate()
    plan = ActionPlan.objects.filter(case=case).first()
    goals = (
        list(
            Goal.objects.filter(plan=plan, withdrawn_at__isnull=True)
            .select_related("owner_organisation", "owner")
            .order_by("position", "pk")
        )
        if plan
        else []
    )
    own_orgs = _viewer_orgs(user)
    agreements = list(
        Agreement.objects.filter(case=case)
        .select_related("organisation", "owner", "goal")
        .order_by("ended_at", "due_date", "due_time", "pk")
    )
    rows = [
        AgreementRow(
            agreement=a,
            hidden=a.pk in hidden.agreements,
            overdue=a.ended_at is None and a.response != AgreementResponse.DECLINED and a.due_date < today,
            can_answer=a.ended_at is None and (a.owner_id == user.pk or a.organisation_id in own_orgs),
        )
        for a in agreements
    ]
    requirements = list(
        MinimumRequirement.objects.in_force()
        .filter(case=case)
        .select_related("monitor")
        .prefetch_related(
            Prefetch(
                "checks",
                queryset=RequirementCheck.objects.select_related("organisation").order_by("-checked_at", "-pk"),
            )
        )
        .order_by("created_at", "pk")
    )
    requirement_rows = [
        RequirementRow(
            requirement=r,
            hidden=r.pk in hidden.requirements,
            last_check=next(iter(r.checks.all()), None),
            can_check=staff or r.monitor_id in own_orgs,
        )
        for r in requirements
    ]
    directions = list(
        DirectionAssignment.objects.filter(
            case=case, status__in=[DirectionStatus.ACCEPTED, DirectionStatus.PROPOSED]
        ).select_related("director", "organisation")
    )
    phase = current_phase(case)
    return PlanPage(
        case=case,
        plan=plan,
        goals=[(goal, goal_warnings(goal)) for goal in goals],
        agreements=rows,
        requirements=requirement_rows,
        phase=phase,
        phase_label=str(SafetyPhase(phase).label) if phase in SafetyPhase.values else "",
        phases=list(phase_history(case)),
        direction=next((d for d in directions if d.status == DirectionStatus.ACCEPTED), None),
        proposal=next((d for d in directions if d.status == DirectionStatus.PROPOSED), None),
        open_count=sum(1 for row in rows if row.agreement.ended_at is None and not row.hidden),
        overdue_count=sum(1 for row in rows if row.overdue),
    )


# --- Plan versions ------------------------------------------------------------------------


def plan_versions(plan: ActionPlan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).select_related("created_by").order_by("-number")


@dataclass(frozen=True)
class Segment:
    text: str
    change: str  # "", "added" or "removed"


@dataclass(frozen=True)
class ComparedField:
    label: str
    changed: bool
    segments: list[Segment]


def _word_diff(old: str, new: str) -> list[Segment]:
    a, b = old.split(), new.split()
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment(" ".join(a[i1:i2]), ""))
            continue
        if i2 > i1:
            segments.append(Segment(" ".join(a[i1:i2]), "removed"))
        if j2 > j1:
            segments.append(Segment(" ".join(b[j1:j2]), "added"))
    return segments


def _goal_line(goal: dict[str, Any]) -> str:
    parts = [goal.get("title", "")]
    if goal.get("criterion"):
        parts.append(_("criterium: %(c)s") % {"c": goal["criterion"]})
    if goal.get("owner_organisation"):
        parts.append(
            _("eigenaar: %(o)s") % {"o": " ".join(filter(None, [goal.get("owner"), goal["owner_organisation"]]))}
        )
    if goal.get("target_date"):
        parts.append(_("streefdatum: %(d)s") % {"d": goal["target_date"]})
    return "; ".join(parts)


def _requirement_line(requirement: dict[str, Any]) -> str:
    return _("%(what)s (bewaakt door %(monitor)s; als niet nagekomen: %(if_not_met)s)") % requirement


def compare_versions(old: PlanVersion, new: PlanVersion) -> list[ComparedField]:
    """Field by field what changed from `old` to `new`, as word-level segments."""

    def phase(value: str) -> str:
        return str(SafetyPhase(value).label) if value in SafetyPhase.values else "–"

    rows = [
        (_("Aanpak"), str(Approach(old.approach).label), str(Approach(new.approach).label)),
        (_("Gezamenlijk doel"), old.common_goal, new.common_goal),
        (_("Probleembeschrijving"), old.problem, new.problem),
        (_("Veiligheidsfase"), phase(old.safety_phase), phase(new.safety_phase)),
        (
            _("Rappeldatum"),
            old.review_date.isoformat() if old.review_date else "–",
            new.review_date.isoformat() if new.review_date else "–",
        ),
        (
            _("Doelen"),
            "\n".join(_goal_line(goal) for goal in old.goals),
            "\n".join(_goal_line(goal) for goal in new.goals),
        ),
        (
            _("Bodemeisen"),
            "\n".join(_requirement_line(r) for r in old.requirements),
            "\n".join(_requirement_line(r) for r in new.requirements),
        ),
        (_("Samenvatting voor het huishouden"), old.household_summary, new.household_summary),
    ]
    return [
        ComparedField(label=str(label), changed=before != after, segments=_word_diff(before, after))
        for label, before, after in rows
    ]


# --- "Mijn afspraken" ---------------------------------------------------------------------


def _open_first(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return agreements.select_related("case", "organisation", "owner", "goal").order_by(
        "ended_at", "due_date", "due_time", "pk"
    )


def my_agreements(user: User, *, include_ended: bool = False) -> QuerySet[Agreement]:
    """The agreements the user carries out, in cases they may see: open first, by due date."""
    agreements = Agreement.objects.filter(owner=user, case__in=Case.objects.visible_to(user).values("pk"))
    if not include_ended:
        agreements = agreements.filter(ended_at__isnull=True)
    return _open_first(agreements)


def organisation_agreements(user: User, membership: Membership | None) -> QuerySet[Agreement]:
    """Open agreements of the organisation the user acts for, carried out by colleagues, in
    cases the user may see (the ambassador's and colleagues' view)."""
    if membership is None or membership.role not in CASE_WORKER_ROLES or membership.organisation.is_house_office:
        return Agreement.objects.none()
    return _open_first(
        Agreement.objects.filter(
            organisation=membership.organisation_id,
            ended_at__isnull=True,
            case__in=Case.objects.visible_to(user).values("pk"),
        ).exclude(owner=user)
    )


def latest_updates(agreements: list[Agreement]) -> dict[int, AgreementUpdate]:
    """The latest feedback per agreement, in one query."""
    latest: dict[int, AgreementUpdate] = {}
    for update in AgreementUpdate.objects.filter(agreement__in=agreements).order_by("reported_at", "pk"):
        latest[update.agreement_id] = update
    return latest


# --- Start pages --------------------------------------------------------------------------


def overdue_agreements_for(user: User, membership: Membership) -> QuerySet[Agreement]:
    """Overdue agreements on the start page: for a process director in the cases they direct;
    for a case worker in the cases where they are case director; for an ambassador those of
    their organisation. No names: the start page shows case numbers and organisations."""
    today = timezone.localdate()
    overdue = (
        Agreement.objects.overdue(today)
        .filter(case__status=CaseStatus.ACTIVE)
        .select_related("organisation", "case")
        .order_by("due_date", "pk")
    )
    if membership.role == Role.PROCESS_DIRECTOR:
        return overdue.filter(case__house=membership.organisation.house_id, case__process_director=user)
    if membership.role not in CASE_WORKER_ROLES:
        return overdue.none()
    directed = DirectionAssignment.objects.filter(status=DirectionStatus.ACCEPTED, director=user).values("case")
    condition = Q(case__in=directed)
    if membership.is_ambassador:
        condition |= Q(organisation=membership.organisation_id)
    return overdue.filter(condition, case__in=Case.objects.visible_to(user).values("pk"))


def cases_without_director_for(user: User, membership: Membership) -> QuerySet[Case]:
    """Active cases of the process director with no accepted case director, or whose case
    director no longer works for the organisation they direct for."""
    if membership.role != Role.PROCESS_DIRECTOR:
        return Case.objects.none()
    working = Membership.objects.active().filter(
        user=OuterRef("director"), organisation=OuterRef("organisation"), role__in=CASE_WORKER_ROLES
    )
    valid = DirectionAssignment.objects.filter(case=OuterRef("pk"), status=DirectionStatus.ACCEPTED).filter(
        Exists(working)
    )
    return (
        Case.objects.filter(status=CaseStatus.ACTIVE, house=membership.organisation.house_id, process_director=user)
        .exclude(Exists(valid))
        .select_related("meeting_type")
        .order_by("opened_at", "pk")
    )


def follow_ups_due_for(user: User, membership: Membership) -> QuerySet[FollowUp]:
    if membership.role != Role.PROCESS_DIRECTOR:
        return FollowUp.objects.none()
    return (
        FollowUp.objects.filter(
            due_on__lte=timezone.localdate(),
            answered_at__isnull=True,
            case__status=CaseStatus.CLOSED,
            case__house=membership.organisation.house_id,
            case__process_director=user,
        )
        .select_related("case")
        .order_by("due_on", "pk")
    )


def direction_proposals_for(user: User) -> QuerySet[DirectionAssignment]:
    """Case direction proposed to the user and waiting for their answer."""
    return (
        DirectionAssignment.objects.filter(director=user, status=DirectionStatus.PROPOSED)
        .filter(case__in=Case.objects.visible_to(user).values("pk"))
        .select_related("case", "organisation")
        .order_by("proposed_at")
    )


def task_checks(case: Case) -> dict[tuple[str, str], DirectionTaskCheck]:
    """The latest check per (role, task) of the case."""
    latest: dict[tuple[str, str], DirectionTaskCheck] = {}
    for check in DirectionTaskCheck.objects.filter(case=case).select_related("checked_by").order_by("checked_at", "pk"):
        latest[(check.role, check.task)] = check
    return latest
