from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent, AuditFinding, AuditVerification
from casustafel.audit.periodic import audit_tick
from casustafel.audit.services import audit_list, audit_record
from casustafel.organisations.models import Role
from casustafel.privacy.access_log.detectors import (
    PatternScope,
    detect_patterns,
    many_cases_in_short_time,
    pattern_period,
)
from casustafel.privacy.access_log.selectors import AccessLogFilter, house_audit_events
from casustafel.testing.factories import MembershipFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import log_event
from casustafel.testing.tasks import run_queued_tasks

PRIVACY_OFFICER_ONLY = {
    "anonymous": 302,
    "process_director": 404,
    "secretary": 404,
    "house_manager": 404,
    "administrator": 404,
    "privacy_officer": 200,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
    "outsider_house": 404,
}


def content(response: Any) -> str:
    return response.content.decode()


def csv_rows(response: Any) -> list[list[str]]:
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    return list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))


def test_access_log_matrix(personas: Personas) -> None:
    assert_matrix(personas, "get", reverse("privacy:access_log"), PRIVACY_OFFICER_ONLY)


def test_export_matrix(personas: Personas) -> None:
    assert_matrix(personas, "get", reverse("privacy:access_log_export"), PRIVACY_OFFICER_ONLY)


def test_integrity_page_matrix(personas: Personas) -> None:
    assert_matrix(personas, "get", reverse("privacy:audit_integrity"), PRIVACY_OFFICER_ONLY)
    assert_matrix(
        personas, "post", reverse("privacy:audit_integrity"), {**PRIVACY_OFFICER_ONLY, "privacy_officer": 302}
    )


def test_a_privacy_officer_acting_in_another_role_gets_404(personas: Personas) -> None:
    user = personas.add("officer_too", organisation=personas.org_a, role=Role.PROFESSIONAL)
    officer = MembershipFactory(user=user, organisation=personas.office, role=Role.PRIVACY_OFFICER)
    client = personas.client("officer_too")
    client.post(reverse("accounts:acting_switch"), {"membership": personas.memberships["officer_too"].pk})
    assert client.get(reverse("privacy:access_log")).status_code == 404
    client.post(reverse("accounts:acting_switch"), {"membership": officer.pk})
    assert client.get(reverse("privacy:access_log")).status_code == 200


def test_access_log_shows_no_events_of_another_house(personas: Personas) -> None:
    outsider_membership = personas.memberships["outsider_house"]
    other_org = outsider_membership.organisation
    # A user with memberships in both houses, acting for the other house.
    both = personas.add("both_houses", organisation=personas.org_b, role=Role.PROFESSIONAL)
    other_membership = MembershipFactory(user=both, organisation=other_org, role=Role.PROFESSIONAL)

    mine = [
        log_event(personas.memberships["professional_a"], case_id=101),
        log_event(personas.memberships["both_houses"], AuditAction.UPDATE, case_id=102),
        log_event(None, AuditAction.LOGIN, user=personas.professional_b, obj=personas.professional_b),
        log_event(None, AuditAction.LOGIN_FAILED, obj=personas.professional_a),
    ]
    theirs = [
        log_event(outsider_membership, case_id=901),
        log_event(other_membership, case_id=902),
        log_event(None, AuditAction.LOGIN, user=personas.outsider_house, obj=personas.outsider_house),
        log_event(None, AuditAction.LOGIN_FAILED, obj=personas.outsider_house),
        log_event(None, AuditAction.CREATE),  # the system, for no one
    ]

    scoped = set(house_audit_events(personas.house).values_list("pk", flat=True))
    assert {event.pk for event in mine} <= scoped
    assert not scoped & {event.pk for event in theirs}

    page = content(personas.client("privacy_officer").get(reverse("privacy:access_log")))
    for case_id in (901, 902):
        assert f">{case_id}<" not in page
    assert ">101<" in page and ">102<" in page
    rows = csv_rows(personas.client("privacy_officer").get(reverse("privacy:access_log_export")))
    exported_cases = {row[9] for row in rows[1:]}
    assert {"101", "102"} <= exported_cases and not {"901", "902"} & exported_cases


