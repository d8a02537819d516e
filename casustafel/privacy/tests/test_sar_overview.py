"""The overview for a subject access request: what it contains, who accessed the data, what the
legal exceptions withhold, and the PDF (few PDF tests: WeasyPrint is slow)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, LifeDomain, PartyRole
from casustafel.privacy.subject_access.models import RectificationDecision, SubjectAccessRequest
from casustafel.privacy.subject_access.selectors import SarOverview, sar_overview
from casustafel.privacy.subject_access.services import rectification_note_record, sar_exception_lift
from casustafel.testing.cases import CaseFactory, LifeDomainProblemFactory, PersonFactory
from casustafel.testing.information import CaseFactFactory
from casustafel.testing.involvements import CaseInvolvementFactory
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import log_event
from casustafel.testing.sar import SarSetting, make_request, officer, person_in_referral, restrict, withhold


@pytest.fixture
def setting(personas: Personas) -> SarSetting:
    """Sanne is the subject of professional_a's (Veilig Thuis) referral, now a case in which
    the police (org_b) is involved and has contributed a fact."""
    setting = person_in_referral(personas, concern="Zorgen over de veiligheid thuis.")
    LifeDomainProblemFactory(
        referral=setting.referral, person=setting.person, domain=LifeDomain.HOUSING, description="Huurschuld Sanne."
    )
    LifeDomainProblemFactory(referral=setting.referral, person=None, description="Het gezin woont te klein.")
    partner = PersonFactory(house=personas.house, given_names="Rik", surname="Bos")
    from casustafel.testing.cases import CasePartyFactory

    CasePartyFactory(referral=setting.referral, person=partner, role=PartyRole.PERPETRATOR)
    LifeDomainProblemFactory(referral=setting.referral, person=partner, description="Gokschulden Rik.")
    case = CaseFactory(referral=setting.referral, house=personas.house, process_director=personas.process_director)
    CaseInvolvementFactory(case=case, organisation=personas.org_a, reason="Aanmelder")
    CaseInvolvementFactory(case=case, organisation=personas.org_b, reason="Lopend politieonderzoek naar Rik")
    CaseFactFactory(case=case, organisation=personas.org_b, person=setting.person, text="Melding politie over Sanne.")
    CaseFactFactory(case=case, organisation=personas.org_a, person=None, text="Veilig Thuis: huisbezoek gedaan.")
    CaseFactFactory(case=case, organisation=personas.org_a, person=partner, text="Rik drinkt veel.")
    return setting


@pytest.fixture
def sar(personas: Personas, setting: SarSetting) -> SubjectAccessRequest:
    return make_request(personas, setting.person)


def citizen_text(overview: SarOverview) -> str:
    """What the person gets: the PDF's HTML (rendering the PDF itself is slow)."""
    return render_to_string(
        "privacy/sar_overview_pdf.html", {"overview": overview, "printed_at": timezone.now(), "pdf": True}
    )


