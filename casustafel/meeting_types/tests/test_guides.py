"""Discussion guides as data: the shipped leidraad of seed 002 for MDA++, BOB for the other
types, and editing through a draft version that is then published."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from casustafel.audit.context import Actor
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.guide_services import (
    discussion_guides_install_default,
    guide_question_update,
    guide_version_draft,
    guide_version_publish,
    published_version,
)
from casustafel.meeting_types.models import Capture, GuideQuestion, PartKind, SafetyPhase
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides(personas):
    MeetingTypeFactory(house=personas.house, name="MDA++")
    MeetingTypeFactory(house=personas.house, name="Top-X")
    mda, top_x = discussion_guides_install_default(actor=actor_for(personas, "administrator"), house=personas.house)
    return mda, top_x


def _questions(version, safety_phase, kind):
    return list(
        GuideQuestion.objects.filter(
            part__phase__version=version, part__phase__safety_phase=safety_phase, part__kind=kind
        )
    )


def test_mda_gets_the_three_phase_leidraad_in_the_words_of_seed_002(guides):
    mda, _ = guides
    version = published_version(mda)
    assert version.number == 1
    assert [phase.safety_phase for phase in version.phases.all()] == list(SafetyPhase.values)
    direct = version.phases.get(safety_phase=SafetyPhase.DIRECT_SAFETY)
    assert [part.kind for part in direct.parts.all()] == [
        PartKind.BEFORE_HAND,
        PartKind.GOAL,
        PartKind.PICTURE,
        PartKind.SCALING,
        PartKind.JUDGEMENT,
        PartKind.DECISION,
    ]
    (scaling,) = _questions(version, SafetyPhase.DIRECT_SAFETY, PartKind.SCALING)
    assert scaling.text == "Op een schaal van 1-10 hoe bezorgd ben je over de directe veiligheid van de betrokkenen?"
    assert scaling.prompts[0] == "Wat is de onderbouwing voor het cijfer?"
    assert scaling.captures == [Capture.SCORES]
    recovery = version.phases.get(safety_phase=SafetyPhase.RECOVERY)
    assert recovery.parts.last().kind == PartKind.CLOSURE_PLAN
    # Phase 3 of the source has no "what if the bodemeisen are not met" under cooperation.
    cooperation = [
        q for q in _questions(version, SafetyPhase.RECOVERY, PartKind.DECISION) if q.text.startswith("Afspraken")
    ]
    assert "Wat doen we als de bodemeisen niet worden nagekomen?" not in cooperation[0].prompts


def test_other_types_get_a_bob_guide_without_phases(guides):
    _, top_x = guides
    (phase,) = published_version(top_x).phases.all()
    assert phase.safety_phase == ""
    captures = {c for q in GuideQuestion.objects.filter(part__phase=phase) for c in q.captures}
    assert {Capture.FACTS, Capture.SCORES, Capture.AGREEMENTS, Capture.REQUIREMENTS, Capture.BRAINSTORM} <= captures


def test_installing_twice_changes_nothing(personas, guides):
    again = discussion_guides_install_default(actor=Actor.system(), house=personas.house)
    assert [g.pk for g in again] == [g.pk for g in guides]
    assert published_version(guides[0]).number == 1


def test_a_guide_is_edited_in_a_draft_and_published_as_the_next_version(personas, guides):
    mda, _ = guides
    admin = actor_for(personas, "administrator")
    draft = guide_version_draft(actor=admin, guide=mda)
    assert draft.number == 2 and draft.is_draft
    assert guide_version_draft(actor=admin, guide=mda) == draft
    old = _questions(published_version(mda), SafetyPhase.DIRECT_SAFETY, PartKind.SCALING)[0]
    question = _questions(draft, SafetyPhase.DIRECT_SAFETY, PartKind.SCALING)[0]
    guide_question_update(
        actor=admin,
        question=question,
        expected_version=1,
        text="Hoe veilig is het nu (0-10)?",
        prompts=["Waarom?", " "],
    )
    with pytest.raises(ConflictError):
        guide_question_update(actor=admin, question=question, expected_version=1, text="Anders", prompts=[])
    with pytest.raises(ServiceError):
        guide_question_update(actor=admin, question=old, expected_version=None, text="Anders", prompts=[])
    with pytest.raises(ValidationError):
        guide_version_publish(actor=admin, version=draft, expected_version=2, change_note=" ")
    guide_version_publish(actor=admin, version=draft, expected_version=2, change_note="Schaal 0-10 zoals de rest")
    assert published_version(mda) == draft
    question.refresh_from_db()
    old.refresh_from_db()
    assert (question.text, question.prompts) == ("Hoe veilig is het nu (0-10)?", ["Waarom?"])
    assert old.text.startswith("Op een schaal van 1-10")


def test_only_administrators_of_the_house_edit_guides(personas, guides):
    for name in ("process_director", "secretary", "outsider_house"):
        with pytest.raises(PermissionDenied):
            guide_version_draft(actor=actor_for(personas, name), guide=guides[0])


def test_the_administrator_sees_the_guide_of_a_meeting_type_and_installs_a_missing_one(personas):
    meeting_type = MeetingTypeFactory(house=personas.house, name="MDA++")
    url = f"/overleggen/overlegtypen/{meeting_type.pk}/leidraad/"
    admin = personas.client("administrator")
    assert "Standaardleidraad instellen" in admin.get(url).content.decode()
    assert admin.post(url).status_code == 302
    page = admin.get(url).content.decode()
    assert "Leidraad Gezamenlijke Analyse en Planvorming" in page
    assert "Op een schaal van 1-10 hoe bezorgd ben je over de directe veiligheid van de betrokkenen?" in page
    for name in ("process_director", "secretary", "professional_a", "outsider_house"):
        assert personas.client(name).get(url).status_code == 404
        assert personas.client(name).post(url).status_code == 404
