"""Scenario helpers for the plan side of a case, through the services: a plan with a goal, an
agreement for org_a, a bodemeis monitored by org_a, a case director, escalations, and a closed
case with its follow-up moments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from casustafel.cases.models import Case, CloseReason, PartyRole, Person
from casustafel.escalations.models import Escalation, EscalationReason
from casustafel.escalations.services import escalation_raise, escalation_step_up
from casustafel.meeting_types.models import SafetyPhase
from casustafel.plans.models import (
    ActionPlan,
    Agreement,
    AgreementKind,
    Approach,
    DirectionAssignment,
    Goal,
    MinimumRequirement,
)
from casustafel.plans.services import agreement_create, minimum_requirement_create, phase_move
from casustafel.plans.services_closure import (
    AgreementSettlement,
    GoalOutcome,
    case_closure,
    open_agreements,
    open_goals,
)
from casustafel.plans.services_direction import direction_propose, direction_respond
from casustafel.plans.services_plan import goal_create, plan_save
from casustafel.testing.cases import CasePartyFactory, LifeDomainProblemFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import ReferralSetting, actor_for, referral_of
from casustafel.testing.triage import TriageSetting, decide


@dataclass
class PlanSetting:
    case: Case
    plan: ActionPlan
    goal: Goal
    agreement: Agreement
    requirement: MinimumRequirement


def make_plan(personas: Personas, case: Case, *, due_in_days: int = 7) -> PlanSetting:
    """The process director records what a meeting decided: the phase, the plan, a goal owned
    by org_a, an agreement for professional_a and a bodemeis monitored by org_a."""
    director = actor_for(personas, "process_director")
    phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Acute zorgen om veiligheid.")
    plan = plan_save(
        actor=director,
        case=case,
        approach=Approach.JOINT,
        common_goal="Moeder en kinderen wonen veilig thuis.",
        problem="Herhaald huiselijk geweld; vader heeft een contactverbod.",
        household_summary="We zorgen samen dat u veilig thuis kunt wonen.",
        review_date=timezone.localdate() + dt.timedelta(days=42),
        reason="Vastgesteld in het overleg.",
    )
    goal = goal_create(
        actor=director,
        case=case,
        title="Geen nieuwe incidenten",
        criterion="Drie maanden geen politiemelding over het gezin.",
        owner_organisation=personas.org_a,
        owner=personas.professional_a,
        target_date=timezone.localdate() + dt.timedelta(days=90),
        reason="Doel vastgesteld in het overleg.",
    )
    agreement = agreement_create(
        actor=director,
        case=case,
        organisation=personas.org_a,
        owner=personas.professional_a,
        what="Huisbezoek bij moeder en het veiligheidsplan bespreken.",
        due_date=timezone.localdate() + dt.timedelta(days=due_in_days),
        kind=AgreementKind.HOUSEHOLD_ACTION,
        justification="Moeder vroeg om hulp bij het veiligheidsplan.",
        goal=goal,
    )
    requirement = minimum_requirement_create(
        actor=director,
        case=case,
        what="Vader houdt zich aan het contactverbod.",
        monitor=personas.org_a,
        if_not_met="Direct melden bij de politie en de procesregisseur.",
    )
    return PlanSetting(case=case, plan=plan, goal=goal, agreement=agreement, requirement=requirement)


def make_director(personas: Personas, case: Case, name: str = "professional_a") -> DirectionAssignment:
    """Propose `name` (of org_a) as case director and let them accept."""
    proposal = direction_propose(
        actor=actor_for(personas, "process_director"),
        case=case,
        director=personas.users[name],
        organisation=personas.memberships[name].organisation,
        reason="Kent het gezin het best.",
    )
    return direction_respond(
        actor=actor_for(personas, name), assignment=proposal, accept=True, expected_version=proposal.version
    )


def raise_escalation(personas: Personas, case: Case, *, up: int = 0) -> Escalation:
    """A stuck case reported to the process director, with org_a as party; moved up `up` steps."""
    escalation = escalation_raise(
        actor=actor_for(personas, "process_director"),
        case=case,
        reason=EscalationReason.STUCK,
        question="De hulp komt niet op gang door een wachtlijst.",
        parties=[personas.org_a],
    )
    for _ in range(up):
        escalation = escalation_step_up(
            actor=actor_for(personas, "process_director"),
            escalation=escalation,
            question="Kan de ketenmanager de wachtlijst doorbreken?",
            expected_version=escalation.version,
        )
    return escalation


def close_case(personas: Personas, case: Case, *, closed_on: dt.date | None = None) -> Case:
    """Close through `case_closure`: goals achieved, open agreements done, a closure plan."""
    return case_closure(
        actor=actor_for(personas, "process_director"),
        case=case,
        reason_kind=CloseReason.GOALS_ACHIEVED,
        reason="",
        closed_on=closed_on or timezone.localdate(),
        goal_outcomes={goal.pk: GoalOutcome("achieved", "Geen meldingen meer.") for goal in open_goals(case)},
        settlements={a.pk: AgreementSettlement("done") for a in open_agreements(case)},
        continues="Het wijkteam blijft betrokken.",
        if_it_goes_wrong="Het wijkteam meldt opnieuw aan.",
        last_safety_score=8,
        last_safety_justification="Rustig sinds drie maanden.",
    )


def another_case(personas: Personas, like: Case, *, person: Person | None = None) -> Case:
    """A further case of the house on the same meeting type (professional_a refers, the process
    director accepts); with `person`, that person is its subject (a re-entry)."""
    meeting_type = like.meeting_type
    assert meeting_type.criteria_set is not None
    setting = ReferralSetting(meeting_type=meeting_type, municipality=like.municipality)  # type: ignore[arg-type]
    referral = referral_of(personas, setting, submitted=True, municipality=like.municipality)
    if person is not None:
        CasePartyFactory(referral=referral, role=PartyRole.SUBJECT, person=person)
    else:
        CasePartyFactory(referral=referral, role=PartyRole.SUBJECT)
    LifeDomainProblemFactory(referral=referral)
    triage = TriageSetting(
        meeting_type=meeting_type,
        municipality=like.municipality,  # type: ignore[arg-type]
        version=meeting_type.criteria_set.versions.get(number=1),
        referral=referral,
    )
    decide(personas, triage, outcome="accept")
    return Case.objects.get(referral=referral)


def closed_case(personas: Personas, like: Case) -> Case:
    """A further case of the house, with a plan, closed today (follow-ups planned)."""
    case = another_case(personas, like)
    make_plan(personas, case)
    return close_case(personas, case)
