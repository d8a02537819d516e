from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Sector
from casustafel.privacy.covenant.defaults import DEFAULT_PURPOSES
from casustafel.privacy.covenant.services import (
    covenant_rule_add,
    covenant_rule_remove,
    covenant_rule_update,
    covenant_version_discard,
    covenant_version_draft,
    covenant_version_publish,
    covenant_version_update,
    default_cells,
    publish_problems,
)
from casustafel.privacy.models import (
    CovenantCategoryRule,
    CovenantMeetingRule,
    CovenantVersion,
    InformationCategory,
    LegalBasis,
    Visibility,
)
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import complete_draft, publish_covenant


def admin(personas: Personas) -> Actor:
    return Actor(user=personas.administrator, membership=personas.memberships["administrator"])


def test_first_draft_starts_from_defaults_for_every_active_meeting_type(
    personas: Personas, meeting_type: MeetingType
) -> None:
    MeetingTypeFactory(house=personas.house, name="Oud overleg", is_active=False)
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    assert draft.number == 1 and draft.is_draft
    assert draft.purposes == DEFAULT_PURPOSES
    assert not draft.participants.exists()
    rule = draft.meeting_rules.get()
    assert rule.meeting_type == meeting_type
    assert rule.legal_basis == LegalBasis.WGS
    assert rule.retention_years == 7  # taken from the meeting type
    assert rule.category_rules.count() == len(Sector.values) * len(InformationCategory.values)
    care = rule.category_rules.get(sector=Sector.CRIMINAL_JUSTICE, category=InformationCategory.CARE)
    assert (care.may_contribute, care.visibility) == (False, Visibility.KNOWN_ONLY)
    event = AuditEvent.objects.filter(object_type="privacy.covenantversion", action=AuditAction.CREATE).get()
    assert event.actor == personas.administrator
    assert event.changes["meeting_types"] == [None, [meeting_type.pk]]


def test_asking_for_a_draft_twice_returns_the_same_draft(personas: Personas) -> None:
    first = covenant_version_draft(actor=admin(personas), house=personas.house)
    assert covenant_version_draft(actor=admin(personas), house=personas.house) == first


def test_only_administrators_of_the_house_may_edit_the_covenant(personas: Personas) -> None:
    privacy_officer = Actor(user=personas.privacy_officer, membership=personas.memberships["privacy_officer"])
    with pytest.raises(PermissionDenied):
        covenant_version_draft(actor=privacy_officer, house=personas.house)
    outsider = Actor(user=personas.outsider_house, membership=personas.memberships["outsider_house"])
    with pytest.raises(PermissionDenied):
        covenant_version_draft(actor=outsider, house=personas.house)


def test_publish_makes_the_version_immutable(personas: Personas, meeting_type: MeetingType) -> None:
    published = publish_covenant(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])
    assert published.published_at is not None and published.published_by is None
    rule = published.meeting_rules.get()
    actor = admin(personas)
    with pytest.raises(ServiceError):
        covenant_version_update(
            actor=actor,
            version=published,
            expected_version=None,
            effective_from=published.effective_from,
            approval_note="Anders",
            change_note="",
            purposes="Iets anders",
            participants=[],
        )
    with pytest.raises(ServiceError):
        covenant_rule_update(
            actor=actor,
            rule=rule,
            expected_version=None,
            legal_basis=LegalBasis.CONSENT,
            legal_basis_detail="",
            retention_years=2,
            cells={},
        )
    with pytest.raises(ServiceError):
        covenant_rule_remove(actor=actor, rule=rule)
    with pytest.raises(ServiceError):
        covenant_rule_add(actor=actor, version=published, meeting_type=MeetingTypeFactory(house=personas.house))
    with pytest.raises(ServiceError):
        covenant_version_publish(actor=actor, version=published)
    with pytest.raises(ServiceError):
        covenant_version_discard(actor=actor, version=published)
    published.refresh_from_db()
    rule.refresh_from_db()
    assert published.approval_note != "Anders" and published.purpose_list
    assert rule.legal_basis == LegalBasis.WGS and rule.retention_years == 7
    assert list(published.participants.values_list("organisation", flat=True)) == [personas.org_a.pk]


