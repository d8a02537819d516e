"""Services on case information: adding facts and attachments with provenance, the covenant's
refusal, consent reasons, type-by-content and size checks, withdrawal, and their audit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import REDACTED
from casustafel.cases.attachment_storage import download_name, storage_path
from casustafel.cases.models import Attachment, Case, CaseFact, CaseStatus, FactKind
from casustafel.cases.services.information import (
    attachment_add,
    attachment_orphans_remove,
    attachment_withdraw,
    case_fact_add,
    case_fact_withdraw,
)
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Sector
from casustafel.privacy.models import Consent, ConsentException, InformationCategory, LegalBasis, Restriction
from casustafel.privacy.provenance.checks import ProvenanceData, contribution_check
from casustafel.testing.cases import CasePartyFactory, MeetingTypeFactory, PersonFactory
from casustafel.testing.information import (
    EXE_BYTES,
    HTML_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    case_with,
    docx_bytes,
    publish_covenant_with,
    zip_bytes,
)
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

TEXT = "Vader is op 3 maart aangehouden na een ruzie thuis."
HOUSEHOLD = ProvenanceData(category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN)


@pytest.fixture(autouse=True)
def attachment_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "attachments"
    settings.ATTACHMENT_ROOT = root  # type: ignore[attr-defined]
    return root


@pytest.fixture
def meeting_type(personas: Personas) -> MeetingType:
    return MeetingTypeFactory(house=personas.house, name="Casus-op-Maat")


@pytest.fixture
def case(personas: Personas, meeting_type: MeetingType) -> Case:
    return case_with(
        personas.house,
        meeting_type=meeting_type,
        referring_organisation=personas.org_a,
        involved=[personas.org_b],
        process_director=personas.process_director,
    )


@pytest.fixture
def covenant(personas: Personas, meeting_type: MeetingType) -> None:
    publish_covenant_with(
        personas.house, participants=[personas.office, personas.org_a, personas.org_b], meeting_type=meeting_type
    )


def actor(personas: Personas, name: str) -> Actor:
    return Actor(user=personas.users[name], membership=personas.memberships[name])


def add_fact(personas: Personas, case: Case, name: str = "professional_b", **kwargs: object) -> CaseFact:
    values: dict[str, object] = {"text": TEXT, "provenance": HOUSEHOLD}
    values.update(kwargs)
    return case_fact_add(actor=actor(personas, name), case=case, **values)  # type: ignore[arg-type]


def upload(data: bytes, name: str = "verslag.pdf") -> ContentFile:
    return ContentFile(data, name=name)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- Facts ---------------------------------------------------------------------------------------


def test_fact_records_the_acting_organisation_and_an_audit_event_without_the_text(
    personas: Personas, case: Case, covenant: None
) -> None:
    person = CasePartyFactory(referral=case.referral, person=PersonFactory(house=personas.house)).person
    fact = add_fact(personas, case, kind=FactKind.CONCERN, person=person)
    assert fact.organisation == personas.org_b
    assert fact.added_by == personas.professional_b
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cases.casefact")
    assert (event.case_id, event.person_id, event.object_id) == (case.pk, person.pk, str(fact.pk))
    assert event.changes["text"] == [None, REDACTED]
    assert event.changes["category"] == [None, InformationCategory.HOUSEHOLD]
    assert TEXT not in str(event.changes)


def test_covenant_refuses_a_category_the_sector_may_not_contribute(
    personas: Personas, case: Case, covenant: None
) -> None:
    care = ProvenanceData(category=InformationCategory.CARE, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN)
    with pytest.raises(ValidationError) as exc:
        add_fact(personas, case, provenance=care)
    message = exc.value.message_dict["category"][0]
    assert "privacyconvenant" in message and "zorggegevens" in message
    assert not CaseFact.objects.exists()
    assert not AuditEvent.objects.filter(object_type="cases.casefact").exists()


def test_covenant_refuses_an_organisation_that_does_not_take_part(
    personas: Personas, case: Case, meeting_type: MeetingType
) -> None:
    publish_covenant_with(personas.house, participants=[personas.office, personas.org_a], meeting_type=meeting_type)
    with pytest.raises(ValidationError) as exc:
        add_fact(personas, case)
    assert "neemt niet deel" in exc.value.message_dict["category"][0]


def test_without_covenant_the_fact_is_allowed_with_a_warning(personas: Personas, case: Case) -> None:
    care = ProvenanceData(category=InformationCategory.CARE, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN)
    assert add_fact(personas, case, provenance=care).category == InformationCategory.CARE
    check = contribution_check(case, personas.org_b, InformationCategory.CARE)
    assert check.allowed and not check.covered
    assert "geen gepubliceerd privacyconvenant" in check.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": Consent.NOT_ASKED}, "consent_exception"),
        ({"consent": Consent.NOT_ASKED, "consent_exception": ConsentException.OTHER}, "consent_note"),
        ({"consent": ""}, "consent"),
        ({"legal_basis": LegalBasis.OTHER}, "legal_basis_detail"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"category": ""}, "category"),
        ({"restriction": Restriction.SECTOR}, "restricted_sector"),
    ],
)
def test_incomplete_provenance_is_refused_with_a_dutch_message(
    personas: Personas, case: Case, covenant: None, changes: dict[str, str], field: str
) -> None:
    values = {**HOUSEHOLD.as_fields(), **changes}
    with pytest.raises(ValidationError) as exc:
        add_fact(personas, case, provenance=ProvenanceData(**values))
    assert field in exc.value.message_dict
    assert exc.value.message_dict[field][0][0].isupper()


@pytest.mark.parametrize(
    ("exception", "note"),
    [
        (ConsentException.ACUTE_DANGER, ""),
        (ConsentException.RUNNING_INVESTIGATION, ""),
        (ConsentException.OTHER, "Betrokkene is onvindbaar."),
    ],
)
def test_consent_not_asked_is_accepted_with_a_reason(
    personas: Personas, case: Case, covenant: None, exception: str, note: str
) -> None:
    provenance = ProvenanceData(
        category=InformationCategory.HOUSEHOLD,
        legal_basis=LegalBasis.WGS,
        consent=Consent.NOT_ASKED,
        consent_exception=exception,
        consent_note=note,
    )
    fact = add_fact(personas, case, provenance=provenance)
    assert (fact.consent_exception, fact.consent_note) == (exception, note)


def test_values_that_do_not_apply_are_dropped(personas: Personas, case: Case, covenant: None) -> None:
    provenance = ProvenanceData(
        category=InformationCategory.HOUSEHOLD,
        legal_basis=LegalBasis.WGS,
        consent=Consent.GIVEN,
        consent_exception=ConsentException.ACUTE_DANGER,
        consent_note="stale",
        restriction=Restriction.HOUSE,
        restricted_sector=Sector.CARE,
    )
    fact = add_fact(personas, case, provenance=provenance)
    assert (fact.consent_exception, fact.consent_note, fact.restricted_sector) == ("", "", "")


def test_person_must_be_a_party_of_the_case(personas: Personas, case: Case, covenant: None) -> None:
    stranger = PersonFactory(house=personas.house)
    with pytest.raises(ValidationError) as exc:
        add_fact(personas, case, person=stranger)
    assert "person" in exc.value.message_dict


def test_empty_text_is_refused(personas: Personas, case: Case, covenant: None) -> None:
    with pytest.raises(ValidationError) as exc:
        add_fact(personas, case, text="   ")
    assert "text" in exc.value.message_dict


@pytest.mark.parametrize("name", ["house_manager", "board_member", "administrator", "outsider_house"])
def test_people_outside_the_case_cannot_add(personas: Personas, case: Case, name: str) -> None:
    with pytest.raises(PermissionDenied):
        add_fact(personas, case, name=name)


def test_professional_of_an_organisation_not_involved_cannot_add(personas: Personas, meeting_type: MeetingType) -> None:
    other_case = case_with(personas.house, meeting_type=meeting_type, referring_organisation=personas.org_a)
    with pytest.raises(PermissionDenied):
        add_fact(personas, other_case, name="professional_b")


def test_process_director_adds_for_the_house_office(personas: Personas, case: Case, covenant: None) -> None:
    assert add_fact(personas, case, name="process_director").organisation == personas.office


def test_closed_case_takes_no_new_information(personas: Personas, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    case.refresh_from_db()
    with pytest.raises(ServiceError):
        add_fact(personas, case, name="process_director")


def test_contributor_withdraws_and_it_is_audited(personas: Personas, case: Case, covenant: None) -> None:
    fact = add_fact(personas, case)
    withdrawn = case_fact_withdraw(actor=actor(personas, "professional_b"), fact=fact, expected_version=fact.version)
    assert withdrawn.withdrawn_by == personas.professional_b
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="cases.casefact").get()
    assert set(event.changes) == {"withdrawn_at", "withdrawn_by"}
    with pytest.raises(ServiceError):
        case_fact_withdraw(actor=actor(personas, "professional_b"), fact=withdrawn, expected_version=None)


@pytest.mark.parametrize("name", ["professional_a", "process_director"])
def test_others_cannot_withdraw(personas: Personas, case: Case, covenant: None, name: str) -> None:
    fact = add_fact(personas, case)
    with pytest.raises(PermissionDenied):
        case_fact_withdraw(actor=actor(personas, name), fact=fact, expected_version=None)
    fact.refresh_from_db()
    assert fact.withdrawn_at is None


# --- Attachments ---------------------------------------------------------------------------------


def add_attachment(
    personas: Personas, case: Case, data: bytes, name: str = "verslag.pdf", **kwargs: object
) -> Attachment:
    return attachment_add(
        actor=actor(personas, "professional_b"),
        case=case,
        upload=upload(data, name),
        provenance=kwargs.pop("provenance", HOUSEHOLD),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (JPEG_BYTES, "image/jpeg"),
        (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_allowed_types_are_stored_outside_the_web_root_under_a_random_name(
    personas: Personas, case: Case, covenant: None, attachment_root: Path, data: bytes, content_type: str
) -> None:
    attachment = add_attachment(personas, case, data, name="Verslag huisbezoek.bin")
    assert attachment.content_type == content_type
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.original_filename == "Verslag huisbezoek.bin"
    path = storage_path(attachment.storage_name)
    assert path.read_bytes() == data
    assert path.is_relative_to(attachment_root)
    assert "Verslag" not in str(path) and path.suffix == ""


def test_a_png_named_pdf_is_stored_as_png(personas: Personas, case: Case, covenant: None) -> None:
    attachment = add_attachment(personas, case, PNG_BYTES, name="rapport.pdf")
    assert attachment.content_type == "image/png"
    assert download_name(attachment.original_filename, attachment.content_type) == "rapport.png"


@pytest.mark.parametrize(
    ("data", "name"),
    [(EXE_BYTES, "setup.exe"), (EXE_BYTES, "verslag.pdf"), (HTML_BYTES, "pagina.html"), (zip_bytes(), "map.docx")],
)
def test_other_types_are_refused_by_content_and_nothing_is_kept(
    personas: Personas, case: Case, covenant: None, attachment_root: Path, data: bytes, name: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        add_attachment(personas, case, data, name=name)
    assert "Toegestaan zijn" in exc.value.message_dict["file"][0]
    assert not Attachment.objects.exists()
    assert stored_files(attachment_root) == []


def test_oversize_is_refused_with_a_dutch_message(
    personas: Personas, case: Case, covenant: None, settings: pytest.FixtureRequest, attachment_root: Path
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as exc:
        add_attachment(personas, case, PDF_BYTES + b"\x00" * 2000)
    assert "te groot" in exc.value.message_dict["file"][0]
    assert stored_files(attachment_root) == []


def test_empty_file_is_refused(personas: Personas, case: Case, covenant: None) -> None:
    with pytest.raises(ValidationError) as exc:
        add_attachment(personas, case, b"")
    assert "leeg" in exc.value.message_dict["file"][0]


def test_attachment_refused_by_the_covenant_writes_no_file(
    personas: Personas, case: Case, covenant: None, attachment_root: Path
) -> None:
    care = ProvenanceData(category=InformationCategory.CARE, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN)
    with pytest.raises(ValidationError):
        add_attachment(personas, case, PDF_BYTES, provenance=care)
    assert stored_files(attachment_root) == []


def test_attachment_audit_event_holds_no_filename_or_description(
    personas: Personas, case: Case, covenant: None
) -> None:
    add_attachment(personas, case, PDF_BYTES, name="Jansen-verslag.pdf", description="Huisbezoek bij Jansen")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cases.attachment")
    assert "Jansen" not in str(event.changes)
    assert event.changes["original_filename"] == [None, REDACTED]
    assert event.changes["content_type"] == [None, "application/pdf"]


def test_attachment_withdrawn_by_its_contributor(personas: Personas, case: Case, covenant: None) -> None:
    attachment = add_attachment(personas, case, PDF_BYTES)
    with pytest.raises(PermissionDenied):
        attachment_withdraw(actor=actor(personas, "professional_a"), attachment=attachment)
    attachment_withdraw(actor=actor(personas, "professional_b"), attachment=attachment)
    attachment.refresh_from_db()
    assert attachment.withdrawn_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="cases.attachment").count() == 1


def test_filename_is_cleaned_of_paths_and_control_characters(personas: Personas, case: Case, covenant: None) -> None:
    attachment = add_attachment(personas, case, PDF_BYTES, name="..\\..\\etc/pass\x00wd\n.pdf")
    assert attachment.original_filename == "passwd.pdf"


# --- Files of rolled-back uploads (issue 7, point 12) ------------------------------------------


def test_a_rolled_back_upload_leaves_no_file_after_the_daily_job(
    personas: Personas, case: Case, covenant: None, attachment_root: Path
) -> None:
    kept = add_attachment(personas, case, PDF_BYTES, name="blijft.pdf")
    with pytest.raises(RuntimeError), transaction.atomic():
        add_attachment(personas, case, PNG_BYTES, name="terug.png")
        raise RuntimeError("the caller's transaction fails after the upload")
    assert Attachment.objects.get() == kept
    assert len(stored_files(attachment_root)) == 2  # the bytes were written before the row
    assert attachment_orphans_remove() == 0  # an upload may still be in a transaction: not yet
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert attachment_orphans_remove(dry_run=True) == 1
        assert len(stored_files(attachment_root)) == 2
        out = io.StringIO()
        call_command("destroy_expired_cases", stdout=out)
    assert "1 attachment file(s) without a record removed" in out.getvalue()
    assert stored_files(attachment_root) == [storage_path(kept.storage_name)]


def test_a_temporary_file_left_by_a_crash_is_swept_too(attachment_root: Path) -> None:
    folder = attachment_root / "ab"
    folder.mkdir(parents=True)
    part = folder / f".{'ab' * 32}.part"
    part.write_bytes(b"half")
    unrelated = folder / "notes.txt"  # never ours: left alone
    unrelated.write_bytes(b"x")
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert attachment_orphans_remove() == 1
    assert not part.exists() and unrelated.exists()
