from __future__ import annotations

from typing import Any

from django.urls import reverse

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Sector
from casustafel.privacy.covenant.forms import CovenantRuleForm
from casustafel.privacy.covenant.selectors import draft_of
from casustafel.privacy.covenant.services import covenant_rule_add, covenant_rule_remove, covenant_version_draft
from casustafel.privacy.models import CovenantMeetingRule, CovenantVersion, LegalBasis, Visibility
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import APPROVAL_NOTE, ensure_draft, publish_covenant

# Every expectation lists every persona: a new persona forces a decision.
READERS = {
    "anonymous": 302,
    "process_director": 200,
    "secretary": 200,
    "house_manager": 200,
    "administrator": 200,
    "privacy_officer": 200,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
    "outsider_house": 404,
}
MEMBERS = {
    "anonymous": 302,
    "process_director": 200,
    "secretary": 200,
    "house_manager": 200,
    "administrator": 200,
    "privacy_officer": 200,
    "board_member": 200,
    "professional_a": 200,
    "ambassador_a": 200,
    "professional_b": 200,
    "outsider_house": 404,
}
ADMIN_ONLY_GET = {
    "anonymous": 302,
    "process_director": 404,
    "secretary": 404,
    "house_manager": 404,
    "administrator": 200,
    "privacy_officer": 404,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
    "outsider_house": 404,
}
ADMIN_ONLY_POST = {**ADMIN_ONLY_GET, "administrator": 302}


@pytest.fixture
def published(personas: Personas, meeting_type: MeetingType) -> CovenantVersion:
    return publish_covenant(
        personas.house, participants=[personas.org_a, personas.office], meeting_types=[meeting_type]
    )


@pytest.fixture
def draft(personas: Personas, published: CovenantVersion) -> CovenantVersion:
    return covenant_version_draft(actor=Actor.system(), house=personas.house)


def rule_post_data(rule: CovenantMeetingRule, **overrides: Any) -> dict[str, Any]:
    """The rule form as the browser posts it: unchecked boxes are left out."""
    form = CovenantRuleForm.for_rule(rule)
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name.startswith("contribute__"):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not False}


def test_covenant_page_matrix(personas: Personas, published: CovenantVersion) -> None:
    # The outsider administers another house: they see that house's (empty) covenant page.
    responses = assert_matrix(personas, "get", reverse("privacy:covenant"), {**READERS, "outsider_house": 200})
    page = responses["privacy_officer"].content.decode()
    assert "Veilig Thuis Testregio" in page and "neemt niet deel" in page  # org_b (police) does not take part
    assert "Politie Testregio" in page
    assert "Veilig Thuis Testregio" not in responses["outsider_house"].content.decode()


def test_published_version_page_matrix(personas: Personas, published: CovenantVersion) -> None:
    assert_matrix(personas, "get", reverse("privacy:covenant_version", args=[published.pk]), READERS)


def test_draft_is_visible_to_administrators_only(personas: Personas, draft: CovenantVersion) -> None:
    responses = assert_matrix(personas, "get", reverse("privacy:covenant_version", args=[draft.pk]), ADMIN_ONLY_GET)
    assert "Algemeen en deelnemers bewerken" in responses["administrator"].content.decode()


def test_covenant_edit_matrix(personas: Personas, published: CovenantVersion) -> None:
    # Each administrator opens the draft of their own house.
    assert_matrix(personas, "post", reverse("privacy:covenant_edit"), {**ADMIN_ONLY_POST, "outsider_house": 302})
    assert draft_of(personas.house) is not None


def test_version_update_matrix(personas: Personas, draft: CovenantVersion) -> None:
    def data() -> dict[str, Any]:
        current = CovenantVersion.objects.get(pk=draft.pk)
        return {
            "version": current.version,
            "effective_from": "2026-01-01",
            "approval_note": APPROVAL_NOTE,
            "change_note": "Reclassering neemt deel.",
            "purposes": "Doel een\nDoel twee",
            "participants": [personas.org_a.pk, personas.org_b.pk],
        }

    assert_matrix(
        personas, "post", reverse("privacy:covenant_version_update", args=[draft.pk]), ADMIN_ONLY_POST, data=data
    )
    draft.refresh_from_db()
    assert draft.purpose_list == ["Doel een", "Doel twee"]
    assert set(draft.participants.values_list("organisation", flat=True)) == {personas.org_a.pk, personas.org_b.pk}


