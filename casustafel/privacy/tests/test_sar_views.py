from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import PartyRole
from casustafel.organisations.models import Role
from casustafel.privacy.subject_access.models import RestrictionMark, SubjectAccessException, SubjectAccessRequest
from casustafel.testing.cases import PersonFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas
from casustafel.testing.sar import BSN, SarSetting, make_request, person_in_referral, restrict

OFFICER_ONLY = {
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
OFFICER_POSTS = {**OFFICER_ONLY, "privacy_officer": 302}


def content(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def setting(personas: Personas) -> SarSetting:
    return person_in_referral(personas)


@pytest.fixture
def sar(personas: Personas, setting: SarSetting) -> SubjectAccessRequest:
    return make_request(personas, setting.person)


def url(name: str, *args: int) -> str:
    return reverse(f"privacy:{name}", args=args)


# --- Permission matrix -------------------------------------------------------------------------


def test_list_create_detail_and_overview_are_for_the_privacy_officer_only(
    personas: Personas, sar: SubjectAccessRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "casustafel.privacy.subject_access.views.sar_pdf_response", lambda overview: HttpResponse(b"%PDF")
    )
    for name, args in [
        ("sar_list", ()),
        ("sar_create", ()),
        ("sar_detail", (sar.pk,)),
        ("sar_overview", (sar.pk,)),
        ("sar_overview_pdf", (sar.pk,)),
    ]:
        assert_matrix(personas, "get", url(name, *args), OFFICER_ONLY)


def test_search_post_matrix(personas: Personas, sar: SubjectAccessRequest) -> None:
    assert_matrix(personas, "post", url("sar_create"), OFFICER_ONLY, data={"bsn": BSN, "received_on": "2025-03-01"})


def test_write_matrices(personas: Personas, setting: SarSetting, sar: SubjectAccessRequest) -> None:
    today = timezone.localdate()
    posts = [
        (
            url("sar_update", sar.pk),
            lambda: {
                "handling-version": SubjectAccessRequest.objects.get(pk=sar.pk).version,
                "handling-status": "in_progress",
                "handling-identity_check": "id_document",
                "handling-handled_by": personas.privacy_officer.pk,
            },
        ),
        (
            url("sar_extend", sar.pk),
            lambda: {
                "extend-version": SubjectAccessRequest.objects.get(pk=sar.pk).version,
                "extend-extended_due_on": (sar.due_on + dt.timedelta(days=20)).isoformat(),
                "extend-extension_reason": "Veel organisaties.",
            },
        ),
        (
            url("sar_exception_add", sar.pk),
            lambda: {"exception-ground": "safety_of_others", "exception-organisations": [personas.org_b.pk]},
        ),
        (
            url("sar_rectification_add", sar.pk),
            lambda: {
                "rectification-disputed": "Ik woon niet meer daar.",
                "rectification-decision": "note_added",
                "rectification-statement": "Ik ben verhuisd.",
            },
        ),
        (
            url("sar_restriction_add", sar.pk),
            lambda: {"restriction-ground": "objection_pending", "restriction-starts_on": today.isoformat()},
        ),
    ]
    for target, data in posts:
        assert_matrix(personas, "post", target, OFFICER_POSTS, data=data)
    exception = SubjectAccessException.objects.get(request=sar)
    assert_matrix(
        personas,
        "post",
        url("sar_exception_lift", sar.pk, exception.pk),
        OFFICER_POSTS,
        data={f"exclift{exception.pk}-lift_note": "Gevaar geweken."},
    )
    mark = RestrictionMark.objects.get(person=setting.person)
    assert_matrix(
        personas,
        "post",
        url("sar_restriction_lift", sar.pk, mark.pk),
        OFFICER_POSTS,
        data={f"reslift{mark.pk}-reason": "Bezwaar beoordeeld.", f"reslift{mark.pk}-person_informed": "on"},
    )


def test_a_privacy_officer_of_another_house_gets_404(personas: Personas, sar: SubjectAccessRequest) -> None:
    other_office = personas.memberships["outsider_house"].organisation
    personas.add("officer_elsewhere", organisation=other_office, role=Role.PRIVACY_OFFICER)
    client = personas.client("officer_elsewhere")
    assert client.get(url("sar_list")).status_code == 200
    assert f"Inzageverzoek {sar.pk}" not in content(client.get(url("sar_list")))
    for name in ("sar_detail", "sar_overview", "sar_overview_pdf"):
        assert client.get(url(name, sar.pk)).status_code == 404
    assert client.post(url("sar_exception_add", sar.pk), {"exception-ground": "other"}).status_code == 404


def test_a_mark_of_another_person_cannot_be_lifted_through_this_request(
    personas: Personas, sar: SubjectAccessRequest
) -> None:
    other = PersonFactory(house=personas.house)
    mark = restrict(personas, other)
    client = personas.client("privacy_officer")
    response = client.post(
        url("sar_restriction_lift", sar.pk, mark.pk),
        {f"reslift{mark.pk}-reason": "x", f"reslift{mark.pk}-person_informed": "on"},
    )
    assert response.status_code == 404


# --- Create ------------------------------------------------------------------------------------


def test_the_officer_finds_the_person_and_registers_the_request(personas: Personas, setting: SarSetting) -> None:
    client = personas.client("privacy_officer")
    data = {
        "surname": "Visser",
        "date_of_birth": "1990-05-17",
        "received_on": "2025-03-03",
        "requester": "person",
        "identity_check": "not_yet",
    }
    response = client.post(url("sar_create"), data)
    assert response.status_code == 200
    assert "Sanne Visser" in content(response)
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, person_id=setting.person.pk).count() == 1
    response = client.post(url("sar_create"), {**data, "person": setting.person.pk})
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(url("sar_detail", sar.pk))
    assert sar.due_on == dt.date(2025, 4, 3) and sar.person == setting.person


def test_a_person_who_was_not_a_result_cannot_be_chosen(personas: Personas, setting: SarSetting) -> None:
    stranger = PersonFactory(house=personas.house, surname="Bakker")
    client = personas.client("privacy_officer")
    data = {
        "surname": "Visser",
        "date_of_birth": "1990-05-17",
        "received_on": "2025-03-03",
        "requester": "person",
        "identity_check": "not_yet",
        "person": stranger.pk,
    }
    response = client.post(url("sar_create"), data)
    assert response.status_code == 200
    assert "De gekozen persoon past niet bij de zoekgegevens" in content(response)
    assert not SubjectAccessRequest.objects.exists()


def test_a_search_by_name_alone_is_refused_in_dutch_and_input_kept(personas: Personas, setting: SarSetting) -> None:
    client = personas.client("privacy_officer")
    response = client.post(url("sar_create"), {"surname": "Visser", "received_on": "2025-03-03"})
    html = content(response)
    assert "Zoek op BSN, of op achternaam én geboortedatum." in html
    assert 'value="Visser"' in html
    assert "Sanne" not in html


# --- Detail: validation messages in Dutch, input kept -------------------------------------------


def test_extension_without_reason_shows_a_dutch_message_and_keeps_the_date(
    personas: Personas, sar: SubjectAccessRequest
) -> None:
    new_date = (sar.due_on + dt.timedelta(days=10)).isoformat()
    response = personas.client("privacy_officer").post(
        url("sar_extend", sar.pk),
        {"extend-version": sar.version, "extend-extended_due_on": new_date, "extend-extension_reason": ""},
    )
    html = content(response)
    assert response.status_code == 200
    assert "Geef de reden van de verlenging" in html
    assert f'value="{new_date}"' in html
    assert SubjectAccessRequest.objects.get(pk=sar.pk).extended_due_on is None


def test_exception_without_organisation_shows_a_dutch_message_and_keeps_the_note(
    personas: Personas, sar: SubjectAccessRequest
) -> None:
    response = personas.client("privacy_officer").post(
        url("sar_exception_add", sar.pk),
        {"exception-ground": "criminal_investigation", "exception-note": "Op verzoek van het OM tot 1 juli."},
    )
    html = content(response)
    assert "Kies de organisatie(s) waarvan informatie wordt achtergehouden." in html
    assert "Op verzoek van het OM tot 1 juli." in html
    assert not SubjectAccessException.objects.exists()


def test_a_stale_handling_form_is_refused_as_a_conflict(personas: Personas, sar: SubjectAccessRequest) -> None:
    client = personas.client("privacy_officer")
    data = {
        "handling-version": sar.version,
        "handling-status": "in_progress",
        "handling-identity_check": "id_document",
        "handling-handled_by": personas.privacy_officer.pk,
    }
    assert client.post(url("sar_update", sar.pk), data).status_code == 302
    response = client.post(url("sar_update", sar.pk), {**data, "handling-status": "received"})
    assert "Iemand anders heeft dit intussen gewijzigd" in content(response)


def test_the_detail_page_writes_exactly_one_read_of_the_person(personas: Personas, sar: SubjectAccessRequest) -> None:
    client = personas.client("privacy_officer")
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    client.get(url("sar_detail", sar.pk))
    reads = AuditEvent.objects.filter(sequence__gt=before, action=AuditAction.READ)
    assert [(event.object_type, event.person_id) for event in reads] == [
        ("privacy.subjectaccessrequest", sar.person_id)
    ]


# --- Restriction marks where the person is shown ------------------------------------------------


def test_a_restricted_person_is_marked_on_the_referral_and_person_pages(
    personas: Personas, setting: SarSetting
) -> None:
    other = person_in_referral(personas, person=PersonFactory(house=personas.house), role=PartyRole.CHILD)
    client = personas.client("professional_a")
    referral_url = reverse("cases:referral_detail", args=[setting.referral.pk])
    person_url = reverse("cases:party_detail", args=[setting.referral.pk, setting.party.pk])
    assert "Verwerking beperkt" not in content(client.get(referral_url))
    restrict(personas, setting.person)
    assert content(client.get(referral_url)).count("Verwerking beperkt") == 1
    assert "Verwerking beperkt" in content(client.get(person_url))
    other_url = reverse("cases:party_detail", args=[other.referral.pk, other.party.pk])
    assert "Verwerking beperkt" not in content(client.get(other_url))


def test_a_supplementary_statement_is_shown_on_the_person_page(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    personas.client("privacy_officer").post(
        url("sar_rectification_add", sar.pk),
        {
            "rectification-disputed": "Dat ik agressief was.",
            "rectification-decision": "note_added",
            "rectification-statement": "Ik was boos, niet agressief.",
        },
    )
    page = content(
        personas.client("professional_a").get(
            reverse("cases:party_detail", args=[setting.referral.pk, setting.party.pk])
        )
    )
    assert "Ik was boos, niet agressief." in page


def test_the_list_runs_a_bounded_number_of_queries(personas: Personas, django_assert_max_num_queries: Any) -> None:
    client = personas.client("privacy_officer")
    make_request(personas, person_in_referral(personas).person)
    client.get(url("sar_list"))
    with django_assert_max_num_queries(15) as few:
        client.get(url("sar_list"))
    for _ in range(8):
        make_request(personas, PersonFactory(house=personas.house))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("sar_list"))
    assert content(response).count("Inzageverzoek ") >= 9


def test_the_privacy_officers_start_page_lists_open_requests_without_names(
    personas: Personas, sar: SubjectAccessRequest
) -> None:
    page = content(personas.client("privacy_officer").get(reverse("dashboards:start")))
    assert f"Inzageverzoek {sar.pk}" in page
    assert "Sanne" not in page
    assert f"Inzageverzoek {sar.pk}" not in content(
        personas.client("process_director").get(reverse("dashboards:start"))
    )