def test_rows_show_who_on_behalf_of_whom(personas: Personas) -> None:
    log_event(
        personas.memberships["professional_b"],
        AuditAction.READ,
        case_id=7,
        person_id=8,
        obj=personas.org_a,
        on_behalf_of=personas.professional_a,
    )
    page = content(personas.client("privacy_officer").get(reverse("privacy:access_log")))
    assert "Professional B" in page and "Politie Testregio · Professional" in page
    assert "als vervanger van Professional A" in page
    assert "ingezien" in page and "organisatie #" in page


def test_filters_narrow_the_list(personas: Personas) -> None:
    log_event(personas.memberships["professional_a"], AuditAction.READ, case_id=11, person_id=21)
    log_event(personas.memberships["professional_b"], AuditAction.UPDATE, case_id=12)
    log_event(personas.memberships["professional_a"], AuditAction.UPDATE, case_id=13)
    client = personas.client("privacy_officer")
    url = reverse("privacy:access_log")

    def cases(query: dict[str, Any]) -> set[int]:
        response = client.get(url, query)
        return {row.event.case_id for row in response.context["rows"] if row.event.case_id}

    assert cases({"user": personas.professional_a.pk}) == {11, 13}
    assert cases({"organisation": personas.org_b.pk}) == {12}
    assert cases({"action": AuditAction.UPDATE}) == {12, 13}
    assert cases({"case_id": 13}) == {13}
    assert cases({"person_id": 21}) == {11}
    today = timezone.localdate()
    assert cases({"date_from": today + dt.timedelta(days=1)}) == set()
    assert cases({"date_from": today, "date_to": today}) == {11, 12, 13}


def test_searching_the_log_for_a_case_is_itself_logged(personas: Personas) -> None:
    personas.client("privacy_officer").get(reverse("privacy:access_log"), {"case_id": 55})
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert (event.actor, event.case_id, event.actor_role) == (personas.privacy_officer, 55, Role.PRIVACY_OFFICER)


