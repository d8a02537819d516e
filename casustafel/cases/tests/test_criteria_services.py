"""Criteria sets: the default set of Bijlage 5, versioning, editing a draft, publishing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases import criteria_logic
from casustafel.cases.defaults import DEFAULT_SET_NAME
from casustafel.cases.selectors.triage import current_version, tree_of
from casustafel.cases.services.criteria import (
    criteria_set_create,
    criteria_set_install_default,
    criteria_version_discard,
    criteria_version_draft,
    criteria_version_publish,
    criteria_version_update,
    criterion_add,
    criterion_remove,
    criterion_update,
)
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import CriteriaSet, CriteriaSetVersion, Criterion
from casustafel.testing.referrals import actor_for
from casustafel.testing.triage import decide, triage_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(personas):
    return actor_for(personas, "administrator")


@pytest.fixture
def default_set(personas, admin):
    return criteria_set_install_default(actor=admin, house=personas.house)


def test_default_set_is_published_version_1_with_criteria_a_to_e(default_set):
    version = current_version(default_set.pk)
    assert version.number == 1
    assert version.published_at is not None
    assert "Werkinstructie maart 2014" in version.source
    roots = tree_of(version)
    assert [root.code for root in roots] == ["a", "b", "c", "d", "e"]


def test_default_criterion_a_encodes_the_multiproblem_definition_as_or_of_and(default_set):
    a = tree_of(current_version(default_set.pk))[0]
    assert a.combinator == criteria_logic.ANY
    parts, area = a.children
    assert parts.combinator == criteria_logic.ALL
    assert [leaf.code for leaf in parts.children] == ["a1", "a2", "a3"]
    assert area.code == "a4"
    assert parts.children[0].text.startswith("Er is sprake van meerdere problemen op meer dan één leefgebied")
    assert "(minimaal dwang en drang)" in parts.children[1].text
    assert "(gezins)systeem" in parts.children[2].text
    assert area.text.startswith("Er is sprake van ernstige lokale of gebiedsgebonden veiligheidsproblematiek")


def test_default_criteria_keep_the_seed_wording(default_set):
    texts = dict(Criterion.objects.filter(version__criteria_set=default_set).values_list("code", "text"))
    assert texts["a"] == (
        "Is er sprake van multiproblem/complexiteit conform de definitie van het Landelijk Kader Veiligheidshuizen?"
    )
    assert texts["b"] == (
        "Is er lokaal al voldoende mee gedaan, bv. in een lokaal zorgoverleg of lokaal door OOV met de politie?"
    )
    assert texts["c"] == "Is er actualiteit?"
    assert texts["d"].endswith("Dus ligt de oplossing van de casus in een verbinding tussen zorg en straf/dwang?")
    assert texts["e"].startswith("Voorafgaand aan behandeling in het Veiligheidshuis: is er voldoende (essentiële)")


def test_installing_the_default_twice_keeps_one_set(personas, admin, default_set):
    again = criteria_set_install_default(actor=admin, house=personas.house)
    assert again.pk == default_set.pk
    assert CriteriaSet.objects.filter(house=personas.house, name=DEFAULT_SET_NAME).count() == 1
    assert CriteriaSetVersion.objects.filter(criteria_set=default_set).count() == 1


def test_installing_the_default_is_audited(default_set):
    version = current_version(default_set.pk)
    event = AuditEvent.objects.get(object_type="meeting_types.criteriasetversion", object_id=str(version.pk))
    assert event.action == AuditAction.CREATE
    assert event.changes["criteria"][1][:2] == ["a", "a1-a3"]


def test_only_administrators_of_the_house_install_criteria(personas):
    with pytest.raises(PermissionDenied):
        criteria_set_install_default(actor=actor_for(personas, "process_director"), house=personas.house)
    with pytest.raises(PermissionDenied):
        criteria_set_install_default(actor=actor_for(personas, "outsider_house"), house=personas.house)


def test_editing_creates_draft_version_2_copying_the_tree(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    assert draft.number == 2
    assert draft.published_at is None
    v1, v2 = tree_of(current_version(default_set.pk)), tree_of(draft)
    assert [(n.code, n.combinator) for n in v2] == [(n.code, n.combinator) for n in v1]
    assert [c.code for c in v2[0].children[0].children] == ["a1", "a2", "a3"]
    assert current_version(default_set.pk).number == 1, "a draft is not in force"


def test_asking_to_edit_again_reopens_the_same_draft(admin, default_set):
    first = criteria_version_draft(actor=admin, criteria_set=default_set)
    assert criteria_version_draft(actor=admin, criteria_set=default_set).pk == first.pk


def test_publishing_version_2_makes_it_current_and_keeps_version_1(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    c = draft.criteria.get(code="c")
    criterion_update(actor=admin, criterion=c, label="Is er sprake van urgentie?", text="Er is sprake van urgentie.")
    criteria_version_update(
        actor=admin, version=draft, combinator="all", source="Evaluatie 2014", change_note="c vervangen door urgentie."
    )
    criteria_version_publish(actor=admin, version=draft)
    assert current_version(default_set.pk).pk == draft.pk
    v1 = default_set.versions.get(number=1)
    assert v1.criteria.get(code="c").label == "Is er actualiteit?"
    assert draft.criteria.get(code="c").label == "Is er sprake van urgentie?"


def test_version_2_needs_a_change_note(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    with pytest.raises(ValidationError) as exc:
        criteria_version_publish(actor=admin, version=draft)
    assert "Schrijf bij de toelichting wat er is gewijzigd en waarom." in exc.value.messages


def test_published_versions_cannot_be_edited(admin, default_set):
    version = current_version(default_set.pk)
    with pytest.raises(ServiceError):
        criterion_update(actor=admin, criterion=version.criteria.get(code="b"), label="Anders")
    with pytest.raises(ServiceError):
        criterion_add(actor=admin, version=version, code="f", label="Nieuw", text="Nieuw criterium.")
    with pytest.raises(ServiceError):
        criterion_remove(actor=admin, criterion=version.criteria.get(code="b"))
    with pytest.raises(ServiceError):
        criteria_version_publish(actor=admin, version=version)


def test_adding_a_part_needs_a_parent_with_en_or_of(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    with pytest.raises(ValidationError) as exc:
        criterion_add(actor=admin, version=draft, parent=draft.criteria.get(code="b"), code="b1", label="x", text="x")
    assert "parent" in exc.value.message_dict
    part = criterion_add(
        actor=admin, version=draft, parent=draft.criteria.get(code="a1-a3"), code="a5", label="Nieuw", text="Nieuw."
    )
    assert part.position == 4


def test_codes_are_unique_within_a_version(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    with pytest.raises(ValidationError) as exc:
        criterion_add(actor=admin, version=draft, code="B", label="Dubbel", text="Dubbel.")
    assert exc.value.message_dict["code"] == ["Deze code komt al voor in deze versie."]


def test_removing_a_criterion_removes_its_parts(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    criterion_remove(actor=admin, criterion=draft.criteria.get(code="a"))
    assert sorted(draft.criteria.values_list("code", flat=True)) == ["b", "c", "d", "e"]
    event = AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="meeting_types.criterion").latest(
        "sequence"
    )
    assert sorted(event.changes["removed_codes"][0]) == ["a", "a1", "a1-a3", "a2", "a3", "a4"]


def test_an_en_without_parts_cannot_be_published(admin, personas):
    criteria_set = criteria_set_create(actor=admin, house=personas.house, name="Criteria Top-X")
    draft = criteria_set.versions.get()
    criterion_add(actor=admin, version=draft, code="a", label="Samengesteld", text="…", combinator="all")
    with pytest.raises(ValidationError) as exc:
        criteria_version_publish(actor=admin, version=draft)
    assert exc.value.messages == ["Criterium a heeft een samenstelling (EN/OF) maar geen onderdelen."]


def test_an_empty_version_cannot_be_published(admin, personas):
    criteria_set = criteria_set_create(actor=admin, house=personas.house, name="Leeg")
    with pytest.raises(ValidationError):
        criteria_version_publish(actor=admin, version=criteria_set.versions.get())


def test_removing_en_or_of_from_a_criterion_with_parts_is_refused(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    with pytest.raises(ValidationError) as exc:
        criterion_update(actor=admin, criterion=draft.criteria.get(code="a"), combinator="")
    assert "combinator" in exc.value.message_dict


def test_a_draft_can_be_discarded(admin, default_set):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    criteria_version_discard(actor=admin, version=draft)
    assert list(default_set.versions.values_list("number", flat=True)) == [1]
    assert criteria_version_draft(actor=admin, criteria_set=default_set).number == 2


def test_a_triage_on_version_1_keeps_version_1_after_version_2(personas, admin):
    setting = triage_setting(personas)
    triage = decide(personas, setting, outcome="reject")
    criteria_set = setting.version.criteria_set
    draft = criteria_version_draft(actor=admin, criteria_set=criteria_set)
    criteria_version_update(actor=admin, version=draft, combinator="all", source="", change_note="Nieuw.")
    criteria_version_publish(actor=admin, version=draft)
    triage.refresh_from_db()
    assert triage.criteria_version.number == 1
    assert {v.criterion.version_id for v in triage.verdicts.select_related("criterion")} == {setting.version.pk}


def test_system_actor_may_install_for_the_demo(personas):
    criteria_set = criteria_set_install_default(actor=Actor.system(), house=personas.house)
    assert criteria_set.house == personas.house


def test_a_stale_criterion_edit_raises_a_conflict_and_changes_nothing(default_set, admin):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    criterion = draft.criteria.get(code="c")
    loaded = criterion.revision
    criterion_update(actor=admin, criterion=criterion, expected_version=loaded, label="Is er urgentie?")
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError, match="dit criterium intussen gewijzigd"):
        criterion_update(actor=admin, criterion=criterion, expected_version=loaded, label="Iets anders")
    criterion.refresh_from_db()
    assert criterion.label == "Is er urgentie?"
    assert criterion.revision == loaded + 1
    assert AuditEvent.objects.count() == events
    criterion_update(actor=admin, criterion=criterion, expected_version=loaded + 1, label="Iets anders")
    criterion.refresh_from_db()
    assert criterion.label == "Iets anders"


def test_a_stale_edit_of_the_draft_settings_raises_a_conflict_and_changes_nothing(default_set, admin):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    loaded = draft.version
    criteria_version_update(
        actor=admin, version=draft, expected_version=loaded, combinator="all", source="Bron A", change_note="Eerst."
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError, match="deze versie intussen gewijzigd"):
        criteria_version_update(
            actor=admin, version=draft, expected_version=loaded, combinator="any", source="Bron B", change_note="Later."
        )
    draft.refresh_from_db()
    assert (draft.combinator, draft.source, draft.change_note) == ("all", "Bron A", "Eerst.")
    assert draft.version == loaded + 1
    assert AuditEvent.objects.count() == events


def test_an_unchanged_save_keeps_the_version(default_set, admin):
    draft = criteria_version_draft(actor=admin, criteria_set=default_set)
    criterion = draft.criteria.get(code="b")
    criterion_update(actor=admin, criterion=criterion, expected_version=criterion.revision, label=criterion.label)
    assert Criterion.objects.get(pk=criterion.pk).revision == criterion.revision
