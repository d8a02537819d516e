"""Scenario helpers for the learning cycle, through the services: self-assessment rounds in each
state with professional_a invited, an improvement plan with an action owned by professional_b
(org_b), and an effort entry of org_a."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from casustafel.learning.instruments import AGREE, AGREE_STRONGLY, DISAGREE, NEUTRAL
from casustafel.learning.models import (
    Activity,
    AssessmentInvitation,
    EffortDirection,
    EffortEntry,
    Evidence,
    ImprovementAction,
    ImprovementPlan,
    SelfAssessment,
)
from casustafel.learning.services_assessment import (
    assessment_answers_save,
    assessment_invite,
    self_assessment_close,
    self_assessment_create,
    self_assessment_open,
)
from casustafel.learning.services_effort import effort_entry_record
from casustafel.learning.services_improvement import improvement_action_create, improvement_plan_create
from casustafel.organisations.models import Membership, Role
from casustafel.testing.factories import MembershipFactory, UserFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

EFFORT_NOTE = "Voorbereiding zorgoverleg, uit de urenregistratie"
PLAN_TITLE = "Verbeterplan zorgoverleg: afspraken nakomen"


@dataclass
class LearningSetting:
    draft: SelfAssessment
    open: SelfAssessment
    closed: SelfAssessment
    plan: ImprovementPlan
    action: ImprovementAction
    effort: EffortEntry


def assessment_round(
    personas: Personas,
    *,
    title: str,
    invite: list[Membership],
    instrument_key: str = "factors",
    opened: bool = True,
    closes_in_days: int = 14,
) -> SelfAssessment:
    manager = actor_for(personas, "process_director")
    assessment = self_assessment_create(
        actor=manager,
        house=personas.house,
        instrument_key=instrument_key,
        title=title,
        closes_on=timezone.localdate() + dt.timedelta(days=closes_in_days),
    )
    assessment_invite(actor=manager, assessment=assessment, memberships=invite)
    if opened:
        assessment = self_assessment_open(actor=manager, assessment=assessment, expected_version=assessment.version)
    return assessment


def participants(personas: Personas, count: int) -> list[Membership]:
    """`count` extra professionals of org_a and org_b, to answer a round."""
    members = []
    for number in range(count):
        organisation = personas.org_a if number % 2 else personas.org_b
        user = UserFactory()
        members.append(MembershipFactory(user=user, organisation=organisation, role=Role.PROFESSIONAL))  # type: ignore[arg-type]
    return members


ANSWER_CYCLE = (AGREE_STRONGLY, AGREE, AGREE, NEUTRAL, DISAGREE)


def answer_all(assessment: SelfAssessment, *, submit: bool = True, choices: tuple[str, ...] = ANSWER_CYCLE) -> None:
    """Every invitee (in the order they were invited) answers every question: the n-th picks
    choices[n % len(choices)] on each statement, 5 * (n + 1) on each number question and
    "Toelichting n" on each open one."""
    from casustafel.audit.context import Actor
    from casustafel.learning.instruments import QuestionKind, instrument

    questions = instrument(assessment.instrument).questions()
    for number, invitation in enumerate(AssessmentInvitation.objects.filter(assessment=assessment).order_by("pk")):
        membership = Membership.objects.filter(user=invitation.user, organisation=invitation.organisation).first()
        answers: dict[str, object] = {}
        for question in questions:
            if question.kind == QuestionKind.SCALE:
                answers[question.key] = choices[number % len(choices)]
            elif question.kind == QuestionKind.NUMBER:
                answers[question.key] = 5 * (number + 1)
            else:
                answers[question.key] = f"Toelichting {number}"
        assessment_answers_save(
            actor=Actor(user=invitation.user, membership=membership),
            invitation=invitation,
            answers=answers,
            submit=submit,
            expected_version=invitation.version,
        )


def learning_setting(personas: Personas) -> LearningSetting:
    manager = actor_for(personas, "process_director")
    invitee = [personas.memberships["professional_a"]]
    draft = assessment_round(personas, title="Ronde in voorbereiding", invite=invitee, opened=False)
    opened = assessment_round(personas, title="Ronde die open staat", invite=invitee)
    closed = assessment_round(personas, title="Gesloten ronde", invite=invitee)
    answer_all(closed)
    closed = self_assessment_close(actor=manager, assessment=closed, expected_version=None)
    plan = improvement_plan_create(
        actor=manager, house=personas.house, title=PLAN_TITLE, aim="Minder afspraken over de termijn."
    )
    action = improvement_action_create(
        actor=manager,
        plan=plan,
        title="Terugkoppelen zonder aan tafel te komen",
        organisation=personas.org_b,
        owner=personas.professional_b,
        due_date=timezone.localdate() + dt.timedelta(days=30),
        indicators=[("agreements_on_time", "up")],
    )
    effort = effort_entry_record(
        actor=actor_for(personas, "professional_a"),
        house=personas.house,
        organisation=personas.org_a,
        month=timezone.localdate(),
        activity=Activity.PREPARING,
        direction=EffortDirection.MORE,
        hours=Decimal("3.5"),
        evidence=Evidence.MEASURED,
        note=EFFORT_NOTE,
    )
    return LearningSetting(draft=draft, open=opened, closed=closed, plan=plan, action=action, effort=effort)
