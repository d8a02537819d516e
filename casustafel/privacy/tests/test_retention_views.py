"""Retention pages and the case-closing page: who gets in (every persona), what they show, the
extension and closing forms, and bounded queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseStatus, Referral
from casustafel.meeting_types.models import MeetingType
from casustafel.privacy.models import RetentionExtension
from casustafel.privacy.retention.services import case_destroy, referral_destroy, retention_extend
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.factories import SafetyHouseFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas
from casustafel.testing.referral_retention import decided_referral
from casustafel.testing.referrals import actor_for
from casustafel.testing.retention import close, rich_case

RETENTION_READERS = {
    "anonymous": 302,
    "process_director": 200,
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
EXTENDERS = {**RETENTION_READERS, "process_director": 403, "privacy_officer": 302}


@pytest.fixture(autouse=True)
def _attachment_root(settings: Any, tmp_path: Path) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture
def meeting_type(personas: Personas) -> MeetingType:
    return MeetingTypeFactory(house=personas.house, name="Zorgoverleg HG", retention_years=1)


def closed_case(personas: Personas, meeting_type: MeetingType, *, days_ago: int = 360) -> Case:
    """A case closed `days_ago` days ago: with a 1-year term, due within a month at 360."""
    case = rich_case(personas, meeting_type=meeting_type, with_information=False)
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=days_ago + 30))
    return close(personas, case, closed_on=timezone.localdate() - dt.timedelta(days=days_ago))


def extend(personas: Personas, case: Case, days: int) -> RetentionExtension:
    case = Case.objects.get(pk=case.pk)
    assert case.retention_until is not None
    return retention_extend(
        actor=actor_for(personas, "privacy_officer"),
        case=case,
        new_date=case.retention_until + dt.timedelta(days=days),
        reason="Klachtprocedure loopt",
    )


# --- Overview ---------------------------------------------------------------------------------


def test_retention_overview_matrix(personas: Personas, meeting_type: MeetingType) -> None:
    closed_case(personas, meeting_type)
    assert_matrix(personas, "get", reverse("privacy:retention_overview"), RETENTION_READERS)


def test_overview_lists_due_and_overdue_cases_and_highlights_repeated_extensions(
    personas: Personas, meeting_type: MeetingType
) -> None:
    due = closed_case(personas, meeting_type, days_ago=360)
    overdue = closed_case(personas, meeting_type, days_ago=400)
    later = closed_case(personas, meeting_type, days_ago=10)
    extended = closed_case(personas, meeting_type, days_ago=390)
    extend(personas, extended, 30)
    extend(personas, extended, 1)
    response = personas.client("privacy_officer").get(reverse("privacy:retention_overview"))
    content = response.content.decode()
    assert f"Casus {due.pk}" in content
    assert f"Casus {overdue.pk}" in content
    assert f"Casus {later.pk}" not in content
    assert "verstreken" in content
    assert '<span class="ct-badge ct-badge--warning">2e verlenging</span>' in content
    assert "Sanne" not in content  # no personal data on the overview


def test_overview_lists_destruction_records(personas: Personas, meeting_type: MeetingType) -> None:
    case = closed_case(personas, meeting_type, days_ago=400)
    case_destroy(actor=actor_for(personas, "privacy_officer"), case=case)
    response = personas.client("process_director").get(reverse("privacy:retention_overview"))
    content = response.content.decode()
    assert 'Vernietigingsverklaringen <span class="ct-count">(1)</span>' in content
    assert reverse("privacy:retention_case", args=[case.pk]) in content


def test_overview_runs_a_bounded_number_of_queries(
    personas: Personas, meeting_type: MeetingType, django_assert_max_num_queries: Any
) -> None:
    for days_ago in (360, 365, 370, 380, 400):
        closed_case(personas, meeting_type, days_ago=days_ago)
    for case in Case.objects.filter(status=CaseStatus.CLOSED)[:2]:
        extend(personas, case, 5)
    for case in Case.objects.filter(status=CaseStatus.CLOSED, retention_until__lt=timezone.localdate())[:2]:
        case_destroy(actor=actor_for(personas, "privacy_officer"), case=case)
    # Referrals without a case, due and destroyed: two more queries whatever their number.
    for days_ago in (360, 365, 400):
        decided_referral(
            personas, meeting_type=meeting_type, decided_on=timezone.localdate() - dt.timedelta(days=days_ago)
        )
    referral_destroy(
        actor=actor_for(personas, "privacy_officer"),
        referral=Referral.objects.filter(retention_until__lt=timezone.localdate()).first(),  # type: ignore[arg-type]
    )
    client = personas.client("privacy_officer")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:retention_overview"))
    assert response.status_code == 200
    assert response.content.decode().count("/privacy/bewaartermijnen/aanmeldingen/") == 3


def test_overview_is_scoped_to_the_acting_house(personas: Personas, meeting_type: MeetingType) -> None:
    other_house = SafetyHouseFactory()
    other_type = MeetingTypeFactory(house=other_house)
    elsewhere = Case.objects.get(pk=closed_case(personas, meeting_type).pk)
    Case.objects.filter(pk=elsewhere.pk).update(house=other_house, meeting_type=other_type)
    response = personas.client("privacy_officer").get(reverse("privacy:retention_overview"))
    assert f"Casus {elsewhere.pk}" not in response.content.decode()
    url = reverse("privacy:retention_case", args=[elsewhere.pk])
    assert personas.client("privacy_officer").get(url).status_code == 404


# --- One case ---------------------------------------------------------------------------------


def test_retention_case_matrix(personas: Personas, meeting_type: MeetingType) -> None:
    case = closed_case(personas, meeting_type)
    url = reverse("privacy:retention_case", args=[case.pk])
    assert_matrix(personas, "get", url, RETENTION_READERS)
    new_dates = iter(range(1, 100))

    def data() -> dict[str, Any]:
        current = Case.objects.get(pk=case.pk)
        assert current.retention_until is not None
        return {
            "new_date": (current.retention_until + dt.timedelta(days=next(new_dates))).isoformat(),
            "reason": "Lopende procedure",
            "version": current.version,
        }

    assert_matrix(personas, "post", url, EXTENDERS, data=data)
    assert RetentionExtension.objects.filter(case=case).count() == 1


def test_retention_case_of_an_active_case_is_not_found(personas: Personas, meeting_type: MeetingType) -> None:
    case = rich_case(personas, meeting_type=meeting_type, with_information=False)
    url = reverse("privacy:retention_case", args=[case.pk])
    assert personas.client("privacy_officer").get(url).status_code == 404


def test_retention_case_shows_history_and_writes_one_read_event(personas: Personas, meeting_type: MeetingType) -> None:
    case = closed_case(personas, meeting_type)
    extend(personas, case, 10)
    extend(personas, case, 10)
    before = AuditEvent.objects.filter(action=AuditAction.READ).count()
    response = personas.client("privacy_officer").get(reverse("privacy:retention_case", args=[case.pk]))
    content = response.content.decode()
    assert "1e verlenging" in content
    assert '<span class="ct-badge ct-badge--warning">2e verlenging</span>' in content
    assert "Klachtprocedure loopt" in content
    reads = AuditEvent.objects.filter(action=AuditAction.READ)
    assert reads.count() == before + 1
    assert reads.latest("sequence").case_id == case.pk


def test_extension_form_errors_are_dutch_and_keep_the_input(personas: Personas, meeting_type: MeetingType) -> None:
    case = closed_case(personas, meeting_type)
    assert case.retention_until is not None
    earlier = case.retention_until - dt.timedelta(days=3)
    response = personas.client("privacy_officer").post(
        reverse("privacy:retention_case", args=[case.pk]),
        {"new_date": earlier.isoformat(), "reason": "Mijn invoer", "version": case.version},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "De nieuwe datum moet na de huidige bewaardatum" in content
    assert "Mijn invoer" in content
    assert earlier.isoformat() in content
    response = personas.client("privacy_officer").post(
        reverse("privacy:retention_case", args=[case.pk]),
        {"new_date": (case.retention_until + dt.timedelta(days=3)).isoformat(), "reason": "", "version": case.version},
    )
    assert "Vul de reden van de verlenging in." in response.content.decode()
    assert not RetentionExtension.objects.exists()


def test_an_empty_extension_post_is_a_bound_form_with_both_errors(
    personas: Personas, meeting_type: MeetingType
) -> None:
    case = closed_case(personas, meeting_type)
    response = personas.client("privacy_officer").post(
        reverse("privacy:retention_case", args=[case.pk]), {"version": case.version}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vul de reden van de verlenging in." in content
    assert "Vul de nieuwe bewaardatum in." in content
    assert not RetentionExtension.objects.exists()


def test_extension_from_a_stale_page_is_refused(personas: Personas, meeting_type: MeetingType) -> None:
    case = closed_case(personas, meeting_type)
    assert case.retention_until is not None
    extend(personas, case, 5)
    response = personas.client("privacy_officer").post(
        reverse("privacy:retention_case", args=[case.pk]),
        {
            "new_date": (case.retention_until + dt.timedelta(days=40)).isoformat(),
            "reason": "Tweede reden",
            "version": case.version,
        },
    )
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    assert RetentionExtension.objects.count() == 1


def test_destroyed_case_page_shows_the_destruction_record_without_a_form(
    personas: Personas, meeting_type: MeetingType
) -> None:
    case = closed_case(personas, meeting_type, days_ago=400)
    case_destroy(actor=actor_for(personas, "privacy_officer"), case=case)
    url = reverse("privacy:retention_case", args=[case.pk])
    content = personas.client("privacy_officer").get(url).content.decode()
    assert "Vernietigingsverklaring" in content
    assert "betrokkenen in casus: 2" in content
    assert 'name="new_date"' not in content
    response = personas.client("privacy_officer").post(url, {"new_date": "2099-01-01", "reason": "x"})
    assert response.status_code == 302
    assert not RetentionExtension.objects.exists()


# --- Start page -------------------------------------------------------------------------------


def test_privacy_officer_start_page_lists_destructions_due(personas: Personas, meeting_type: MeetingType) -> None:
    due = closed_case(personas, meeting_type, days_ago=360)
    later = closed_case(personas, meeting_type, days_ago=10)
    content = personas.client("privacy_officer").get(reverse("dashboards:start")).content.decode()
    assert "Vernietigingen binnen een maand" in content
    assert reverse("privacy:retention_case", args=[due.pk]) in content
    assert reverse("privacy:retention_case", args=[later.pk]) not in content
    assert "Vernietigingen binnen een maand" not in (
        personas.client("administrator").get(reverse("dashboards:start")).content.decode()
    )


# --- Closing a case ---------------------------------------------------------------------------

# The case is referred by org_a, which is involved: professional_a and ambassador_a see it.
CLOSE_GET = {
    "anonymous": 302,
    "process_director": 200,
    "secretary": 403,
    "house_manager": 404,
    "administrator": 404,
    "privacy_officer": 404,
    "board_member": 404,
    "professional_a": 403,
    "ambassador_a": 403,
    "professional_b": 404,
    "outsider_house": 404,
}
CLOSE_POST = {**CLOSE_GET, "process_director": 302}


def test_case_close_matrix(personas: Personas, meeting_type: MeetingType) -> None:
    cases: list[Case] = []

    def fresh_case() -> None:
        cases.append(rich_case(personas, meeting_type=meeting_type, with_information=False))

    def url() -> str:
        return reverse("cases:case_close", args=[cases[-1].pk])

    fresh_case()
    assert_matrix(personas, "get", url, CLOSE_GET)
    assert_matrix(
        personas,
        "post",
        url,
        CLOSE_POST,
        data=lambda: {"closed_on": timezone.localdate().isoformat(), "reason": "Klaar", "version": 1},
        setup=fresh_case,
    )
    assert Case.objects.filter(status=CaseStatus.CLOSED).count() == 1


def test_closing_page_closes_and_shows_the_date(personas: Personas, meeting_type: MeetingType) -> None:
    case = rich_case(personas, meeting_type=meeting_type, with_information=False)
    client = personas.client("process_director")
    page = client.get(reverse("cases:case_close", args=[case.pk])).content.decode()
    assert "1 jaar bewaard" in page
    assert "standaardtermijn van het overlegtype" in page
    response = client.post(
        reverse("cases:case_close", args=[case.pk]),
        {"closed_on": timezone.localdate().isoformat(), "reason": "Doelen bereikt", "version": case.version},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.retention_until == timezone.localdate().replace(year=timezone.localdate().year + 1)


def test_closing_without_reason_shows_a_dutch_error_and_keeps_the_date(
    personas: Personas, meeting_type: MeetingType
) -> None:
    case = rich_case(personas, meeting_type=meeting_type, with_information=False)
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = personas.client("process_director").post(
        reverse("cases:case_close", args=[case.pk]), {"closed_on": day, "reason": "", "version": case.version}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vul de reden van afsluiten in." in content
    assert day in content
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE


def test_closing_page_of_a_closed_case_shows_its_retention(personas: Personas, meeting_type: MeetingType) -> None:
    case = closed_case(personas, meeting_type, days_ago=5)
    content = personas.client("process_director").get(reverse("cases:case_close", args=[case.pk])).content.decode()
    assert "Deze casus is afgesloten op" in content
    assert 'name="reason"' not in content


def test_case_page_links_the_process_director_to_closing_and_retention(
    personas: Personas, meeting_type: MeetingType
) -> None:
    active = rich_case(personas, meeting_type=meeting_type, with_information=False)
    closed = closed_case(personas, meeting_type, days_ago=5)
    client = personas.client("process_director")
    assert (
        reverse("cases:case_close", args=[active.pk])
        in client.get(reverse("cases:case_detail", args=[active.pk])).content.decode()
    )
    page = client.get(reverse("cases:case_detail", args=[closed.pk])).content.decode()
    assert reverse("privacy:retention_case", args=[closed.pk]) in page
    assert reverse("cases:case_close", args=[closed.pk]) not in page
    secretary_page = personas.client("secretary").get(reverse("cases:case_detail", args=[active.pk])).content.decode()
    assert reverse("cases:case_close", args=[active.pk]) not in secretary_page