def test_new_version_copies_the_published_one(personas: Personas, meeting_type: MeetingType) -> None:
    draft = complete_draft(personas.house, participants=[personas.org_a, personas.org_b], meeting_types=[meeting_type])
    rule = draft.meeting_rules.get()
    cells = {(Sector.CARE, InformationCategory.POLICE_JUSTICE): (False, Visibility.NONE)}
    covenant_rule_update(
        actor=Actor.system(),
        rule=rule,
        expected_version=rule.version,
        legal_basis=LegalBasis.OTHER,
        legal_basis_detail="Convenant Veelplegers, art. 4",
        retention_years=3,
        cells=cells,
    )
    first = covenant_version_publish(actor=Actor.system(), version=draft)

    second = covenant_version_draft(actor=admin(personas), house=personas.house)

    assert second.number == 2 and second.is_draft
    assert second.purposes == first.purposes
    assert set(second.participants.values_list("organisation", flat=True)) == {personas.org_a.pk, personas.org_b.pk}
    copy = second.meeting_rules.get()
    assert copy.pk != rule.pk
    assert (copy.legal_basis, copy.legal_basis_detail, copy.retention_years) == (
        LegalBasis.OTHER,
        "Convenant Veelplegers, art. 4",
        3,
    )
    original_cells = {(c.sector, c.category, c.may_contribute, c.visibility) for c in rule.category_rules.all()}
    copied_cells = {(c.sector, c.category, c.may_contribute, c.visibility) for c in copy.category_rules.all()}
    assert copied_cells == original_cells
    assert (Sector.CARE, InformationCategory.POLICE_JUSTICE, False, Visibility.NONE) in copied_cells
    assert second.effective_from is None and second.approval_note == ""
    event = AuditEvent.objects.filter(object_type="privacy.covenantversion", object_id=str(second.pk)).get()
    assert event.changes["copied_from"] == [None, 1]


def test_editing_the_new_draft_leaves_the_published_version_alone(
    personas: Personas, meeting_type: MeetingType
) -> None:
    first = publish_covenant(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])
    second = covenant_version_draft(actor=admin(personas), house=personas.house)
    rule = second.meeting_rules.get()
    covenant_rule_update(
        actor=admin(personas),
        rule=rule,
        expected_version=rule.version,
        legal_basis=LegalBasis.CONSENT,
        legal_basis_detail="",
        retention_years=2,
        cells={(Sector.MUNICIPALITY, InformationCategory.CARE): (True, Visibility.FULL)},
    )
    untouched = first.meeting_rules.get()
    assert untouched.legal_basis == LegalBasis.WGS
    cell = untouched.category_rules.get(sector=Sector.MUNICIPALITY, category=InformationCategory.CARE)
    assert (cell.may_contribute, cell.visibility) == (False, Visibility.KNOWN_ONLY)


def test_rule_update_records_only_changed_cells(personas: Personas, meeting_type: MeetingType) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    rule = draft.meeting_rules.get()
    cells = default_cells()
    cells[(Sector.OTHER, InformationCategory.SCHOOL)] = (True, Visibility.KNOWN_ONLY)
    updated = covenant_rule_update(
        actor=admin(personas),
        rule=rule,
        expected_version=rule.version,
        legal_basis=LegalBasis.WGS,
        legal_basis_detail="art. 2.1",
        retention_years=7,
        cells=cells,
    )
    assert updated.version == rule.version + 1
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="privacy.covenantmeetingrule").get()
    assert event.changes["cells"] == {"other/school": [[False, Visibility.FULL], [True, Visibility.KNOWN_ONLY]]}
    assert event.changes["legal_basis_detail"] == ["", "art. 2.1"]


