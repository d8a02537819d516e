"""The case information page, adding facts and attachments, the download and withdrawal:
permission matrices for every view, what each viewer sees, and the audit of every download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Attachment, Case, CaseFact
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Role, Sector
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis, Restriction
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.factories import OrganisationFactory, SubstitutionFactory
from casustafel.testing.information import (
    PDF_BYTES,
    PNG_BYTES,
    AttachmentFactory,
    CaseFactFactory,
    case_with,
    publish_covenant_with,
)
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import ANONYMOUS, Personas

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Lopend rechercheonderzoek naar de broer"


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Path:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    return settings.ATTACHMENT_ROOT


@pytest.fixture
def meeting_type(personas: Personas) -> MeetingType:
    return MeetingTypeFactory(house=personas.house, name="Casus-op-Maat")


@pytest.fixture
def case(personas: Personas, meeting_type: MeetingType) -> Case:
    """A case of organisation A; organisation B (professional_b) is not on it."""
    publish_covenant_with(
        personas.house, participants=[personas.office, personas.org_a, personas.org_b], meeting_type=meeting_type
    )
    return case_with(
        personas.house,
        meeting_type=meeting_type,
        referring_organisation=personas.org_a,
        process_director=personas.process_director,
    )


def expect(personas: Personas, default: int, **overrides: int) -> dict[str, int]:
    expected = dict.fromkeys(personas.names, default)
    expected[ANONYMOUS] = 302
    expected.update(overrides)
    return expected


ON_CASE = ("process_director", "secretary", "professional_a", "ambassador_a")


def on_case(personas: Personas, status: int, **overrides: int) -> dict[str, int]:
    return expect(personas, 404, **{**dict.fromkeys(ON_CASE, status), **overrides})


def page_url(case: Case) -> str:
    return f"/casussen/{case.pk}/informatie/"


def provenance_post(prefix: str, **overrides: str) -> dict[str, str]:
    data = {
        f"{prefix}-category": InformationCategory.HOUSEHOLD,
        f"{prefix}-legal_basis": LegalBasis.WGS,
        f"{prefix}-consent": Consent.GIVEN,
        f"{prefix}-restriction": Restriction.HOUSE,
    }
    data.update({f"{prefix}-{name}": value for name, value in overrides.items()})
    return data


def fact_post(**overrides: str) -> dict[str, str]:
    return {
        "fact-kind": "fact",
        "fact-text": "Moeder meldt dat de kinderen niet naar school gaan.",
        **provenance_post("fact", **overrides),
    }


def attachment_post(data: bytes = PDF_BYTES, name: str = "verslag.pdf", **overrides: str) -> dict[str, Any]:
    return {
        "attachment-file": SimpleUploadedFile(name, data),
        "attachment-description": "Verslag huisbezoek",
        **provenance_post("attachment", **overrides),
    }


# --- Permission matrices -------------------------------------------------------------------------


def test_matrix_information_page(personas: Personas, case: Case) -> None:
    assert_matrix(personas, "get", page_url(case), on_case(personas, 200))


def test_matrix_add_fact(personas: Personas, case: Case) -> None:
    assert_matrix(personas, "post", f"{page_url(case)}nieuw/", on_case(personas, 302), data=fact_post)
    assert CaseFact.objects.filter(case=case).count() == len(ON_CASE)


def test_matrix_add_attachment(personas: Personas, case: Case) -> None:
    assert_matrix(
        personas, "post", f"/casussen/{case.pk}/bijlagen/nieuw/", on_case(personas, 302), data=attachment_post
    )
    assert Attachment.objects.filter(case=case).count() == len(ON_CASE)


def test_matrix_download_house_wide(personas: Personas, case: Case) -> None:
    document = AttachmentFactory(case=case, organisation=personas.org_a)
    assert_matrix(personas, "get", f"/casussen/{case.pk}/bijlagen/{document.pk}/download/", on_case(personas, 200))


def test_matrix_download_known_only(personas: Personas, case: Case) -> None:
    # Staff see that it exists, not the file.
    document = AttachmentFactory(case=case, organisation=personas.org_a, known_only=True)
    assert_matrix(
        personas,
        "get",
        f"/casussen/{case.pk}/bijlagen/{document.pk}/download/",
        expect(personas, 404, professional_a=200, ambassador_a=200),
    )


def test_matrix_withdraw_fact(personas: Personas, case: Case) -> None:
    current: dict[str, CaseFact] = {}

    def fresh() -> None:
        current["fact"] = CaseFactFactory(case=case, organisation=personas.org_a)

    assert_matrix(
        personas,
        "post",
        lambda: f"{page_url(case)}{current['fact'].pk}/intrekken/",
        # Staff see the fact (house-wide) but do not own it: 403.
        on_case(personas, 302, process_director=403, secretary=403),
        data=lambda: {"version": current["fact"].version},
        setup=fresh,
    )
    assert CaseFact.objects.filter(withdrawn_at__isnull=False).count() == 2


def test_matrix_withdraw_attachment(personas: Personas, case: Case) -> None:
    current: dict[str, Attachment] = {}

    def fresh() -> None:
        current["doc"] = AttachmentFactory(case=case, organisation=personas.org_a)

    assert_matrix(
        personas,
        "post",
        lambda: f"/casussen/{case.pk}/bijlagen/{current['doc'].pk}/intrekken/",
        on_case(personas, 302, process_director=403, secretary=403),
        setup=fresh,
    )
    assert Attachment.objects.filter(withdrawn_at__isnull=False).count() == 2


# --- What the page shows -----------------------------------------------------------------------------


def test_restricted_item_shows_as_notice_without_its_content(personas: Personas, case: Case) -> None:
    CaseFactFactory(case=case, organisation=personas.org_a, known_only=True, text=SECRET_TEXT)
    CaseFactFactory(case=case, organisation=personas.org_a, text="Het gezin verhuist in mei.")
    staff = personas.client("process_director").get(page_url(case)).content.decode()
    assert SECRET_TEXT not in staff
    assert f"Er is afgeschermde informatie van {personas.org_a.name}" in staff
    assert "Het gezin verhuist in mei." in staff
    own = personas.client("professional_a").get(page_url(case)).content.decode()
    assert SECRET_TEXT in own
    assert "Er is afgeschermde informatie" not in own


def test_page_writes_exactly_one_read_event(personas: Personas, case: Case) -> None:
    CaseFactFactory.create_batch(3, case=case, organisation=personas.org_a)
    client = personas.client("professional_a")
    before = AuditEvent.objects.count()
    client.get(page_url(case))
    events = AuditEvent.objects.order_by("sequence")[before:]
    assert [(e.action, e.object_type, e.case_id) for e in events] == [(AuditAction.READ, "cases.case", case.pk)]


def test_page_runs_a_bounded_number_of_queries(
    personas: Personas, case: Case, django_assert_max_num_queries: Any
) -> None:
    client = personas.client("professional_a")
    CaseFactFactory.create_batch(3, case=case, organisation=personas.org_a)
    client.get(page_url(case))
    CaseFactFactory.create_batch(25, case=case, organisation=personas.org_a, known_only=True)
    AttachmentFactory.create_batch(10, case=case, organisation=personas.office)
    with django_assert_max_num_queries(26):
        response = client.get(page_url(case))
    assert len(response.context["items"]) == 38


def test_covenant_refusal_is_shown_next_to_the_field_and_input_is_kept(personas: Personas, case: Case) -> None:
    # Organisation A is care: the default covenant lets care bring in care data, not police data.
    response = personas.client("professional_a").post(
        f"{page_url(case)}nieuw/", fact_post(category=InformationCategory.POLICE_JUSTICE)
    )
    assert response.status_code == 200
    form = response.context["fact_form"]
    assert "privacyconvenant" in form.errors["category"][0]
    content = response.content.decode()
    assert "Moeder meldt dat de kinderen niet naar school gaan." in content
    assert not CaseFact.objects.exists()


def test_consent_not_asked_needs_a_reason_on_the_form(personas: Personas, case: Case) -> None:
    response = personas.client("professional_a").post(f"{page_url(case)}nieuw/", fact_post(consent=Consent.NOT_ASKED))
    assert response.status_code == 200
    assert "toestemming" in response.context["fact_form"].errors["consent_exception"][0]


def test_upload_of_wrong_type_is_refused_on_the_form(personas: Personas, case: Case) -> None:
    response = personas.client("professional_a").post(
        f"/casussen/{case.pk}/bijlagen/nieuw/", attachment_post(data=b"MZ\x90\x00rest", name="tool.exe")
    )
    assert response.status_code == 200
    assert "Toegestaan zijn" in response.context["attachment_form"].errors["file"][0]
    assert not Attachment.objects.exists()


def test_page_warns_when_no_covenant_applies(personas: Personas, meeting_type: MeetingType) -> None:
    other_type = MeetingTypeFactory(house=personas.house, name="Zorgoverleg HG")
    uncovered = case_with(personas.house, meeting_type=other_type, referring_organisation=personas.org_a)
    content = personas.client("professional_a").get(page_url(uncovered)).content.decode()
    assert "geen gepubliceerd privacyconvenant" in content
    response = personas.client("professional_a").post(
        f"{page_url(uncovered)}nieuw/", fact_post(category=InformationCategory.POLICE_JUSTICE), follow=True
    )
    assert "geen gepubliceerd privacyconvenant" in response.content.decode()
    assert CaseFact.objects.filter(case=uncovered).count() == 1


# --- Download --------------------------------------------------------------------------------------------


def test_each_download_writes_exactly_one_audit_event(personas: Personas, case: Case) -> None:
    document = AttachmentFactory(
        case=case,
        organisation=personas.org_a,
        original_filename="rapport.pdf",
        content_type="image/png",
        write_file=PNG_BYTES,
    )
    url = f"/casussen/{case.pk}/bijlagen/{document.pk}/download/"
    client = personas.client("professional_a")
    for expected in (1, 2):
        response = client.get(url)
        assert b"".join(response.streaming_content) == PNG_BYTES  # type: ignore[attr-defined]
        events = AuditEvent.objects.filter(object_type="cases.attachment", object_id=str(document.pk))
        assert events.count() == expected
    event = events.latest("sequence")
    assert (event.action, event.case_id, event.actor_id) == (AuditAction.READ, case.pk, personas.professional_a.pk)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="rapport.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_refused_download_writes_no_event(personas: Personas, case: Case) -> None:
    document = AttachmentFactory(case=case, organisation=personas.org_a, known_only=True)
    response = personas.client("process_director").get(f"/casussen/{case.pk}/bijlagen/{document.pk}/download/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(object_type="cases.attachment").exists()


def test_withdrawn_attachment_cannot_be_downloaded(personas: Personas, case: Case) -> None:
    document = AttachmentFactory(case=case, organisation=personas.org_a, withdrawn=True)
    response = personas.client("professional_a").get(f"/casussen/{case.pk}/bijlagen/{document.pk}/download/")
    assert response.status_code == 404


def test_attachment_of_another_case_is_not_found_through_this_case(personas: Personas, case: Case) -> None:
    other = case_with(personas.house, meeting_type=case.meeting_type, referring_organisation=personas.org_a)
    document = AttachmentFactory(case=other, organisation=personas.org_a)
    response = personas.client("professional_a").get(f"/casussen/{case.pk}/bijlagen/{document.pk}/download/")
    assert response.status_code == 404


def test_substitute_reads_on_behalf_of_the_absent_colleague(personas: Personas, case: Case) -> None:
    elsewhere = OrganisationFactory(house=personas.house, name="Reclassering Testregio", sector=Sector.SUPERVISION)
    substitute = personas.add("substitute", organisation=elsewhere, role=Role.PROFESSIONAL)
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=substitute)
    document = AttachmentFactory(case=case, organisation=personas.org_a)
    client = personas.client("substitute")
    assert client.get(page_url(case)).status_code == 200
    assert client.get(f"/casussen/{case.pk}/bijlagen/{document.pk}/download/").status_code == 200
    events = AuditEvent.objects.filter(actor=substitute, action=AuditAction.READ)
    assert events.count() == 2
    assert set(events.values_list("on_behalf_of", flat=True)) == {personas.professional_a.pk}
    # Seeing is not contributing: the substitute acts for an organisation that is not involved.
    assert client.post(f"{page_url(case)}nieuw/", fact_post()).status_code == 403
