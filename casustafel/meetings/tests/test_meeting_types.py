"""Meeting types and their input requirements: services and administration pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import pytest

from casustafel.audit.models import AuditEvent
from casustafel.cases.defaults import DEFAULT_SET_NAME
from casustafel.lib.errors import ConflictError
from casustafel.meeting_types.models import InputRequirement, InputRequirementCheck, MeetingType, RequirementStage
from casustafel.meetings.services.meeting_types import (
    input_requirement_add,
    input_requirement_remove,
    meeting_type_create,
    meeting_type_update,
    meeting_types_install_default,
)
from casustafel.testing.cases import CriteriaSetFactory, InputRequirementFactory, MeetingTypeFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

NOBODY_ELSE = {
    "anonymous": 302,
    "process_director": 404,
    "secretary": 404,
    "house_manager": 404,
    "privacy_officer": 404,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
}


def admins(status: int, *, outsider: int = 404) -> dict[str, int]:
    return {**NOBODY_ELSE, "administrator": status, "outsider_house": outsider}


def url(name: str, *args: int) -> str:
    return reverse(f"meetings:{name}", args=args)


@pytest.fixture
def admin(personas):
    return actor_for(personas, "administrator")


@pytest.fixture
def meeting_type(personas):
    return MeetingTypeFactory(house=personas.house, name="Zorgoverleg huiselijk geweld")


# --- Services ------------------------------------------------------------------------------


def test_default_meeting_type_comes_with_48_hours_requirements_and_bijlage_5(personas, admin):
    (casus_op_maat,) = meeting_types_install_default(actor=admin, house=personas.house)
    assert casus_op_maat.name == "Casus-op-Maat"
    assert casus_op_maat.first_contact_hours == 48
    assert casus_op_maat.criteria_set.name == DEFAULT_SET_NAME
    life_domains = casus_op_maat.input_requirements.get(requirement=InputRequirementCheck.LIFE_DOMAINS)
    assert (life_domains.stage, life_domains.minimum) == (RequirementStage.BEFORE_TRIAGE, 2)
    assert casus_op_maat.input_requirements.filter(stage=RequirementStage.BEFORE_AGENDA).exists()


def test_installing_default_meeting_types_twice_changes_nothing(personas, admin):
    first = meeting_types_install_default(actor=admin, house=personas.house)
    MeetingType.objects.filter(pk=first[0].pk).update(first_contact_hours=24)
    second = meeting_types_install_default(actor=admin, house=personas.house)
    assert [m.pk for m in second] == [m.pk for m in first]
    assert MeetingType.objects.get(pk=first[0].pk).first_contact_hours == 24


def test_meeting_type_names_are_unique_per_house(personas, admin, meeting_type):
    with pytest.raises(ValidationError) as exc:
        meeting_type_create(actor=admin, house=personas.house, name="zorgoverleg huiselijk geweld")
    assert "name" in exc.value.message_dict


def test_meeting_type_takes_only_a_criteria_set_of_its_house(personas, admin):
    foreign = CriteriaSetFactory()
    with pytest.raises(ValidationError) as exc:
        meeting_type_create(actor=admin, house=personas.house, name="Top-X", criteria_set=foreign)
    assert "criteria_set" in exc.value.message_dict


def test_concurrent_meeting_type_edits_conflict(personas, admin, meeting_type):
    loaded = meeting_type.version
    meeting_type_update(actor=admin, meeting_type=meeting_type, expected_version=loaded, first_contact_hours=24)
    with pytest.raises(ConflictError):
        meeting_type_update(actor=admin, meeting_type=meeting_type, expected_version=loaded, first_contact_hours=72)
    meeting_type.refresh_from_db()
    assert meeting_type.first_contact_hours == 24
    assert meeting_type.version == 2


def test_first_contact_norm_must_be_at_least_one_hour(personas, admin, meeting_type):
    with pytest.raises(ValidationError):
        meeting_type_update(actor=admin, meeting_type=meeting_type, expected_version=None, first_contact_hours=0)


def test_requirements_are_added_once_and_removed_with_an_audit_event(personas, admin, meeting_type):
    item = input_requirement_add(
        actor=admin,
        meeting_type=meeting_type,
        requirement=InputRequirementCheck.LIFE_DOMAINS,
        stage="before_triage",
        minimum=3,
    )
    assert item.minimum == 3
    with pytest.raises(ValidationError):
        input_requirement_add(
            actor=admin,
            meeting_type=meeting_type,
            requirement=InputRequirementCheck.LIFE_DOMAINS,
            stage="before_agenda",
        )
    input_requirement_remove(actor=admin, requirement=item)
    assert not InputRequirement.objects.exists()
    actions = AuditEvent.objects.filter(object_type="meeting_types.inputrequirement").values_list("action", flat=True)
    assert sorted(actions) == ["create", "delete"]


def test_minimum_only_counts_for_life_domains(personas, admin, meeting_type):
    item = input_requirement_add(
        actor=admin,
        meeting_type=meeting_type,
        requirement=InputRequirementCheck.CONSENT,
        stage="before_agenda",
        minimum=5,
    )
    assert item.minimum == 1


@pytest.mark.parametrize("name", ["process_director", "outsider_house"])
def test_only_administrators_of_the_house_configure_meeting_types(personas, meeting_type, name):
    with pytest.raises(PermissionDenied):
        meeting_type_create(actor=actor_for(personas, name), house=personas.house, name="Top-X")
    with pytest.raises(PermissionDenied):
        input_requirement_add(
            actor=actor_for(personas, name), meeting_type=meeting_type, requirement="consent", stage="before_triage"
        )


# --- Pages ---------------------------------------------------------------------------------


def edit_data(meeting_type: MeetingType, **overrides: object) -> dict:
    data = {
        "name": meeting_type.name,
        "goals": meeting_type.goals,
        "criteria_set": "",
        "first_contact_hours": 24,
        "retention_years": 5,
        "privacy_reminder": "",
        "is_active": "on",
        "version": meeting_type.version,
    }
    data.update(overrides)
    return data


def test_matrix_meeting_type_list(personas, meeting_type):
    assert_matrix(personas, "get", url("meeting_type_list"), admins(200, outsider=200))


def test_matrix_new_meeting_type_page(personas):
    assert_matrix(personas, "get", url("meeting_type_create"), admins(200, outsider=200))


def test_matrix_creating_a_meeting_type(personas):
    counter = iter(range(100))
    assert_matrix(
        personas,
        "post",
        url("meeting_type_create"),
        admins(302, outsider=302),
        data=lambda: {
            "name": f"Top-X {next(counter)}",
            "first_contact_hours": 48,
            "retention_years": 5,
            "is_active": "on",
        },
    )
    assert MeetingType.objects.filter(house=personas.house).count() == 1


def test_matrix_installing_the_default_meeting_type(personas):
    assert_matrix(personas, "post", url("meeting_type_install_default"), admins(302, outsider=302))
    assert MeetingType.objects.filter(house=personas.house, name="Casus-op-Maat").exists()


def test_matrix_meeting_type_page(personas, meeting_type):
    assert_matrix(personas, "get", url("meeting_type_detail", meeting_type.pk), admins(200))


def test_matrix_edit_page(personas, meeting_type):
    assert_matrix(personas, "get", url("meeting_type_edit", meeting_type.pk), admins(200))


def test_matrix_saving_a_meeting_type(personas, meeting_type):
    assert_matrix(
        personas,
        "post",
        url("meeting_type_edit", meeting_type.pk),
        admins(302),
        data=lambda: edit_data(MeetingType.objects.get(pk=meeting_type.pk)),
    )
    meeting_type.refresh_from_db()
    assert meeting_type.first_contact_hours == 24


def test_matrix_adding_a_requirement(personas, meeting_type):
    assert_matrix(
        personas,
        "post",
        url("input_requirement_add", meeting_type.pk),
        admins(302),
        data={"requirement": "life_domains", "stage": "before_triage", "minimum": 2},
    )
    assert meeting_type.input_requirements.get().minimum == 2


def test_matrix_removing_a_requirement(personas, meeting_type):
    item = InputRequirementFactory(meeting_type=meeting_type)
    assert_matrix(personas, "post", url("input_requirement_remove", meeting_type.pk, item.pk), admins(302))
    assert not InputRequirement.objects.filter(pk=item.pk).exists()


def test_a_stale_edit_shows_the_stored_values_and_keeps_the_input(personas, meeting_type):
    client = personas.client("administrator")
    stale = edit_data(meeting_type, first_contact_hours=72, goals="Mijn doelen.")
    assert client.post(url("meeting_type_edit", meeting_type.pk), edit_data(meeting_type)).status_code == 302
    response = client.post(url("meeting_type_edit", meeting_type.pk), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft dit overlegtype intussen opgeslagen." in html
    assert "Mijn doelen." in html
    meeting_type.refresh_from_db()
    assert meeting_type.first_contact_hours == 24
    assert (
        client.post(url("meeting_type_edit", meeting_type.pk), {**stale, "version": meeting_type.version}).status_code
        == 302
    )


def test_a_duplicate_requirement_is_refused_on_the_page(personas, meeting_type):
    InputRequirementFactory(meeting_type=meeting_type, requirement="consent")
    response = personas.client("administrator").post(
        url("input_requirement_add", meeting_type.pk), {"requirement": "consent", "stage": "before_agenda"}
    )
    assert response.status_code == 200
    assert "Dit overlegtype heeft deze inputeis al." in response.content.decode()


def test_empty_list_offers_the_default_meeting_type(personas):
    html = personas.client("administrator").get(url("meeting_type_list")).content.decode()
    assert "Standaardoverlegtype installeren" in html