def test_stale_rule_form_is_refused_as_a_conflict(personas: Personas, meeting_type: MeetingType) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    rule = draft.meeting_rules.get()
    values = {
        "legal_basis": LegalBasis.WGS,
        "legal_basis_detail": "",
        "retention_years": 5,
        "cells": {},
    }
    covenant_rule_update(actor=admin(personas), rule=rule, expected_version=rule.version, **values)
    with pytest.raises(ConflictError):
        covenant_rule_update(
            actor=admin(personas), rule=rule, expected_version=rule.version, **{**values, "retention_years": 6}
        )


def test_stale_version_form_is_refused_as_a_conflict(personas: Personas) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    values = {
        "effective_from": None,
        "approval_note": "",
        "change_note": "",
        "purposes": "Doel",
        "participants": [personas.org_a],
    }
    covenant_version_update(actor=admin(personas), version=draft, expected_version=draft.version, **values)
    with pytest.raises(ConflictError):
        covenant_version_update(actor=admin(personas), version=draft, expected_version=draft.version, **values)


def test_other_legal_basis_needs_an_explanation(personas: Personas, meeting_type: MeetingType) -> None:
    rule = covenant_version_draft(actor=admin(personas), house=personas.house).meeting_rules.get()
    with pytest.raises(ValidationError) as excinfo:
        covenant_rule_update(
            actor=admin(personas),
            rule=rule,
            expected_version=None,
            legal_basis=LegalBasis.OTHER,
            legal_basis_detail="  ",
            retention_years=5,
            cells={},
        )
    assert "legal_basis_detail" in excinfo.value.error_dict


def test_participants_must_belong_to_the_house(personas: Personas) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    elsewhere = OrganisationFactory()
    with pytest.raises(ValidationError) as excinfo:
        covenant_version_update(
            actor=admin(personas),
            version=draft,
            expected_version=None,
            effective_from=None,
            approval_note="",
            change_note="",
            purposes="",
            participants=[personas.org_a, elsewhere],
        )
    assert "participants" in excinfo.value.error_dict


def test_a_meeting_type_of_another_house_cannot_be_added(personas: Personas) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    with pytest.raises(ValidationError):
        covenant_rule_add(actor=admin(personas), version=draft, meeting_type=MeetingTypeFactory())


def test_publish_lists_what_is_missing(personas: Personas) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    problems = publish_problems(draft)
    assert len(problems) == 4  # date, approval, participants, meeting types (purposes have defaults)
    with pytest.raises(ValidationError):
        covenant_version_publish(actor=admin(personas), version=draft)
    assert CovenantVersion.objects.get(pk=draft.pk).is_draft


def test_second_version_needs_a_change_note_and_a_later_date(personas: Personas, meeting_type: MeetingType) -> None:
    today = timezone.localdate()
    publish_covenant(personas.house, participants=[personas.org_a], meeting_types=[meeting_type], effective_from=today)
    draft = complete_draft(
        personas.house, participants=[personas.org_a], effective_from=today - dt.timedelta(days=1), change_note=""
    )
    problems = publish_problems(draft)
    assert any("wat er is gewijzigd" in problem for problem in problems)
    assert any("ingaan op of na" in problem for problem in problems)


def test_discard_removes_the_draft_and_its_rules(personas: Personas, meeting_type: MeetingType) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    covenant_version_discard(actor=admin(personas), version=draft)
    assert not CovenantVersion.objects.exists()
    assert not CovenantMeetingRule.objects.exists() and not CovenantCategoryRule.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="privacy.covenantversion").exists()


def test_rule_remove_and_add_again(personas: Personas, meeting_type: MeetingType) -> None:
    draft = covenant_version_draft(actor=admin(personas), house=personas.house)
    covenant_rule_remove(actor=admin(personas), rule=draft.meeting_rules.get())
    assert not draft.meeting_rules.exists()
    rule = covenant_rule_add(actor=admin(personas), version=draft, meeting_type=meeting_type)
    assert rule.retention_years == 7
    with pytest.raises(ValidationError):
        covenant_rule_add(actor=admin(personas), version=draft, meeting_type=meeting_type)
