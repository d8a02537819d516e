"""Factories and helpers for case information tests: involvements, a covenant with a chosen
matrix, facts and attachments with provenance traits, and file bytes of each kind."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import zipfile
from collections.abc import Iterable, Mapping

from django.utils import timezone

import factory

from casustafel.audit.context import Actor
from casustafel.cases.attachment_storage import storage_path
from casustafel.cases.models import Attachment, Case, CaseFact, CaseInvolvement, FactKind
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation, SafetyHouse
from casustafel.privacy.covenant.services import covenant_rule_update, covenant_version_publish
from casustafel.privacy.models import (
    Consent,
    ConsentException,
    CovenantVersion,
    InformationCategory,
    LegalBasis,
    Restriction,
)
from casustafel.testing.cases import CaseFactory
from casustafel.testing.factories import OrganisationFactory, UserFactory
from casustafel.testing.privacy import complete_draft

# --- File bytes of each kind ------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
HTML_BYTES = b"<!doctype html><script>alert(1)</script>"


def docx_bytes() -> bytes:
    """A minimal Word document: a ZIP with [Content_Types].xml and word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def office_bytes(parts: dict[str, str | bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP container with these parts (an office document, or something posing as one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    """A ZIP that is not a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hallo")
    return buffer.getvalue()


# --- Case, involvement, covenant ----------------------------------------------------------------


def involve(case: Case, organisation: Organisation, **kwargs: object) -> CaseInvolvement:
    """Make `organisation` involved in `case` from now (or from `started_at`)."""
    values: dict[str, object] = {
        "reason": "Betrokken bij het gezin",
        "started_at": timezone.now() - dt.timedelta(days=1),
        "added_by": case.process_director,
    }
    values.update(kwargs)
    return CaseInvolvement.objects.create(case=case, organisation=organisation, **values)


def case_with(
    house: SafetyHouse,
    *,
    meeting_type: MeetingType,
    referring_organisation: Organisation,
    involved: Iterable[Organisation] = (),
    **kwargs: object,
) -> Case:
    """An active case of the house whose referring organisation and `involved` take part."""
    case: Case = CaseFactory(  # type: ignore[assignment]
        referral__referring_organisation=referring_organisation,
        house=house,
        meeting_type=meeting_type,
        **kwargs,
    )
    for organisation in {referring_organisation, *involved}:
        involve(case, organisation)
    return case


Cells = Mapping[tuple[str, str], tuple[bool, str]]


def publish_covenant_with(
    house: SafetyHouse,
    *,
    participants: Iterable[Organisation],
    meeting_type: MeetingType,
    cells: Cells | None = None,
) -> CovenantVersion:
    """Publish a covenant for the house with the default matrix, changed by `cells`."""
    actor = Actor.system()
    draft = complete_draft(house, participants=participants, meeting_types=[meeting_type])
    if cells:
        rule = draft.meeting_rules.get(meeting_type=meeting_type)
        covenant_rule_update(
            actor=actor,
            rule=rule,
            expected_version=None,
            legal_basis=rule.legal_basis,
            legal_basis_detail=rule.legal_basis_detail,
            retention_years=rule.retention_years,
            cells=cells,
        )
    return covenant_version_publish(actor=actor, version=draft)


# --- Items --------------------------------------------------------------------------------------


class _ProvenanceFactory(factory.django.DjangoModelFactory):
    case = factory.SubFactory(CaseFactory)
    organisation = factory.SubFactory(OrganisationFactory, house=factory.SelfAttribute("..case.house"))
    added_by = factory.SubFactory(UserFactory)
    category = InformationCategory.HOUSEHOLD
    legal_basis = LegalBasis.WGS
    consent = Consent.GIVEN
    restriction = Restriction.HOUSE

    class Meta:
        abstract = True

    class Params:
        not_asked = factory.Trait(consent=Consent.NOT_ASKED, consent_exception=ConsentException.ACUTE_DANGER)
        known_only = factory.Trait(restriction=Restriction.KNOWN_ONLY)
        sector_only = factory.Trait(restriction=Restriction.SECTOR, restricted_sector="criminal_justice")
        withdrawn = factory.Trait(withdrawn_at=factory.LazyFunction(timezone.now))


class CaseFactFactory(_ProvenanceFactory):
    """A fact in a case; traits `known_only`, `sector_only` (criminal justice), `not_asked`."""

    class Meta:
        model = CaseFact

    kind = FactKind.FACT
    text = factory.Sequence(lambda n: f"Feit nummer {n}: er is een melding gedaan.")


class AttachmentFactory(_ProvenanceFactory):
    """An attachment whose PDF bytes are written under ATTACHMENT_ROOT."""

    class Meta:
        model = Attachment
        skip_postgeneration_save = True

    original_filename = factory.Sequence(lambda n: f"verslag-{n}.pdf")
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    storage_name = factory.LazyFunction(lambda: secrets.token_hex(32))

    @factory.post_generation
    def write_file(obj: Attachment, create: bool, extracted: bytes | bool | None, **kwargs: object) -> None:  # noqa: N805
        """`AttachmentFactory(write_file=b"...")` stores other bytes, `write_file=False` none;
        the default is a PDF under ATTACHMENT_ROOT (point it at a temporary folder)."""
        if not create or extracted is False:
            return
        path = storage_path(obj.storage_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(extracted if isinstance(extracted, bytes) else PDF_BYTES)