def test_invalid_period_shows_an_error(personas: Personas) -> None:
    response = personas.client("privacy_officer").get(
        reverse("privacy:access_log"), {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "Kies een einddatum op of na de begindatum" in content(response)


def test_list_is_paginated_by_keyset_with_bounded_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    membership = personas.memberships["professional_a"]
    for index in range(200):
        log_event(membership, AuditAction.READ, case_id=1000 + index % 40, person_id=index)
    # Log-ins live in the installation's chain; the pages merge them in.
    for _ in range(10):
        log_event(None, AuditAction.LOGIN, user=personas.professional_a, obj=personas.professional_a)
    client = personas.client("privacy_officer")
    client.get(reverse("privacy:access_log"))  # warm the session
    seen: list[int] = []
    cursor: dict[str, str] = {}
    for _page in range(5):
        with django_assert_max_num_queries(15):
            response = client.get(reverse("privacy:access_log"), cursor)
        assert response.status_code == 200
        seen.extend(row.event.pk for row in response.context["rows"])
        older = response.context["page"].older
        if older is None:
            break
        cursor = {"na": older.encode()}
    in_scope = list(
        house_audit_events(personas.house).order_by("-occurred_at", "-sequence").values_list("pk", flat=True)
    )
    # Every event once, newest first, across pages; the page never counts the whole log.
    assert seen == in_scope[: len(seen)] and len(seen) == len(in_scope)
    back = client.get(reverse("privacy:access_log"), {"voor": response.context["page"].newer.encode()})
    assert [row.event.pk for row in back.context["rows"]] == seen[
        -len(response.context["rows"]) - 50 : -len(response.context["rows"])
    ]


@pytest.mark.parametrize("value", ["x", "1-", "-5", "99999999999999999999-1", "1-99999999999999999999"])
def test_a_malformed_cursor_shows_the_newest_page(personas: Personas, value: str) -> None:
    log_event(personas.memberships["professional_a"], case_id=5)
    response = personas.client("privacy_officer").get(reverse("privacy:access_log"), {"na": value})
    assert response.status_code == 200 and len(response.context["rows"]) >= 1


def test_export_is_filtered_semicolon_separated_and_audited(personas: Personas) -> None:
    log_event(personas.memberships["professional_a"], AuditAction.READ, case_id=31, person_id=41)
    log_event(personas.memberships["professional_a"], AuditAction.UPDATE, case_id=32)
    log_event(personas.memberships["professional_b"], AuditAction.READ, case_id=33)
    response = personas.client("privacy_officer").get(
        reverse("privacy:access_log_export"), {"user": personas.professional_a.pk, "action": AuditAction.READ}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="logboek-zorg-en-veiligheidshuis-testregio-'
    )
    rows = csv_rows(response)
    assert rows[0][:3] == ["Tijdstip", "Gebruiker", "Gebruiker-id"]
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "Professional A" and row[3] == "Veilig Thuis Testregio" and row[4] == "Professional"
    assert (row[6], row[9], row[10]) == ("ingezien", "31", "41")

    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.actor == personas.privacy_officer
    assert export.actor_organisation == personas.office
    assert export.changes == {
        "filters": [None, {"user_id": personas.professional_a.pk, "action": "read"}],
        "rows": [None, 1],
    }


def test_export_neutralises_spreadsheet_formulas(personas: Personas) -> None:
    user = personas.professional_a
    user.full_name = "=HYPERLINK(1)"
    user.save()
    log_event(personas.memberships["professional_a"], AuditAction.READ, case_id=1)
    rows = csv_rows(personas.client("privacy_officer").get(reverse("privacy:access_log_export"), {"case_id": 1}))
    assert rows[1][1] == "'=HYPERLINK(1)"


def read_cases(membership: Any, start: dt.datetime, count: int, *, step: dt.timedelta) -> None:
    for index in range(count):
        with time_machine.travel(start + index * step, tick=False):
            audit_record(
                actor=Actor(user=membership.user, membership=membership),
                action=AuditAction.READ,
                case_id=500 + index,
            )


def scope_for(personas: Personas, now: dt.datetime) -> PatternScope:
    start, end = pattern_period(None, None, now=now)
    events = house_audit_events(personas.house).filter(occurred_at__gte=start, occurred_at__lt=end)
    return PatternScope(events=events, starts_at=start, ends_at=end)


def test_many_distinct_cases_within_an_hour_is_flagged(personas: Personas, settings: Any) -> None:
    settings.ACCESS_LOG_ALERT_CASES = 10
    settings.ACCESS_LOG_ALERT_MINUTES = 60
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    read_cases(personas.memberships["professional_a"], start, 11, step=dt.timedelta(minutes=5))  # 11 in 50 minutes
    read_cases(personas.memberships["professional_b"], start, 10, step=dt.timedelta(minutes=1))  # 10: not more than N
    # Twelve reads of one case is not browsing.
    for minute in range(12):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            log_event(personas.memberships["ambassador_a"], AuditAction.READ, case_id=77)

    findings = many_cases_in_short_time(scope_for(personas, start + dt.timedelta(days=1)))

    assert len(findings) == 1
    finding = findings[0]
    assert finding.actor_id == personas.professional_a.pk
    assert "11 verschillende casussen binnen 60 minuten" in finding.description
    assert finding.starts_at == start and finding.ends_at == start + dt.timedelta(minutes=50)
    assert len(finding.event_ids) == 11


def test_the_same_reads_spread_over_more_than_the_window_are_not_flagged(personas: Personas, settings: Any) -> None:
    settings.ACCESS_LOG_ALERT_CASES = 10
    settings.ACCESS_LOG_ALERT_MINUTES = 60
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    read_cases(personas.memberships["professional_a"], start, 11, step=dt.timedelta(minutes=7))  # 70 minutes
    assert many_cases_in_short_time(scope_for(personas, start + dt.timedelta(days=1))) == []


@override_settings(ACCESS_LOG_ALERT_CASES=3, ACCESS_LOG_ALERT_MINUTES=10)
def test_thresholds_come_from_settings_and_bursts_merge(personas: Personas) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    read_cases(personas.memberships["professional_a"], start, 8, step=dt.timedelta(minutes=2))
    later = start + dt.timedelta(hours=3)
    read_cases(personas.memberships["professional_a"], later, 4, step=dt.timedelta(minutes=1))
    findings = detect_patterns(scope_for(personas, start + dt.timedelta(days=1)))
    assert [len(finding.event_ids) for finding in findings] == [4, 8]  # newest first, overlapping windows merged


def test_old_bursts_fall_outside_the_default_period(personas: Personas) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    read_cases(personas.memberships["professional_a"], start, 11, step=dt.timedelta(minutes=1))
    assert detect_patterns(scope_for(personas, start + dt.timedelta(days=8))) == []
    log_filter = AccessLogFilter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 3))
    period = pattern_period(*log_filter.period(), now=start + dt.timedelta(days=8))
    events = log_filter.apply(house_audit_events(personas.house), for_patterns=True)
    assert len(detect_patterns(PatternScope(events=events, starts_at=period[0], ends_at=period[1]))) == 1


