"""The effort ledger: recording, correcting and removing hours; who may; and the grouped
queries the reports read (hours per organisation and action, the time observed at the table,
effort next to value). Expected values are worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditEvent
from casustafel.learning.models import EffortEntry
from casustafel.learning.selectors_reporting import (
    actions_for_indicator,
    effort_next_to_value,
    effort_rows,
    observed_attendance,
)
from casustafel.learning.services_effort import effort_entry_delete, effort_entry_record, effort_entry_update
from casustafel.learning.services_improvement import (
    improvement_action_create,
    improvement_plan_create,
    value_rating_record,
)
from casustafel.lib.errors import ConflictError
from casustafel.meetings.models import AttendanceStatus, Invitation
from casustafel.meetings.services.attendance import attendance_record
from casustafel.meetings.services.meetings import meeting_finish, meeting_start
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.involvements import involve
from casustafel.testing.meetings import house_case, invite, on_agenda, plan_meeting, send
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

THIS_MONTH = timezone.localdate().replace(day=1)


def _record(personas, name="professional_a", **overrides):
    values = {
        "house": personas.house,
        "organisation": personas.org_a,
        "month": timezone.localdate(),
        "activity": "preparing",
        "direction": "more",
        "hours": Decimal("3.5"),
        "evidence": "measured",
    }
    values.update(overrides)
    return effort_entry_record(actor=actor_for(personas, name), **values)


def test_hours_are_stored_on_the_first_of_their_month_and_audited(personas):
    entry = _record(
        personas, month=timezone.localdate().replace(day=17) if timezone.localdate().day >= 17 else timezone.localdate()
    )
    assert entry.month == THIS_MONTH
    event = AuditEvent.objects.get(object_type="learning.effortentry")
    assert event.changes["hours"] == [None, "3.5"]


def test_a_month_not_begun_zero_hours_hundredths_and_unknown_choices_are_refused_in_dutch(personas):
    next_month = (THIS_MONTH + dt.timedelta(days=32)).replace(day=1)
    with pytest.raises(ValidationError) as caught:
        _record(personas, month=next_month, hours=Decimal("0"), activity="koffie", evidence="")
    errors = caught.value.message_dict
    assert errors["month"] == ["Die maand is nog niet begonnen: leg alleen uren vast die al besteed of bespaard zijn."]
    assert errors["hours"] == ["Vul een aantal uren in groter dan 0 en hoogstens 9999."]
    assert set(errors) == {"month", "hours", "activity", "evidence"}
    with pytest.raises(ValidationError) as caught:
        _record(personas, hours=Decimal("1.25"))
    assert caught.value.message_dict == {"hours": ["Rond af op een tiende uur (bijv. 2,5)."]}


def test_an_organisation_records_only_for_itself_a_manager_for_any_partner(personas):
    with pytest.raises(PermissionDenied):
        _record(personas, name="professional_b")  # acts for org_b, records for org_a
    entry = _record(personas, name="house_manager")
    assert entry.organisation == personas.org_a


def test_two_corrections_at_once_the_second_is_a_conflict_and_removal_is_audited(personas):
    entry = _record(personas)
    loaded = entry.version
    values = {
        "month": THIS_MONTH,
        "activity": "travel",
        "direction": "more",
        "hours": Decimal("1"),
        "evidence": "estimated",
        "meeting_type": None,
        "action": None,
        "note": "",
    }
    effort_entry_update(actor=actor_for(personas, "professional_a"), entry=entry, expected_version=loaded, **values)
    with pytest.raises(ConflictError):
        effort_entry_update(actor=actor_for(personas, "ambassador_a"), entry=entry, expected_version=loaded, **values)
    with pytest.raises(PermissionDenied):
        effort_entry_delete(actor=actor_for(personas, "professional_b"), entry=entry, expected_version=None)
    effort_entry_delete(actor=actor_for(personas, "ambassador_a"), entry=entry, expected_version=None)
    assert not EffortEntry.objects.exists()
    assert AuditEvent.objects.filter(object_type="learning.effortentry", action="delete").count() == 1


def test_hours_are_grouped_per_organisation_direction_and_evidence_never_added_across(personas):
    _record(personas, hours=Decimal("3.5"))
    _record(personas, hours=Decimal("1.5"))
    _record(personas, hours=Decimal("2"), evidence="felt")
    _record(personas, name="professional_b", organisation=personas.org_b, direction="less", hours=Decimal("4"))
    start, end = THIS_MONTH, THIS_MONTH + dt.timedelta(days=27)
    rows = {
        (r["organisation_id"], r["direction"], r["evidence"]): (r["hours"], r["entries"])
        for r in effort_rows(personas.house, start, end)
    }
    assert rows == {
        (personas.org_a.pk, "more", "measured"): (Decimal("5.0"), 2),
        (personas.org_a.pk, "more", "felt"): (Decimal("2.0"), 1),
        (personas.org_b.pk, "less", "measured"): (Decimal("4.0"), 1),
    }
    assert list(effort_rows(personas.house, start - dt.timedelta(days=400), start - dt.timedelta(days=1))) == []


def test_effort_stands_next_to_the_value_ratings_of_each_action(personas):
    plan = improvement_plan_create(
        actor=actor_for(personas, "process_director"), house=personas.house, title="Plan", aim="Doel"
    )
    action = improvement_action_create(
        actor=actor_for(personas, "process_director"),
        plan=plan,
        title="Actie",
        organisation=personas.org_a,
        owner=personas.professional_a,
        due_date=timezone.localdate() + dt.timedelta(days=20),
        indicators=[("agreements_on_time", "up")],
    )
    _record(personas, action=action, hours=Decimal("6"))
    _record(personas, action=action, direction="less", hours=Decimal("2.5"))
    _record(personas, hours=Decimal("1"))
    year = timezone.localdate().year
    value_rating_record(actor=actor_for(personas, "professional_a"), action=action, year=year, rating=4, narrative="a")
    value_rating_record(
        actor=actor_for(personas, "professional_a"),
        action=action,
        year=year,
        rating=2,
        narrative="b",
        aspect="Vertrouwen",
    )
    items = effort_next_to_value(personas.house, dt.date(year, 1, 1), dt.date(year, 12, 31))
    by_action = {item.action_id: item for item in items}
    tied = by_action[action.pk]
    assert (tied.total("more", "measured"), tied.total("less", "measured"), tied.net_measured) == (
        Decimal("6"),
        Decimal("2.5"),
        Decimal("3.5"),
    )
    assert (tied.ratings, tied.mean_rating, tied.lowest, tied.highest) == (2, 3.0, 2, 4)
    assert by_action[None].total("more", "measured") == Decimal("1")
    assert [link.action for link in actions_for_indicator(personas.house, "agreements_on_time")] == [action]


def test_the_time_observed_at_the_table_is_attendance_times_the_planned_minutes_of_each_part(personas):
    meeting_type = MeetingTypeFactory(house=personas.house, name="Zorgoverleg")
    first, second = house_case(personas, meeting_type=meeting_type), house_case(personas, meeting_type=meeting_type)
    meeting = plan_meeting(personas, meeting_type=meeting_type)
    items = [on_agenda(personas, meeting, first, minutes=30), on_agenda(personas, meeting, second, minutes=20)]
    for item in items:
        invite(personas, item, personas.org_a)
        invite(personas, item, personas.org_b)
    involve(personas, first, personas.org_b)
    send(personas, meeting)
    secretary = actor_for(personas, "secretary")
    with time_machine.travel(meeting.starts_at, tick=False):
        meeting = meeting_start(actor=secretary, meeting=meeting)
        # org_a at both items; org_b at the first only.
        for invitation in Invitation.objects.filter(item__meeting=meeting).select_related("item"):
            present = invitation.organisation == personas.org_a or invitation.item == items[0]
            for part in invitation.item.parts.all():
                attendance_record(
                    actor=secretary,
                    part=part,
                    invitation=invitation,
                    status=AttendanceStatus.PRESENT if present else AttendanceStatus.ABSENT_WITH_NOTICE,
                )
        meeting_finish(actor=secretary, meeting=meeting)
    day = timezone.localdate(meeting.starts_at)
    rows = {
        r["organisation_id"]: (r["minutes"], r["attendances"]) for r in observed_attendance(personas.house, day, day)
    }
    # By hand: org_a 30 + 20 = 50 minutes at 2 parts; org_b 30 minutes at 1.
    assert rows[personas.org_b.pk] == (30, 1)
    assert rows[personas.org_a.pk] == (50, 2)
