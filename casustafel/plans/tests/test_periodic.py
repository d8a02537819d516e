"""The periodic work (`casustafel tick`) with a frozen clock: reminders, overdue notices,
escalation of an overdue agreement after its term and automatic steps up, follow-up prompts;
idempotent (a second run changes nothing), and e-mail that goes out once, as a link only."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditEvent
from casustafel.escalations.models import Escalation, EscalationLevel, EscalationReason, EscalationStage, EscalationStep
from casustafel.escalations.services import escalation_raise, escalation_step_up
from casustafel.lib.dates import add_working_days
from casustafel.notifications.delivery import notification_claim, notifications_deliver
from casustafel.notifications.models import EmailState, Notification, NotificationKind
from casustafel.notifications.services import notification_preferences_set, notification_send
from casustafel.plans.models import FollowUp
from casustafel.plans.services_agreements import requirement_check_record
from casustafel.testing.involvements import end_involvement, involve, open_case
from casustafel.testing.plans import close_case, make_director, make_plan
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())


def _state() -> tuple[int, int, int, int]:
    return (
        Notification.objects.count(),
        Escalation.objects.count(),
        EscalationStage.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def planned(personas):
    with time_machine.travel(MONDAY, tick=False):
        case = open_case(personas).case
        make_director(personas, case, "ambassador_a")
        return make_plan(personas, case, due_in_days=3)  # due Thursday


def test_reminder_two_working_days_before_then_overdue_then_escalated_after_its_term(personas, planned):
    due = planned.agreement.due_date
    with time_machine.travel(_at(due - dt.timedelta(days=3)), tick=False):
        call_command("tick", verbosity=0)
        assert not Notification.objects.filter(kind=NotificationKind.AGREEMENT_DUE_SOON).exists()
    with time_machine.travel(_at(add_working_days(due, -2)), tick=False):
        call_command("tick", verbosity=0)
        assert (
            Notification.objects.filter(
                recipient=personas.professional_a, kind=NotificationKind.AGREEMENT_DUE_SOON
            ).count()
            == 1
        )
    with time_machine.travel(_at(due + dt.timedelta(days=1)), tick=False):
        call_command("tick", verbosity=0)
        overdue = Notification.objects.filter(kind=NotificationKind.AGREEMENT_OVERDUE)
        assert {n.recipient for n in overdue} == {personas.professional_a, personas.ambassador_a}
        assert not Escalation.objects.exists()
    term_passed = add_working_days(due, 10) + dt.timedelta(days=1)
    with time_machine.travel(_at(term_passed), tick=False):
        call_command("tick", verbosity=0)
        escalation = Escalation.objects.get()
        assert escalation.reason == EscalationReason.AGREEMENT_OVERDUE and escalation.agreement == planned.agreement
        assert escalation.raised_by is None and escalation.level == EscalationLevel.PROCESS_DIRECTOR
        assert Notification.objects.filter(
            recipient=personas.process_director, kind=NotificationKind.ESCALATION_RAISED
        ).exists()


def test_running_the_tick_twice_in_a_row_changes_nothing_the_second_time(personas, planned):
    due = planned.agreement.due_date
    requirement_check_record(
        actor=actor_for(personas, "professional_a"), requirement=planned.requirement, met=False, note="Vader gezien."
    )
    with time_machine.travel(_at(add_working_days(due, 12)), tick=False):
        call_command("tick", verbosity=0)
        first = _state()
        sent = len(mail.outbox)
        assert Escalation.objects.count() == 2  # the overdue agreement and the unmet bodemeis
        call_command("tick", verbosity=0)
        assert _state() == first
        assert len(mail.outbox) == sent


def test_a_passed_term_moves_an_escalation_up_automatically_once(personas, planned):
    with time_machine.travel(MONDAY, tick=False):
        escalation = escalation_raise(
            actor=actor_for(personas, "process_director"),
            case=planned.case,
            reason=EscalationReason.STUCK,
            question="Wachtlijst ggz.",
            parties=[personas.org_a],
        )
    assert escalation.deadline == add_working_days(MONDAY.date(), 10)
    with time_machine.travel(_at(escalation.deadline), tick=False):
        call_command("tick", verbosity=0)
        escalation.refresh_from_db()
        assert escalation.step == EscalationStep.AT_PROCESS_DIRECTOR  # the last day still counts
    with time_machine.travel(_at(escalation.deadline + dt.timedelta(days=1)), tick=False):
        call_command("tick", verbosity=0)
        call_command("tick", verbosity=0)
        escalation.refresh_from_db()
        assert escalation.step == EscalationStep.AT_HOUSE_MANAGER
        stage = escalation.stages.get(step=EscalationStep.AT_HOUSE_MANAGER)
        assert stage.automatic and stage.entered_by is None
        assert Notification.objects.filter(
            recipient=personas.house_manager, kind=NotificationKind.ESCALATION_STEPPED_UP, case_id=None
        ).exists()


def test_the_case_direction_model_gives_directorates_and_then_public_administration_ten_working_days(personas, planned):
    director = actor_for(personas, "process_director")
    with time_machine.travel(MONDAY, tick=False):
        escalation = escalation_raise(
            actor=actor_for(personas, "professional_a"),  # reported directly, not in the meeting
            case=planned.case,
            reason=EscalationReason.CASE_DIRECTION,
            question="Wie heeft de casusregie: Veilig Thuis of de reclassering?",
            parties=[personas.org_a],
        )
        assert escalation.deadline is None  # steps 1-4 have no fixed term
        for _step in range(3):
            escalation = escalation_step_up(
                actor=director, escalation=escalation, question="Volgende stap", expected_version=escalation.version
            )
        assert escalation.step == EscalationStep.TAKEOVER
        with pytest.raises(ValidationError) as caught:
            escalation_step_up(
                actor=director, escalation=escalation, question="Directies", expected_version=escalation.version
            )
        assert "public_administration_informed" in caught.value.error_dict
        escalation = escalation_step_up(
            actor=director,
            escalation=escalation,
            question="Directies, geef binnen 10 werkdagen een definitief antwoord.",
            public_administration_informed=True,
            expected_version=escalation.version,
        )
    assert escalation.step == EscalationStep.DIRECTORATE
    assert escalation.deadline == add_working_days(MONDAY.date(), 10)
    assert escalation.public_administration_informed_at is not None
    with time_machine.travel(_at(escalation.deadline + dt.timedelta(days=1)), tick=False):
        call_command("tick", verbosity=0)
        escalation.refresh_from_db()
        assert escalation.step == EscalationStep.PUBLIC_ADMINISTRATION
        second_deadline = escalation.deadline
        assert second_deadline == add_working_days(timezone.localdate(), 10)
    with time_machine.travel(_at(second_deadline + dt.timedelta(days=1)), tick=False):
        call_command("tick", verbosity=0)
        call_command("tick", verbosity=0)
        escalation.refresh_from_db()
        assert escalation.step == EscalationStep.PUBLIC_ADMINISTRATION  # the model ends at step 6
        assert escalation.term_passed_at is not None
        assert escalation.resolved_at is None


def test_follow_up_prompts_go_to_the_process_director_when_due(personas, planned):
    with time_machine.travel(MONDAY, tick=False):
        closed = close_case(personas, planned.case)
    three_months = FollowUp.objects.get(case=closed, months=3)
    with time_machine.travel(_at(three_months.due_on), tick=False):
        call_command("tick", verbosity=0)
        call_command("tick", verbosity=0)
        prompts = Notification.objects.filter(kind=NotificationKind.FOLLOW_UP_DUE)
        assert [n.recipient for n in prompts] == [personas.process_director]


# --- E-mail -------------------------------------------------------------------------------------


@pytest.fixture
def planned_now(personas):
    case = open_case(personas).case
    make_director(personas, case, "ambassador_a")
    return make_plan(personas, case)


def test_an_email_carries_only_a_neutral_subject_and_a_link(personas, planned_now, settings):
    settings.SITE_URL = "https://casustafel.example"
    notifications_deliver(worker="test")
    assigned = [
        m
        for m in mail.outbox
        if m.to == [personas.professional_a.email] and m.subject == "Er is een afspraak voor u vastgelegd."
    ]
    assert len(assigned) == 1, "the agreement's named person is e-mailed, once"
    message = assigned[0]
    assert "https://casustafel.example/afspraken/" in message.body
    for secret in ("Huisbezoek", "veiligheidsplan", "Professional A", f"asus {planned_now.case.pk}"):
        assert secret not in message.subject + message.body


def test_several_workers_never_send_one_notification_twice(personas, planned_now):
    notification = Notification.objects.filter(email_state=EmailState.PENDING).first()
    assert notification is not None
    Notification.objects.exclude(pk=notification.pk).update(email_state=EmailState.NOT_WANTED)
    assert notification_claim(notification_id=notification.pk, worker="machine-1:1")
    assert not notification_claim(notification_id=notification.pk, worker="machine-2:7")
    mail.outbox.clear()
    assert notifications_deliver(worker="machine-2:7").sent == 0
    assert not mail.outbox
    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING and notification.email_claimed_by == "machine-1:1"
    # A worker that died with a claim: after a quarter of an hour another takes it over.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
        assert notifications_deliver(worker="machine-2:7").sent == 1
    assert len(mail.outbox) == 1


def test_a_user_who_chose_the_app_only_gets_no_email_for_that_kind(personas):
    case = open_case(personas).case
    notification_preferences_set(actor=actor_for(personas, "professional_a"), email_kinds=[])
    make_plan(personas, case)
    notice = Notification.objects.get(recipient=personas.professional_a, kind=NotificationKind.AGREEMENT_ASSIGNED)
    assert notice.email_state == EmailState.NOT_WANTED
    mail.outbox.clear()
    notifications_deliver(worker="test")
    assert not [m for m in mail.outbox if personas.professional_a.email in m.to and m.subject == notice.text]


def test_a_notification_for_a_case_the_recipient_can_no_longer_see_is_not_sent(personas, planned_now):
    org_b_case = planned_now.case
    involvement = involve(personas, org_b_case, personas.org_b)
    notice = notification_send(
        actor=actor_for(personas, "process_director"),
        recipient=personas.professional_b,
        kind=NotificationKind.AGREEMENT_ASSIGNED,
        url="/afspraken/",
        case_id=org_b_case.pk,
    )
    assert notice is not None and notice.email_state == EmailState.PENDING
    end_involvement(personas, involvement)
    mail.outbox.clear()
    notifications_deliver(worker="test")
    notice.refresh_from_db()
    assert notice.email_state == EmailState.SKIPPED
    assert not [m for m in mail.outbox if personas.professional_b.email in m.to]
    # ...and a new one about that case is not created at all.
    assert (
        notification_send(
            actor=actor_for(personas, "process_director"),
            recipient=personas.professional_b,
            kind=NotificationKind.AGREEMENT_ASSIGNED,
            url="/afspraken/",
            case_id=org_b_case.pk,
        )
        is None
    )
