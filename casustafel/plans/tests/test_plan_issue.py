"""The plans issue through its services: versioned plans, goals with warnings, agreements answered
and reported on from the partner's own account, case direction with handovers, closing the loop,
follow-up and re-entry. Bad input and concurrency cases each have a test."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditEvent
from casustafel.cases.models import CaseInvolvement, CaseStatus, CloseReason, ReferralStatus
from casustafel.cases.services.referrals import referral_submit
from casustafel.cases.timeline import case_timeline
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import SafetyPhase
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.organisations.services import membership_end
from casustafel.plans.models import (
    AgreementEnd,
    AgreementKind,
    AgreementProgress,
    AgreementResponse,
    Approach,
    DirectionStatus,
    FollowUp,
    FollowUpAnswer,
    GoalStatus,
    PlanVersion,
)
from casustafel.plans.selectors_pages import (
    cases_without_director_for,
    compare_versions,
    due_date_warning,
    goal_warnings,
    my_agreements,
    overdue_agreements_for,
)
from casustafel.plans.services import agreement_create, phase_move
from casustafel.plans.services_agreements import agreement_report, agreement_respond
from casustafel.plans.services_closure import AgreementSettlement, GoalOutcome, case_closure, follow_up_answer
from casustafel.plans.services_direction import direction_propose, direction_respond
from casustafel.plans.services_plan import goal_create, goal_progress, plan_save
from casustafel.privacy.provenance.access import case_viewer
from casustafel.testing.cases import CasePartyFactory, ReferralFactory
from casustafel.testing.involvements import open_case
from casustafel.testing.plans import another_case, close_case, make_director, make_plan, raise_escalation
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return open_case(personas).case


@pytest.fixture
def planned(personas, case):
    return make_plan(personas, case)


# --- The plan and its versions ----------------------------------------------------------------


def test_every_plan_change_is_a_version_with_who_and_why_and_two_can_be_compared(personas, planned):
    director = actor_for(personas, "process_director")
    plan = plan_save(
        actor=director,
        case=planned.case,
        approach=Approach.ALIGNED,
        common_goal="Moeder en kinderen wonen veilig, vader krijgt behandeling.",
        problem=planned.plan.problem,
        reason="Vader is in behandeling gegaan.",
        expected_version=planned.plan.version,
    )
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    # 1: the plan made; 2: the goal added; 3: this change.
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[-1].reason == "Vader is in behandeling gegaan."
    assert versions[-1].created_by == personas.process_director
    assert versions[-1].safety_phase == SafetyPhase.DIRECT_SAFETY
    assert versions[-1].requirements[0]["what"] == "Vader houdt zich aan het contactverbod."
    assert versions[0].goals == [] and versions[1].goals[0]["title"] == "Geen nieuwe incidenten"
    compared = {row.label: row for row in compare_versions(versions[0], versions[-1])}
    assert compared["Aanpak"].changed and not compared["Probleembeschrijving"].changed
    added = [seg.text for seg in compared["Gezamenlijk doel"].segments if seg.change == "added"]
    assert "behandeling." in " ".join(added)


def test_saving_the_plan_unchanged_writes_no_version(personas, planned):
    before = PlanVersion.objects.count()
    plan = planned.plan
    plan_save(
        actor=actor_for(personas, "process_director"),
        case=planned.case,
        approach=plan.approach,
        common_goal=plan.common_goal,
        problem=plan.problem,
        household_summary=plan.household_summary,
        reason="Niets veranderd",
        expected_version=plan.version,
    )
    assert PlanVersion.objects.count() == before


def test_two_editors_of_the_plan_never_overwrite_each_other(personas, planned):
    stale = planned.plan.version
    plan_save(
        actor=actor_for(personas, "process_director"),
        case=planned.case,
        approach=Approach.JOINT,
        common_goal="Eerste versie van de collega.",
        reason="Collega",
        expected_version=stale,
    )
    with pytest.raises(ConflictError):
        plan_save(
            actor=actor_for(personas, "secretary"),
            case=planned.case,
            approach=Approach.JOINT,
            common_goal="Tweede, op een oude pagina.",
            reason="Oud",
            expected_version=stale,
        )


def test_the_case_director_edits_the_plan_between_meetings_and_other_partners_do_not(personas, planned):
    make_director(personas, planned.case, "professional_a")
    plan_save(
        actor=actor_for(personas, "professional_a"),
        case=planned.case,
        approach=Approach.JOINT,
        common_goal="Bijgesteld na huisbezoek.",
        reason="Huisbezoek",
        expected_version=planned.plan.version,
    )
    with pytest.raises(PermissionDenied):
        goal_create(actor=actor_for(personas, "ambassador_a"), case=planned.case, title="Doel", reason="x")


def test_a_plan_without_a_common_goal_or_reason_is_refused_per_field(personas, case):
    with pytest.raises(ValidationError) as caught:
        plan_save(actor=actor_for(personas, "process_director"), case=case, approach="", common_goal=" ", reason="")
    assert set(caught.value.error_dict) == {"approach", "common_goal", "reason"}


# --- Goals ----------------------------------------------------------------------------------


def test_a_goal_without_criterion_owner_or_date_is_saved_and_flagged(personas, planned):
    goal = goal_create(actor=actor_for(personas, "process_director"), case=planned.case, title="Rust", reason="Overleg")
    assert goal_warnings(goal) == ["Geen meetbaar resultaatcriterium", "Geen eigenaar", "Geen streefdatum"]
    assert goal_warnings(planned.goal) == []


def test_goal_progress_needs_evidence_and_date(personas, planned):
    director = actor_for(personas, "process_director")
    with pytest.raises(ValidationError) as caught:
        goal_progress(
            actor=director,
            goal=planned.goal,
            status=GoalStatus.ON_TRACK,
            evidence="",
            status_on=None,
            expected_version=planned.goal.version,
        )
    assert set(caught.value.error_dict) == {"evidence", "status_on"}
    goal = goal_progress(
        actor=director,
        goal=planned.goal,
        status=GoalStatus.ON_TRACK,
        evidence="Twee maanden geen melding.",
        status_on=timezone.localdate(),
        expected_version=planned.goal.version,
    )
    assert goal.status == GoalStatus.ON_TRACK


# --- Agreements -------------------------------------------------------------------------------


def _agreement(personas, case, **overrides):
    values = {
        "organisation": personas.org_a,
        "owner": personas.professional_a,
        "what": "Gesprek met de school.",
        "due_date": timezone.localdate() + dt.timedelta(days=3),
        "kind": AgreementKind.PROFESSIONAL_ACTION,
        "justification": "De school signaleert verzuim.",
    }
    values.update(overrides)
    return agreement_create(actor=actor_for(personas, "process_director"), case=case, **values)


def test_an_agreement_without_owner_or_due_date_is_refused(personas, case):
    with pytest.raises(ValidationError) as caught:
        _agreement(personas, case, owner=None, due_date=None)
    assert {"owner", "due_date"} <= set(caught.value.error_dict)


def test_a_due_date_in_the_past_is_accepted_with_a_warning(personas, case):
    agreement = _agreement(personas, case, due_date=timezone.localdate() - dt.timedelta(days=2))
    assert agreement.pk
    assert "verleden" in due_date_warning(agreement.due_date)
    assert due_date_warning(timezone.localdate()) == ""


def test_a_new_agreement_notifies_its_named_person(personas, case):
    agreement = _agreement(personas, case)
    notice = Notification.objects.get(recipient=personas.professional_a, kind=NotificationKind.AGREEMENT_ASSIGNED)
    assert notice.case_id == agreement.case_id
    assert "Gesprek" not in notice.text  # a neutral sentence, never the content


def test_the_responsible_organisation_accepts_or_declines_from_its_own_account(personas, planned):
    make_director(personas, planned.case, "professional_a")
    agreement = planned.agreement
    with pytest.raises(PermissionDenied):
        agreement_respond(
            actor=actor_for(personas, "professional_b"), agreement=agreement, accept=True, expected_version=1
        )
    with pytest.raises(ValidationError):
        agreement_respond(
            actor=actor_for(personas, "ambassador_a"),
            agreement=agreement,
            accept=False,
            reason="",
            expected_version=agreement.version,
        )
    declined = agreement_respond(
        actor=actor_for(personas, "ambassador_a"),
        agreement=agreement,
        accept=False,
        reason="Geen capaciteit deze maand.",
        expected_version=agreement.version,
    )
    assert declined.response == AgreementResponse.DECLINED
    assert Notification.objects.filter(
        recipient=personas.professional_a, kind=NotificationKind.AGREEMENT_DECLINED
    ).exists()
    assert Notification.objects.filter(
        recipient=personas.process_director, kind=NotificationKind.AGREEMENT_DECLINED
    ).exists()


def test_feedback_done_ends_the_agreement_and_the_case_director_hears_at_once(personas, planned):
    make_director(personas, planned.case, "ambassador_a")
    update = agreement_report(
        actor=actor_for(personas, "professional_a"),
        agreement=planned.agreement,
        progress=AgreementProgress.DONE,
        result="Huisbezoek gedaan, veiligheidsplan besproken.",
        expected_version=planned.agreement.version,
    )
    agreement = update.agreement
    agreement.refresh_from_db()
    assert agreement.end == AgreementEnd.DONE and agreement.ended_at is not None
    assert agreement.response == AgreementResponse.ACCEPTED  # reporting on it is taking it on
    assert Notification.objects.filter(
        recipient=personas.ambassador_a, kind=NotificationKind.AGREEMENT_FEEDBACK
    ).exists()
    assert agreement not in my_agreements(personas.professional_a)
    assert agreement in my_agreements(personas.professional_a, include_ended=True)


def test_two_partners_reporting_on_one_agreement_at_once_get_a_version_check(personas, planned):
    loaded = planned.agreement.version  # both pages were loaded with this version
    agreement_report(
        actor=actor_for(personas, "professional_a"),
        agreement=planned.agreement,
        progress=AgreementProgress.PARTLY,
        result="Eerste gesprek gevoerd.",
        expected_version=loaded,
    )
    with pytest.raises(ConflictError) as caught:
        agreement_report(
            actor=actor_for(personas, "ambassador_a"),
            agreement=planned.agreement,
            progress=AgreementProgress.NOT_DONE,
            result="Moeder niet thuis getroffen.",
            expected_version=loaded,
        )
    assert "Iemand anders heeft dit intussen gewijzigd" in caught.value.messages[0]
    assert planned.agreement.updates.count() == 1


def test_overdue_agreements_show_for_process_director_case_director_and_ambassador(personas, case):
    make_director(personas, case, "professional_a")
    overdue = _agreement(personas, case, due_date=timezone.localdate() - dt.timedelta(days=1))
    _agreement(personas, case)  # not overdue
    for name in ("process_director", "professional_a", "ambassador_a"):
        assert list(overdue_agreements_for(personas.users[name], personas.memberships[name])) == [overdue], name
    assert not overdue_agreements_for(personas.professional_b, personas.memberships["professional_b"]).exists()


# --- Case direction ---------------------------------------------------------------------------


def test_case_direction_is_proposed_accepted_and_handed_over_with_a_log(personas, planned):
    case = planned.case
    first = make_director(personas, case, "professional_a")
    assert first.status == DirectionStatus.ACCEPTED
    proposal = direction_propose(
        actor=actor_for(personas, "process_director"),
        case=case,
        director=personas.ambassador_a,
        organisation=personas.org_a,
        reason="Professional A gaat met verlof.",
        excluded_tasks=[{"task": "know_clients", "assigned_to": "Wijkteam"}],
    )
    assert Notification.objects.filter(recipient=personas.ambassador_a, kind=NotificationKind.DIRECTION_PROPOSED)
    with pytest.raises(PermissionDenied):
        direction_respond(
            actor=actor_for(personas, "professional_a"), assignment=proposal, accept=True, expected_version=1
        )
    second = direction_respond(
        actor=actor_for(personas, "ambassador_a"), assignment=proposal, accept=True, expected_version=proposal.version
    )
    first.refresh_from_db()
    assert first.status == DirectionStatus.ENDED and first.ended_at == second.responded_at
    assert second.previous == first and second.excluded_keys == {"know_clients"}
    viewer = case_viewer(personas.process_director, case)
    titles = [entry.title for entry in case_timeline(case, viewer, personas.process_director, kinds=["direction"])]
    assert any("Overdracht casusregie van Professional A aan Ambassador A" in title for title in titles)


def test_a_proposed_director_must_work_for_an_involved_partner(personas, case):
    with pytest.raises(ValidationError) as caught:
        direction_propose(
            actor=actor_for(personas, "process_director"),
            case=case,
            director=personas.professional_b,
            organisation=personas.org_b,
            reason="Politie",
        )
    assert "organisation" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        direction_propose(
            actor=actor_for(personas, "process_director"),
            case=case,
            director=personas.professional_b,
            organisation=personas.org_a,
            reason="Verkeerde organisatie",
        )
    assert "director" in caught.value.error_dict


def test_a_case_director_who_leaves_their_organisation_is_a_warning_for_the_process_director(personas, case):
    pd, membership = personas.process_director, personas.memberships["process_director"]
    assert list(cases_without_director_for(pd, membership)) == [case]
    make_director(personas, case, "professional_a")
    assert list(cases_without_director_for(pd, membership)) == []
    membership_end(
        actor=actor_for(personas, "administrator"),
        membership=personas.memberships["professional_a"],
        end_date=timezone.localdate() - dt.timedelta(days=1),
        expected_version=None,
    )
    assert list(cases_without_director_for(pd, membership)) == [case]


# --- Closing, follow-up and re-entry ------------------------------------------------------------


def test_closing_with_open_agreements_asks_what_happens_to_each(personas, planned):
    case = planned.case
    extra = _agreement(personas, case)
    with pytest.raises(ValidationError) as caught:
        case_closure(
            actor=actor_for(personas, "process_director"),
            case=case,
            reason_kind=CloseReason.GOALS_ACHIEVED,
            reason="",
            closed_on=timezone.localdate(),
            goal_outcomes={},
            settlements={extra.pk: AgreementSettlement(AgreementEnd.CONTINUES)},
            continues="",
            if_it_goes_wrong="",
            last_safety_score=11,
            last_safety_justification="",
        )
    errors = caught.value.error_dict
    assert {
        f"goal_{planned.goal.pk}",
        f"agreement_{planned.agreement.pk}",
        f"agreement_{extra.pk}",  # continues, but with whom?
        "continues",
        "if_it_goes_wrong",
        "last_safety_score",
        "last_safety_justification",
    } <= set(errors)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE  # nothing stored


def test_closing_records_the_loop_and_plans_the_follow_ups(personas, planned):
    case = planned.case
    closed = case_closure(
        actor=actor_for(personas, "process_director"),
        case=case,
        reason_kind=CloseReason.STEPPED_DOWN,
        reason="",
        closed_on=timezone.localdate(),
        goal_outcomes={planned.goal.pk: GoalOutcome(GoalStatus.NOT_ACHIEVED, "Nog twee meldingen.")},
        settlements={planned.agreement.pk: AgreementSettlement(AgreementEnd.CONTINUES, "Wijkteam Hilversum")},
        continues="Het wijkteam houdt contact met moeder.",
        if_it_goes_wrong="Het wijkteam meldt direct opnieuw aan bij het huis.",
        last_safety_score=6,
        last_safety_justification="Rustiger, maar vader woont weer in de buurt.",
    )
    assert closed.status == CaseStatus.CLOSED and closed.close_reason_kind == CloseReason.STEPPED_DOWN
    planned.goal.refresh_from_db()
    planned.agreement.refresh_from_db()
    assert planned.goal.status == GoalStatus.NOT_ACHIEVED
    assert planned.agreement.end == AgreementEnd.CONTINUES and planned.agreement.continues_with == "Wijkteam Hilversum"
    assert closed.closure_plan.last_safety_score == 6
    assert [f.months for f in FollowUp.objects.filter(case=closed).order_by("months")] == [3, 6, 12]
    assert not CaseInvolvement.objects.current().filter(case=closed).exists()


def test_a_follow_up_is_answered_only_when_due(personas, planned):
    closed = close_case(personas, planned.case)
    follow_up = FollowUp.objects.get(case=closed, months=3)
    answers = {"new_incidents": FollowUpAnswer.NO, "re_referral": FollowUpAnswer.NO, "still_safe": FollowUpAnswer.YES}
    with pytest.raises(ServiceError):
        follow_up_answer(
            actor=actor_for(personas, "process_director"), follow_up=follow_up, expected_version=1, **answers
        )
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=timezone.localdate())
    follow_up.refresh_from_db()
    answered = follow_up_answer(
        actor=actor_for(personas, "process_director"), follow_up=follow_up, expected_version=1, **answers
    )
    assert answered.answered_at is not None and answered.still_safe == FollowUpAnswer.YES


def test_a_new_referral_for_a_person_of_a_closed_case_links_to_that_episode(personas, planned):
    closed = close_case(personas, planned.case)
    person = closed.referral.parties.first().person
    referral = ReferralFactory(
        referrer=personas.professional_a,
        referring_organisation=personas.org_a,
        meeting_type=closed.meeting_type,
        concern="Opnieuw zorgen.",
        desired_response_days=7,
        consent="informed",
    )
    CasePartyFactory(referral=referral, person=person, role="subject")
    submitted = referral_submit(actor=actor_for(personas, "professional_a"), referral=referral, expected_version=None)
    assert submitted.status == ReferralStatus.SUBMITTED
    assert submitted.previous_case == closed
    viewer = case_viewer(personas.process_director, closed)
    titles = [e.title for e in case_timeline(closed, viewer, personas.process_director, kinds=["referral"])]
    assert any("Opnieuw aangemeld" in title for title in titles)


def test_a_referral_for_new_people_has_no_earlier_episode(personas, planned):
    close_case(personas, planned.case)
    other = another_case(personas, planned.case)
    assert other.referral.previous_case is None


# --- The timeline -------------------------------------------------------------------------------


def test_the_timeline_shows_everything_to_the_process_director_and_the_allowed_part_to_a_partner(personas, planned):
    case = planned.case
    director = actor_for(personas, "process_director")
    phase_move(actor=director, case=case, to_phase=SafetyPhase.RISK_REDUCTION, reason="Rust.")
    phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Nieuw incident.")
    agreement_report(
        actor=actor_for(personas, "professional_a"),
        agreement=planned.agreement,
        progress=AgreementProgress.PARTLY,
        result="Eerste gesprek.",
        expected_version=planned.agreement.version,
    )
    raise_escalation(personas, case)
    pd_view = case_viewer(personas.process_director, case)
    pd_kinds = {entry.kind for entry in case_timeline(case, pd_view, personas.process_director)}
    assert {
        "referral",
        "triage",
        "case",
        "phase",
        "plan",
        "agreement",
        "feedback",
        "requirement",
        "escalation",
    } <= pd_kinds
    titles = [e.title for e in case_timeline(case, pd_view, personas.process_director, kinds=["phase"])]
    assert titles[-1].startswith("Fase terug")
    partner = personas.professional_b
    assert case_viewer(partner, case) is None  # org_b is not involved: no timeline at all
    org_a_view = case_viewer(personas.professional_a, case)
    org_a_entries = case_timeline(case, org_a_view, personas.professional_a)
    assert "escalation" in {e.kind for e in org_a_entries}  # org_a is a party
    filtered = case_timeline(case, org_a_view, personas.professional_a, organisation_id=personas.org_a.pk)
    assert filtered and all(e.organisation == personas.org_a for e in filtered)


def test_audit_events_are_written_with_every_plan_change(personas, planned):
    before = AuditEvent.objects.count()
    goal_create(actor=actor_for(personas, "process_director"), case=planned.case, title="Werk", reason="Overleg")
    assert AuditEvent.objects.count() > before


@pytest.mark.parametrize("name", ["secretary", "professional_a", "house_manager"])
def test_only_a_process_director_closes_a_case(personas, planned, name):
    with pytest.raises(PermissionDenied):
        _close_as(personas, planned.case, name)


def _close_as(personas, case, name):
    return case_closure(
        actor=actor_for(personas, name),
        case=case,
        reason_kind=CloseReason.OTHER,
        reason="x",
        closed_on=timezone.localdate(),
        goal_outcomes={},
        settlements={},
        continues="x",
        if_it_goes_wrong="x",
        last_safety_score=5,
        last_safety_justification="x",
    )


def test_house_staff_give_the_case_a_review_date_with_its_first_plan(personas, case):
    assert case.review_date is None
    with pytest.raises(ValidationError) as caught:
        plan_save(
            actor=actor_for(personas, "process_director"),
            case=case,
            approach=Approach.JOINT,
            common_goal="Veilig thuis.",
            reason="Overleg",
        )
    assert set(caught.value.error_dict) == {"review_date"}
    plan_save(
        actor=actor_for(personas, "process_director"),
        case=case,
        approach=Approach.JOINT,
        common_goal="Veilig thuis.",
        reason="Overleg",
        review_date=timezone.localdate() + dt.timedelta(days=28),
    )
    case.refresh_from_db()
    assert case.review_date == timezone.localdate() + dt.timedelta(days=28)