def test_access_log_page_highlights_the_pattern(personas: Personas) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    read_cases(personas.memberships["professional_a"], start, 12, step=dt.timedelta(minutes=2))
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        log_event(personas.memberships["professional_b"], AuditAction.READ, case_id=999)
        client = personas.client("privacy_officer")
        before = content(client.get(reverse("privacy:access_log")))
        # The detectors run in the periodic work, never per page view.
        audit_tick()
        response = client.get(reverse("privacy:access_log"))
    assert "Professional A opende" not in before
    page = content(response)
    assert "Opvallende patronen" in page
    assert "Professional A opende 12 verschillende casussen binnen 60 minuten" in page
    flagged = [row for row in response.context["rows"] if row.findings]
    assert {row.event.case_id for row in flagged} == set(range(500, 512))
    assert all(not row.findings for row in response.context["rows"] if row.event.case_id == 999)
    assert page.count("ct-badge ct-badge--warning") == 13  # one in the summary, one per flagged row


def test_a_continuing_burst_extends_its_stored_finding(personas: Personas, settings: Any) -> None:
    settings.ACCESS_LOG_ALERT_CASES = 3
    settings.ACCESS_LOG_ALERT_MINUTES = 10
    membership = personas.memberships["professional_a"]
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    read_cases(membership, start, 5, step=dt.timedelta(minutes=1))
    audit_tick()
    (finding,) = AuditFinding.objects.all()
    assert (finding.kind, finding.distinct_count) == ("many_cases", 5)
    for index in range(5, 8):
        with time_machine.travel(start + dt.timedelta(minutes=index), tick=False):
            log_event(membership, AuditAction.READ, case_id=600 + index)
    audit_tick()
    (finding,) = AuditFinding.objects.all()
    assert finding.distinct_count == 8 and finding.ends_at == start + dt.timedelta(minutes=7)
    audit_tick()  # idempotent: nothing new, nothing changes
    assert AuditFinding.objects.get().event_count == 8


def test_many_refusals_by_one_user_are_flagged(personas: Personas, settings: Any) -> None:
    settings.ACCESS_LOG_ALERT_REFUSALS = 5
    settings.ACCESS_LOG_ALERT_REFUSAL_MINUTES = 10
    client = personas.client("professional_b")
    for case_id in range(900, 906):
        assert client.get(reverse("cases:case_detail", args=[case_id])).status_code == 404
    personas.client("professional_a").get(reverse("cases:case_detail", args=[1]))  # one refusal: no pattern
    audit_tick()
    officer = personas.client("privacy_officer")
    page = content(officer.get(reverse("privacy:access_log")))
    assert "Veel geweigerde verzoeken" in page
    assert "Professional B werd 6 keer geweigerd binnen 10 minuten" in page
    assert "toegang geweigerd (404)" in page
    refused = officer.get(reverse("privacy:access_log"), {"action": AuditAction.ACCESS_DENIED})
    assert {row.event.object_id for row in refused.context["rows"]} == {*map(str, range(900, 906)), "1"}
    assert AuditFinding.objects.get().actor == personas.professional_b


def _verify_in_background() -> None:
    """What the task worker does: run every queued task (exactly one here)."""
    assert run_queued_tasks() == 1


