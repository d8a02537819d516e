"""Self-assessment rounds: who may prepare, open and close them, what a participant may write,
and that the audit trail never records one person's answers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditEvent
from casustafel.learning.models import AssessmentAnswer, AssessmentInvitation, AssessmentStatus
from casustafel.learning.services_assessment import (
    assessment_answers_save,
    assessment_invitation_withdraw,
    assessment_invite,
    self_assessment_close,
    self_assessment_create,
    self_assessment_open,
)
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, SafetyHouseFactory, UserFactory
from casustafel.testing.learning import assessment_round
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + dt.timedelta(days=7)


def test_a_round_needs_a_title_and_a_closing_day_not_in_the_past(personas):
    with pytest.raises(ValidationError) as caught:
        self_assessment_create(
            actor=actor_for(personas, "process_director"),
            house=personas.house,
            instrument_key="factors",
            title=" ",
            closes_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {"title", "closes_on"}
    assert caught.value.message_dict["closes_on"] == ["De sluitdatum ligt in het verleden."]


def test_an_unknown_instrument_is_refused(personas):
    with pytest.raises(ValidationError) as caught:
        self_assessment_create(
            actor=actor_for(personas, "house_manager"),
            house=personas.house,
            instrument_key="tevredenheid",
            title="Ronde",
            closes_on=NEXT_WEEK,
        )
    assert caught.value.message_dict == {"instrument": ["Kies een van de vragenlijsten."]}


@pytest.mark.parametrize("name", ["board_member", "secretary", "professional_a", "outsider_process_director"])
def test_only_the_house_managers_prepare_rounds(personas, name):
    if name == "outsider_process_director":
        other = SafetyHouseFactory()
        office = OrganisationFactory(house=other, house_office=True)
        personas.add(name, organisation=office, role="process_director")
    with pytest.raises(PermissionDenied):
        self_assessment_create(
            actor=actor_for(personas, name),
            house=personas.house,
            instrument_key="factors",
            title="Ronde",
            closes_on=NEXT_WEEK,
        )


def test_a_round_without_participants_cannot_open(personas):
    manager = actor_for(personas, "process_director")
    assessment = self_assessment_create(
        actor=manager, house=personas.house, instrument_key="participants", title="Ronde", closes_on=NEXT_WEEK
    )
    with pytest.raises(ServiceError, match="zonder deelnemers"):
        self_assessment_open(actor=manager, assessment=assessment, expected_version=assessment.version)


def test_opening_tells_each_participant_with_a_neutral_notice(personas):
    members = [personas.memberships["professional_a"], personas.memberships["professional_b"]]
    assessment = assessment_round(personas, title="Ronde", invite=members)
    notices = Notification.objects.filter(kind=NotificationKind.ASSESSMENT_INVITED)
    assert {n.recipient for n in notices} == {personas.professional_a, personas.professional_b}
    assert {n.url for n in notices} == {f"/leren/zelfevaluaties/{assessment.pk}/invullen/"}
    assert AssessmentInvitation.objects.filter(assessment=assessment, notified_at__isnull=True).count() == 0


def test_participants_of_another_house_cannot_be_invited(personas):
    manager = actor_for(personas, "process_director")
    assessment = self_assessment_create(
        actor=manager, house=personas.house, instrument_key="factors", title="Ronde", closes_on=NEXT_WEEK
    )
    elsewhere = MembershipFactory(user=UserFactory(), organisation=OrganisationFactory(house=SafetyHouseFactory()))
    with pytest.raises(ValidationError) as caught:
        assessment_invite(actor=manager, assessment=assessment, memberships=[elsewhere])
    assert "participants" in caught.value.message_dict


def test_inviting_someone_twice_keeps_one_invitation_and_late_invitees_hear_at_once(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    manager = actor_for(personas, "process_director")
    created = assessment_invite(
        actor=manager,
        assessment=assessment,
        memberships=[personas.memberships["professional_a"], personas.memberships["professional_b"]],
    )
    assert [i.user for i in created] == [personas.professional_b]
    assert Notification.objects.filter(recipient=personas.professional_b, kind="assessment_invited").count() == 1


def _invitation(personas, assessment):
    return AssessmentInvitation.objects.get(assessment=assessment, user=personas.professional_a)


def test_a_participant_saves_then_sends_in_and_can_change_nothing_after(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    invitation = _invitation(personas, assessment)
    actor = actor_for(personas, "professional_a")
    saved = assessment_answers_save(
        actor=actor,
        invitation=invitation,
        answers={"f_chair_steers": "agree", "h_om_left": "dont_know", "f_remarks": ""},
        submit=False,
        expected_version=invitation.version,
    )
    assert saved.submitted_at is None
    assert dict(AssessmentAnswer.objects.filter(invitation=invitation).values_list("question", "choice")) == {
        "f_chair_steers": "agree",
        "h_om_left": "dont_know",
    }
    sent = assessment_answers_save(
        actor=actor,
        invitation=saved,
        answers={"f_chair_steers": "agree_strongly"},
        submit=True,
        expected_version=saved.version,
    )
    assert sent.submitted_at is not None
    # A question left empty the second time has no answer any more.
    assert list(AssessmentAnswer.objects.filter(invitation=invitation).values_list("question", "choice")) == [
        ("f_chair_steers", "agree_strongly")
    ]
    with pytest.raises(ServiceError, match="al ingestuurd"):
        assessment_answers_save(
            actor=actor,
            invitation=sent,
            answers={"f_chair_steers": "agree"},
            submit=False,
            expected_version=sent.version,
        )


def test_answers_outside_the_choices_or_range_are_refused_per_question(personas):
    assessment = assessment_round(
        personas, title="Ronde", invite=[personas.memberships["professional_a"]], instrument_key="participants"
    )
    invitation = _invitation(personas, assessment)
    with pytest.raises(ValidationError) as caught:
        assessment_answers_save(
            actor=actor_for(personas, "professional_a"),
            invitation=invitation,
            answers={"q_goal_clear": "misschien", "n_pct_known": 140, "n_prep_minutes": 30, "unknown": "x"},
            submit=False,
            expected_version=invitation.version,
        )
    errors = caught.value.message_dict
    assert errors["q_goal_clear"] == ["Kies een van de antwoorden."]
    assert errors["n_pct_known"] == ["Vul een heel getal in van 0 tot en met 100."]
    assert errors["unknown"] == ["Deze vraag hoort niet bij de vragenlijst."]
    assert "n_prep_minutes" not in errors
    assert not AssessmentAnswer.objects.exists()


def test_sending_in_an_empty_form_is_refused(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    invitation = _invitation(personas, assessment)
    with pytest.raises(ValidationError, match="ten minste één vraag"):
        assessment_answers_save(
            actor=actor_for(personas, "professional_a"),
            invitation=invitation,
            answers={"f_chair_steers": ""},
            submit=True,
            expected_version=invitation.version,
        )


def test_nobody_writes_someone_elses_form(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    invitation = _invitation(personas, assessment)
    for name in ("process_director", "ambassador_a"):
        with pytest.raises(PermissionDenied):
            assessment_answers_save(
                actor=actor_for(personas, name),
                invitation=invitation,
                answers={"f_chair_steers": "agree"},
                submit=False,
                expected_version=None,
            )


def test_a_form_saved_in_another_tab_meanwhile_is_a_conflict(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    invitation = _invitation(personas, assessment)
    actor = actor_for(personas, "professional_a")
    loaded = invitation.version
    assessment_answers_save(
        actor=actor, invitation=invitation, answers={"f_chair_steers": "agree"}, submit=False, expected_version=loaded
    )
    with pytest.raises(ConflictError):
        assessment_answers_save(
            actor=actor,
            invitation=invitation,
            answers={"f_chair_steers": "disagree"},
            submit=False,
            expected_version=loaded,
        )
    assert AssessmentAnswer.objects.get().choice == "agree"


def test_the_audit_trail_records_how_many_questions_were_answered_never_which_answer(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    invitation = _invitation(personas, assessment)
    assessment_answers_save(
        actor=actor_for(personas, "professional_a"),
        invitation=invitation,
        answers={"f_chair_steers": "disagree_strongly", "f_remarks": "Mijn eigen woorden"},
        submit=True,
        expected_version=invitation.version,
    )
    event = AuditEvent.objects.filter(object_type="learning.assessmentinvitation").latest("sequence")
    assert event.changes["answered"] == [0, 2]
    assert "disagree_strongly" not in str(event.changes) and "Mijn eigen woorden" not in str(event.changes)
    assert not AuditEvent.objects.filter(object_type="learning.assessmentanswer").exists()


def test_a_closed_round_takes_no_answers_and_no_invitations(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    manager = actor_for(personas, "process_director")
    closed = self_assessment_close(actor=manager, assessment=assessment, expected_version=assessment.version)
    assert closed.status == AssessmentStatus.CLOSED
    invitation = _invitation(personas, closed)
    with pytest.raises(ServiceError, match="niet open"):
        assessment_answers_save(
            actor=actor_for(personas, "professional_a"),
            invitation=invitation,
            answers={"f_chair_steers": "agree"},
            submit=True,
            expected_version=None,
        )
    with pytest.raises(ServiceError, match="gesloten"):
        assessment_invite(actor=manager, assessment=closed, memberships=[personas.memberships["professional_b"]])


def test_an_invitation_with_answers_cannot_be_withdrawn(personas):
    assessment = assessment_round(personas, title="Ronde", invite=[personas.memberships["professional_a"]])
    invitation = _invitation(personas, assessment)
    assessment_answers_save(
        actor=actor_for(personas, "professional_a"),
        invitation=invitation,
        answers={"f_chair_steers": "agree"},
        submit=False,
        expected_version=None,
    )
    with pytest.raises(ServiceError):
        assessment_invitation_withdraw(actor=actor_for(personas, "process_director"), invitation=invitation)