def test_stale_version_form_keeps_the_input_and_says_why(personas: Personas, draft: CovenantVersion) -> None:
    client = personas.client("administrator")
    response = client.post(
        reverse("privacy:covenant_version_update", args=[draft.pk]),
        {"version": draft.version - 1 if draft.version > 1 else 99, "approval_note": "Mijn invoer", "purposes": "x"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd" in page and "Mijn invoer" in page


def test_rule_add_matrix(personas: Personas, draft: CovenantVersion, meeting_type: MeetingType) -> None:
    def setup() -> None:
        rule = CovenantMeetingRule.objects.filter(covenant_version=draft, meeting_type=meeting_type).first()
        if rule is not None:
            covenant_rule_remove(actor=Actor.system(), rule=rule)

    assert_matrix(
        personas,
        "post",
        reverse("privacy:covenant_rule_add", args=[draft.pk]),
        ADMIN_ONLY_POST,
        data={"add-meeting_type": meeting_type.pk},
        setup=setup,
    )
    # Later personas' setup removed it again; the administrator's add is in the trail.
    added = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="privacy.covenantmeetingrule")
    assert list(added.values_list("actor", flat=True)) == [personas.administrator.pk]


def test_rule_edit_matrix(personas: Personas, draft: CovenantVersion) -> None:
    rule = draft.meeting_rules.get()
    url = reverse("privacy:covenant_rule_edit", args=[rule.pk])
    responses = assert_matrix(personas, "get", url, ADMIN_ONLY_GET)
    assert 'name="visibility__care__police_justice"' in responses["administrator"].content.decode()

    def data() -> dict[str, Any]:
        current = CovenantMeetingRule.objects.get(pk=rule.pk)
        return rule_post_data(current, legal_basis=LegalBasis.CONSENT, retention_years=4)

    assert_matrix(personas, "post", url, ADMIN_ONLY_POST, data=data)
    rule.refresh_from_db()
    assert (rule.legal_basis, rule.retention_years) == (LegalBasis.CONSENT, 4)


def test_rule_edit_saves_the_grid(personas: Personas, draft: CovenantVersion) -> None:
    rule = draft.meeting_rules.get()
    data = rule_post_data(rule)
    data["contribute__municipality__care"] = "on"
    data["visibility__municipality__care"] = Visibility.FULL
    response = personas.client("administrator").post(reverse("privacy:covenant_rule_edit", args=[rule.pk]), data)
    assert response.status_code == 302
    cell = rule.category_rules.get(sector=Sector.MUNICIPALITY, category="care")
    assert (cell.may_contribute, cell.visibility) == (True, Visibility.FULL)
    untouched = rule.category_rules.get(sector=Sector.CARE, category="care")
    assert (untouched.may_contribute, untouched.visibility) == (True, Visibility.FULL)


def test_rule_edit_with_other_basis_without_text_rerenders_with_the_input(
    personas: Personas, draft: CovenantVersion
) -> None:
    rule = draft.meeting_rules.get()
    data = rule_post_data(rule, legal_basis=LegalBasis.OTHER, legal_basis_detail="", retention_years=9)
    response = personas.client("administrator").post(reverse("privacy:covenant_rule_edit", args=[rule.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Beschrijf de grondslag" in page and 'value="9"' in page
    rule.refresh_from_db()
    assert rule.legal_basis == LegalBasis.WGS


def test_an_empty_rule_edit_post_is_a_bound_form_with_the_required_field_errors(
    personas: Personas, draft: CovenantVersion
) -> None:
    rule = draft.meeting_rules.get()
    response = personas.client("administrator").post(reverse("privacy:covenant_rule_edit", args=[rule.pk]), {})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_bound
    assert set(form.errors) >= {"legal_basis", "retention_years"}
    assert "Dit veld is verplicht." in response.content.decode()
    rule.refresh_from_db()
    assert rule.legal_basis == LegalBasis.WGS


def test_rule_of_a_published_version_cannot_be_edited(personas: Personas, published: CovenantVersion) -> None:
    rule = published.meeting_rules.get()
    client = personas.client("administrator")
    response = client.post(
        reverse("privacy:covenant_rule_edit", args=[rule.pk]), rule_post_data(rule, retention_years=1)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:covenant_version", args=[published.pk])
    rule.refresh_from_db()
    assert rule.retention_years == 7


def test_rule_remove_matrix(personas: Personas, draft: CovenantVersion, meeting_type: MeetingType) -> None:
    def setup() -> None:
        if not draft.meeting_rules.filter(meeting_type=meeting_type).exists():
            covenant_rule_add(actor=Actor.system(), version=draft, meeting_type=meeting_type)

    def url() -> str:
        return reverse("privacy:covenant_rule_remove", args=[draft.meeting_rules.get(meeting_type=meeting_type).pk])

    assert_matrix(personas, "post", url, ADMIN_ONLY_POST, setup=setup)


def test_publish_matrix(personas: Personas, published: CovenantVersion, meeting_type: MeetingType) -> None:
    def setup() -> None:
        ensure_draft(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])

    def url() -> str:
        return reverse("privacy:covenant_version_publish", args=[draft_of(personas.house).pk])

    def data() -> dict[str, int]:
        draft = draft_of(personas.house)
        return {"version": draft.version if draft else 0}

    assert_matrix(personas, "post", url, ADMIN_ONLY_POST, setup=setup, data=data)
    assert CovenantVersion.objects.filter(covenant__house=personas.house, published_at__isnull=False).count() == 2


def test_publishing_an_incomplete_draft_shows_what_is_missing(personas: Personas) -> None:
    draft = covenant_version_draft(actor=Actor.system(), house=personas.house)
    client = personas.client("administrator")
    response = client.post(
        reverse("privacy:covenant_version_publish", args=[draft.pk]), {"version": draft.version}, follow=True
    )
    assert "Kies de organisaties die deelnemen" in response.content.decode()
    assert CovenantVersion.objects.get(pk=draft.pk).is_draft


def test_discard_matrix(personas: Personas, published: CovenantVersion, meeting_type: MeetingType) -> None:
    def setup() -> None:
        ensure_draft(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])

    def url() -> str:
        return reverse("privacy:covenant_version_discard", args=[draft_of(personas.house).pk])

    assert_matrix(personas, "post", url, ADMIN_ONLY_POST, setup=setup)


def test_pdf_of_the_covenant_in_force_for_every_member(
    personas: Personas, published: CovenantVersion, fast_pdfs: None
) -> None:
    responses = assert_matrix(personas, "get", reverse("privacy:covenant_pdf"), MEMBERS)
    response = responses["professional_b"]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        response["Content-Disposition"] == 'attachment; filename="convenant-zorg-en-veiligheidshuis-testregio-v1.pdf"'
    )


def test_pdf_without_a_covenant_is_not_found(personas: Personas) -> None:
    assert personas.client("administrator").get(reverse("privacy:covenant_pdf")).status_code == 404


def test_pdf_of_a_version(personas: Personas, published: CovenantVersion, fast_pdfs: None) -> None:
    responses = assert_matrix(personas, "get", reverse("privacy:covenant_version_pdf", args=[published.pk]), MEMBERS)
    assert responses["board_member"].content.startswith(b"%PDF")


def test_pdf_of_a_draft_for_administrators_only(personas: Personas, draft: CovenantVersion, fast_pdfs: None) -> None:
    responses = assert_matrix(personas, "get", reverse("privacy:covenant_version_pdf", args=[draft.pk]), ADMIN_ONLY_GET)
    assert responses["administrator"]["Content-Disposition"].endswith('-v2-concept.pdf"')


def test_meeting_reminder_matrix(personas: Personas, published: CovenantVersion, meeting_type: MeetingType) -> None:
    responses = assert_matrix(personas, "get", reverse("privacy:meeting_reminder", args=[meeting_type.pk]), MEMBERS)
    page = responses["professional_a"].content.decode()
    assert "Deel alleen wat nodig is voor de aanpak" in page
    assert "WGS (Wet gegevensverwerking door samenwerkingsverbanden)" in page
    assert "Politie- en justitiële gegevens (mutaties, antecedenten)" in page
    assert "7 jaar na afsluiten" in page


def test_meeting_reminder_without_covenant_warns(personas: Personas, meeting_type: MeetingType) -> None:
    response = personas.client("process_director").get(reverse("privacy:meeting_reminder", args=[meeting_type.pk]))
    assert "Deel in dit overleg geen informatie over personen" in response.content.decode()


def test_meeting_reminder_as_htmx_fragment(
    personas: Personas, published: CovenantVersion, meeting_type: MeetingType
) -> None:
    response = personas.client("process_director").get(
        reverse("privacy:meeting_reminder", args=[meeting_type.pk]), headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and f'id="privacy-reminder-{meeting_type.pk}"' in content


def test_navigation_links(personas: Personas) -> None:
    covenant_url = reverse("privacy:covenant")
    log_url = reverse("privacy:access_log")
    officer = personas.client("privacy_officer").get(reverse("dashboards:start")).content.decode()
    assert covenant_url in officer and log_url in officer
    secretary = personas.client("secretary").get(reverse("dashboards:start")).content.decode()
    assert covenant_url in secretary and log_url not in secretary
    professional = personas.client("professional_a").get(reverse("dashboards:start")).content.decode()
    assert covenant_url not in professional and log_url not in professional


def test_changes_posted_to_a_published_version_are_refused_with_a_message(
    personas: Personas, published: CovenantVersion, meeting_type: MeetingType
) -> None:
    client = personas.client("administrator")
    response = client.post(
        reverse("privacy:covenant_version_update", args=[published.pk]),
        {"version": published.version, "approval_note": "Gewijzigd", "purposes": "x"},
        follow=True,
    )
    assert "kan niet meer worden gewijzigd" in response.content.decode()
    published.refresh_from_db()
    assert published.approval_note == APPROVAL_NOTE
    response = client.post(
        reverse("privacy:covenant_rule_add", args=[published.pk]), {"add-meeting_type": meeting_type.pk}
    )
    assert response.status_code == 302
    assert published.meeting_rules.count() == 1