def test_integrity_page_runs_the_full_check_in_the_background(personas: Personas) -> None:
    event = log_event(personas.memberships["professional_a"], case_id=1)
    audit_tick()
    client = personas.client("privacy_officer")
    page = content(client.get(reverse("privacy:audit_integrity")))
    assert "Volledige controle starten" in page and "nummer 1" in page
    response = client.post(reverse("privacy:audit_integrity"))
    assert response.status_code == 302
    verification = AuditVerification.objects.get()
    assert verification.status == "queued"  # nothing ran inside the request
    assert "wacht tot de achtergrondverwerking" in content(client.get(reverse("privacy:audit_integrity")))
    # A second start while one is queued starts nothing new.
    client.post(reverse("privacy:audit_integrity"))
    assert AuditVerification.objects.count() == 1
    _verify_in_background()
    page = content(client.get(reverse("privacy:audit_integrity")))
    assert "Het logboek is intact" in page
    # Tamper behind the application's back, as an attacker with database access would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET case_id = 2 WHERE sequence = %s", [event.pk])
    client.post(reverse("privacy:audit_integrity"))
    _verify_in_background()
    page = content(client.get(reverse("privacy:audit_integrity")))
    assert "NIET intact" in page and "de inhoud van de gebeurtenis is veranderd" in page
    assert AuditEvent.objects.filter(action=AuditAction.VERIFY, actor=personas.privacy_officer).count() == 2


def test_integrity_page_shows_only_its_own_house(personas: Personas) -> None:
    outsider = personas.memberships["outsider_house"]
    for _ in range(7):
        log_event(outsider, case_id=9)
    audit_tick()
    log_event(outsider, case_id=9)  # the other house has events waiting too
    log_event(personas.memberships["professional_a"], case_id=1)
    client = personas.client("privacy_officer")
    page = content(client.get(reverse("privacy:audit_integrity")))
    assert "1 gebeurtenis wacht op de eerste verzegeling" in page
    client.post(reverse("privacy:audit_integrity"))
    _verify_in_background()
    page = content(client.get(reverse("privacy:audit_integrity")))
    # This house's event and the officer's own start of the check; nothing of the other house.
    assert "Het logboek is intact: 2 gebeurtenissen gecontroleerd" in page
    assert "nummer" not in page  # the other house's seal is not this house's


def test_progress_is_shown_while_the_check_runs(personas: Personas) -> None:
    log_event(personas.memberships["professional_a"], case_id=1)
    audit_tick()
    client = personas.client("privacy_officer")
    client.post(reverse("privacy:audit_integrity"))
    AuditVerification.objects.update(status="running", seals_total=4, seals_done=1, events_checked=1)
    fragment = content(client.get(reverse("privacy:audit_integrity"), HTTP_HX_REQUEST="true"))
    assert 'hx-trigger="every 2s"' in fragment and "Bezig: 1 van 4 controlepunten" in fragment
    assert 'value="25"' in fragment


def test_the_person_search_finds_by_bsn_is_audited_and_keeps_names_out_of_urls(personas: Personas) -> None:
    from casustafel.testing.cases import PersonFactory

    person = PersonFactory(house=personas.house, with_bsn="111222333")
    log_event(personas.memberships["professional_a"], person_id=person.pk, case_id=3)
    client = personas.client("privacy_officer")
    response = client.post(reverse("privacy:access_log_person_search"), {"bsn": "111222333"})
    page = content(response)
    link = f"{reverse('privacy:access_log')}?person_id={person.pk}"
    assert link in page and "111222333" not in link
    search = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert search.person_id == person.pk and "111222333" not in str(search.changes)
    rows = client.get(link).context["rows"]
    assert any(row.event.case_id == 3 for row in rows)


def test_the_person_search_never_searches_by_a_name_alone(personas: Personas) -> None:
    response = personas.client("privacy_officer").post(
        reverse("privacy:access_log_person_search"), {"surname": "Jansen"}
    )
    page = content(response)
    assert "Zoek op BSN, of op achternaam én geboortedatum." in page
    assert 'value="Jansen"' in page  # what was typed stays
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_filtering_on_a_person_finds_the_lists_that_showed_them(personas: Personas) -> None:
    membership = personas.memberships["professional_a"]
    listed = audit_list(actor=Actor(user=membership.user, membership=membership), person_ids=[41, 42], case_ids=[7])
    log_event(membership, person_id=43)
    client = personas.client("privacy_officer")
    rows = client.get(reverse("privacy:access_log"), {"person_id": 42}).context["rows"]
    assert [row.event.pk for row in rows if row.event.action == AuditAction.READ] == [listed.pk]  # type: ignore[union-attr]
    rows = client.get(reverse("privacy:access_log"), {"case_id": 7}).context["rows"]
    assert listed.pk in {row.event.pk for row in rows}  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["administrator", "process_director"])
def test_other_staff_cannot_export(personas: Personas, name: str) -> None:
    response = personas.client(name).get(reverse("privacy:access_log_export"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