def test_the_overview_holds_what_the_house_has_about_the_person_and_nothing_of_others(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    text = citizen_text(sar_overview(sar))
    for expected in (
        "Sanne Visser",
        "******333",
        "Hoofdpersoon",
        "Zorgen over de veiligheid thuis.",
        "Huurschuld Sanne.",
        "Het gezin woont te klein.",
        "Melding politie over Sanne.",
        "Veilig Thuis: huisbezoek gedaan.",
        personas.org_a.name,
        personas.org_b.name,
        "Lopend politieonderzoek naar Rik",
    ):
        assert expected in text, expected
    for other in ("Gokschulden Rik.", "Rik drinkt veel."):
        assert other not in text


def test_contributing_organisations_and_legal_basis_of_facts(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    overview = sar_overview(sar)
    assert {organisation.pk for organisation in overview.contributors} >= {personas.org_a.pk, personas.org_b.pk}
    (entry,) = overview.referrals
    assert [fact.item.text for fact in entry.facts if fact.item.person_id] == ["Melding politie over Sanne."]
    assert "WGS" in citizen_text(overview)


def test_access_by_others_is_shown_per_organisation_and_role_without_names(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    case = Case.objects.get(referral=setting.referral)
    log_event(personas.memberships["professional_b"], person_id=setting.person.pk)
    log_event(personas.memberships["professional_b"], person_id=setting.person.pk)
    log_event(personas.memberships["secretary"], case_id=case.pk)
    log_event(personas.memberships["process_director"], obj=setting.referral)  # a referral page
    log_event(personas.memberships["professional_a"], person_id=PersonFactory(house=personas.house).pk)  # someone else
    rows = sar_overview(sar).access_rows
    police = [row for row in rows if row.organisation == personas.org_b and row.action == "bekeken"]
    assert len(police) == 1 and police[0].count == 2 and police[0].role == "Professional"
    assert any(row.organisation == personas.office and row.role == "Secretariaat" for row in rows)
    assert any(row.organisation == personas.office and row.role == "Procesregisseur" for row in rows)
    assert not any(row.organisation == personas.org_a and row.action == "bekeken" for row in rows)
    text = citizen_text(sar_overview(sar))
    assert personas.professional_b.full_name not in text
    assert personas.secretary.full_name not in text


def test_an_exception_withholds_that_organisations_items_involvement_and_access(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    log_event(personas.memberships["professional_b"], person_id=setting.person.pk)
    log_event(personas.memberships["professional_a"], person_id=setting.person.pk, action=AuditAction.UPDATE)
    exception = withhold(personas, sar, [personas.org_b])
    overview = sar_overview(sar)
    text = citizen_text(overview)
    assert "Melding politie over Sanne." not in text
    assert "Lopend politieonderzoek naar Rik" not in text
    assert "Veilig Thuis: huisbezoek gedaan." in text  # org_a's items stay
    assert "Huurschuld Sanne." in text  # the referral is org_a's
    assert not any(row.organisation == personas.org_b for row in overview.visible_access_rows)
    assert any(row.organisation == personas.org_a for row in overview.visible_access_rows)
    assert personas.org_b not in overview.contributors and personas.org_b not in overview.recipients
    # Disclosed: the person reads that information of the police is withheld, and why.
    assert f"Informatie van {personas.org_b.name}. Reden: Lopend strafrechtelijk onderzoek" in text
    assert {item.kind for item in overview.withheld_items} == {"Informatie", "Betrokkenheid", "Toegang"}
    sar_exception_lift(actor=officer(personas), exception=exception, lift_note="Onderzoek afgerond.")
    assert "Melding politie over Sanne." in citizen_text(sar_overview(sar))


def test_an_undisclosed_exception_leaves_no_trace_of_the_organisation(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    log_event(personas.memberships["professional_b"], person_id=setting.person.pk)
    withhold(personas, sar, [personas.org_b], disclosed=False)
    overview = sar_overview(sar)
    assert personas.org_b.name not in citizen_text(overview)
    assert overview.withheld_items  # the officer still sees what was left out


def test_withholding_the_referrer_withholds_the_whole_referral(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    other = person_in_referral(personas, organisation=personas.org_b, referrer="professional_b", person=setting.person)
    LifeDomainProblemFactory(referral=other.referral, person=setting.person, description="Politie: overlast.")
    withhold(personas, sar, [personas.org_b])
    text = citizen_text(sar_overview(sar))
    assert "Politie: overlast." not in text
    assert f"Aanmelding {other.referral.pk}" in text  # disclosed: named, content withheld
    assert "wordt nu niet verstrekt" in text


def test_rectification_notes_and_restriction_marks_are_in_the_overview(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest
) -> None:
    rectification_note_record(
        actor=officer(personas),
        person=setting.person,
        request=sar,
        disputed="Dat ik schulden heb.",
        decision=RectificationDecision.NOT_CORRECTED,
        explanation="De woningcorporatie bevestigt de huurachterstand.",
    )
    restrict(personas, setting.person, note="In afwachting van bezwaar")
    text = citizen_text(sar_overview(sar))
    assert "Dat ik schulden heb." in text and "De woningcorporatie bevestigt de huurachterstand." in text
    assert "Beperking van de verwerking" in text and "art. 18 lid 1 sub a" in text


def test_the_overview_page_reads_in_a_bounded_number_of_queries(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest, django_assert_max_num_queries: Any
) -> None:
    client = personas.client("privacy_officer")
    target = reverse("privacy:sar_overview", args=[sar.pk])
    client.get(target)
    with django_assert_max_num_queries(40) as few:
        client.get(target)
    for _ in range(5):
        more = person_in_referral(personas, person=setting.person)
        case = CaseFactory(referral=more.referral, house=personas.house, meeting_type=Case.objects.first().meeting_type)  # type: ignore[union-attr]
        CaseInvolvementFactory(case=case, organisation=personas.org_b)
        CaseFactFactory(case=case, organisation=personas.org_b, person=setting.person)
        log_event(personas.memberships["professional_b"], case_id=case.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(target)
    assert response.content.decode().count("Aanmelding ") >= 6


def test_the_pdf_renders_and_its_download_is_audited_as_a_read_of_the_person(
    personas: Personas, setting: SarSetting, sar: SubjectAccessRequest, fast_pdfs: None
) -> None:
    withhold(personas, sar, [personas.org_b])
    client = personas.client("privacy_officer")
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    response = client.get(reverse("privacy:sar_overview_pdf", args=[sar.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="inzage-{sar.pk}-') and "Visser" not in disposition
    events = AuditEvent.objects.filter(sequence__gt=before)
    assert [(event.action, event.person_id) for event in events] == [(AuditAction.READ, setting.person.pk)]
