"""The access-log detector 'read after involvement ended' (issue 4, point 5): reads of a case
by someone whose organisation had left it, highlighted for the privacy officer."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditAction
from casustafel.audit.periodic import audit_tick
from casustafel.cases.services.cases import case_involvement_add
from casustafel.organisations.models import Role
from casustafel.privacy.access_log.detectors import DETECTORS, PatternScope, read_after_involvement_ended
from casustafel.privacy.access_log.selectors import house_audit_events
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.involvements import CaseSetting, end_involvement, open_case
from casustafel.testing.privacy import log_event
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def setting(personas) -> CaseSetting:
    with time_machine.travel(START, tick=False):
        return open_case(personas)


def at(hours: float) -> time_machine.travel:
    return time_machine.travel(START + dt.timedelta(hours=hours), tick=False)


def read(personas, name: str, case_id: int, **kwargs: object):
    return log_event(personas.memberships[name], AuditAction.READ, case_id=case_id, **kwargs)


def scope(personas) -> PatternScope:
    starts, ends = START - dt.timedelta(days=1), START + dt.timedelta(days=2)
    events = house_audit_events(personas.house).filter(occurred_at__gte=starts, occurred_at__lt=ends)
    return PatternScope(events=events, starts_at=starts, ends_at=ends)


def test_the_detector_runs_with_the_others():
    assert read_after_involvement_ended in DETECTORS


def test_reads_after_the_organisation_left_are_flagged(personas, setting):
    case_id = setting.case.pk
    with at(1):
        before = read(personas, "professional_a", case_id)
    with at(2):
        end_involvement(personas, setting.case.involvements.get())
    with at(3):
        after = [read(personas, "professional_a", case_id), read(personas, "professional_a", case_id)]
        colleague = read(personas, "ambassador_a", case_id)
        staff = read(personas, "process_director", case_id)
        never = read(personas, "professional_b", case_id)  # never involved: another matter
        other_case = read(personas, "professional_a", case_id + 1000)
    findings = read_after_involvement_ended(scope(personas))
    by_actor = {finding.actor_id: finding for finding in findings}
    assert set(by_actor) == {personas.professional_a.pk, personas.ambassador_a.pk}
    finding = by_actor[personas.professional_a.pk]
    assert finding.event_ids == frozenset(event.pk for event in after)
    assert finding.kind == "after_involvement"
    assert f"Professional A opende casus {case_id} 2 keer nadat de betrokkenheid" in finding.description
    assert by_actor[personas.ambassador_a.pk].event_ids == {colleague.pk}
    flagged = set().union(*(finding.event_ids for finding in findings))
    assert not flagged & {before.pk, staff.pk, never.pk, other_case.pk}


def test_reads_after_the_organisation_came_back_are_not_flagged(personas, setting):
    with at(1):
        end_involvement(personas, setting.case.involvements.get())
    with at(2):
        case_involvement_add(
            actor=actor_for(personas, "process_director"),
            case=setting.case,
            organisation=personas.org_a,
            reason="Nieuwe melding",
        )
    with at(3):
        read(personas, "professional_a", setting.case.pk)
    assert read_after_involvement_ended(scope(personas)) == []


def test_a_substitute_reading_for_a_colleague_whose_organisation_left_is_flagged(personas, setting):
    org_d = OrganisationFactory(house=personas.house)
    personas.add("substitute", organisation=org_d, role=Role.PROFESSIONAL)
    with at(1):
        end_involvement(personas, setting.case.involvements.get())
    with at(2):
        event = read(personas, "substitute", setting.case.pk, on_behalf_of=personas.professional_a)
    (finding,) = read_after_involvement_ended(scope(personas))
    assert finding.event_ids == {event.pk}


def test_the_referrer_reading_its_own_referral_after_leaving_the_case_is_not_flagged(personas, setting):
    """Issue 7, point 3: the referring organisation keeps its own referral for the retention
    term; reading it (or a party on it) is no read of the case. A read of the case itself after
    the involvement ended still is."""
    with at(1):
        end_involvement(personas, setting.case.involvements.get())
    with at(2):
        client = personas.client("professional_a")
        assert client.get(reverse("cases:referral_detail", args=[setting.referral.pk])).status_code == 200
        party = setting.referral.parties.first()
        assert client.get(reverse("cases:party_detail", args=[setting.referral.pk, party.pk])).status_code == 200
        assert client.get(reverse("cases:case_detail", args=[setting.case.pk])).status_code == 404
    assert read_after_involvement_ended(scope(personas)) == []
    with at(3):
        case_read = read(personas, "professional_a", setting.case.pk)
    (finding,) = read_after_involvement_ended(scope(personas))
    assert finding.event_ids == {case_read.pk}
    with at(26):
        audit_tick()  # the periodic work stores what the detectors find
        response = personas.client("privacy_officer").get(reverse("privacy:access_log"))
    flagged = [row for row in response.context["rows"] if row.findings]
    assert [row.event.pk for row in flagged] == [case_read.pk]


def test_reads_outside_the_period_are_not_examined(personas, setting):
    with at(1):
        end_involvement(personas, setting.case.involvements.get())
    with at(2):
        read(personas, "professional_a", setting.case.pk)
    later = START + dt.timedelta(days=10)
    events = house_audit_events(personas.house).filter(occurred_at__gte=later)
    assert read_after_involvement_ended(PatternScope(events=events, starts_at=later, ends_at=timezone.now())) == []


def test_the_detector_runs_a_fixed_number_of_queries(personas, setting, django_assert_max_num_queries):
    with at(1):
        end_involvement(personas, setting.case.involvements.get())
    with at(2):
        for _ in range(20):
            read(personas, "professional_a", setting.case.pk)
            read(personas, "ambassador_a", setting.case.pk)
    with django_assert_max_num_queries(2):
        assert len(read_after_involvement_ended(scope(personas))) == 2
