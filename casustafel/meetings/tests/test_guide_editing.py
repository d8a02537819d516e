"""The administrator edits a discussion guide on screen: a draft copy of the version in use,
its phases, parts and questions saved one form at a time (audited, refused with the input kept
when another administrator changed the draft meanwhile), then published as the next version."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.meeting_types.guide_services import discussion_guides_install_default, published_version
from casustafel.meeting_types.models import DiscussionGuide, DiscussionGuideVersion, GuidePart, GuideQuestion
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(personas: Personas) -> DiscussionGuide:
    MeetingTypeFactory(house=personas.house, name="Top-X")
    (top_x,) = discussion_guides_install_default(actor=actor_for(personas, "administrator"), house=personas.house)
    return top_x


def _draft(client: Client, guide: DiscussionGuide) -> DiscussionGuideVersion:
    response = client.post(reverse("meetings:guide_draft", args=[guide.meeting_type_id]))
    assert response.status_code == 302
    return guide.versions.get(published_at__isnull=True)


def _change(client: Client, guide: DiscussionGuide, kind: str, pk: int, **values: Any) -> Any:
    url = reverse("meetings:guide_draft_change", args=[guide.meeting_type_id, kind, pk])
    return client.post(url, {f"{kind}-{pk}-{name}": value for name, value in values.items()})


def _first_question(version: DiscussionGuideVersion) -> GuideQuestion:
    return GuideQuestion.objects.filter(part__phase__version=version).order_by("part__position", "position").first()  # type: ignore[return-value]


def test_the_administrator_edits_a_draft_and_publishes_it_as_the_next_version(
    personas: Personas, guide: DiscussionGuide
) -> None:
    admin = personas.client("administrator")
    in_use = published_version(guide)
    assert in_use is not None
    guide_page = reverse("meetings:meeting_type_guide", args=[guide.meeting_type_id])
    assert "Een nieuwe versie maken en bewerken" in admin.get(guide_page).content.decode()
    draft = _draft(admin, guide)
    assert draft.number == in_use.number + 1
    page = admin.get(reverse("meetings:guide_draft", args=[guide.meeting_type_id]))
    assert page.status_code == 200
    assert f"Concept versie {draft.number} van de gespreksleidraad van Top-X" in page.content.decode()

    question = _first_question(draft)
    response = _change(
        admin,
        guide,
        "vraag",
        question.pk,
        text="Wat is er sinds vorige keer gebeurd?",
        prompts="Bij wie?\n\nWanneer?",
        version=draft.version,
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.prompts) == ("Wat is er sinds vorige keer gebeurd?", ["Bij wie?", "Wanneer?"])
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="meeting_types.guidequestion").count() == 1

    draft.refresh_from_db()
    part = GuidePart.objects.filter(phase__version=draft).order_by("position").first()
    assert part is not None
    response = _change(admin, guide, "onderdeel", part.pk, title="Beeld van nu", intro="Kort.", version=draft.version)
    assert response.status_code == 302
    part.refresh_from_db()
    assert (part.title, part.intro) == ("Beeld van nu", "Kort.")

    draft.refresh_from_db()
    phase = part.phase
    assert _change(admin, guide, "fase", phase.pk, title="Bespreking", version=draft.version).status_code == 302
    phase.refresh_from_db()
    assert phase.title == "Bespreking"

    # The version in use did not change.
    assert _first_question(in_use).text != "Wat is er sinds vorige keer gebeurd?"

    draft.refresh_from_db()
    publish = reverse("meetings:guide_draft_publish", args=[guide.meeting_type_id])
    refused = admin.post(publish, {"change_note": " ", "version": draft.version})
    assert "Schrijf op wat er in deze versie is veranderd." in refused.content.decode()
    assert admin.post(publish, {"change_note": "Vragen korter", "version": draft.version}).status_code == 302
    assert published_version(guide) == draft
    assert "Wat is er sinds vorige keer gebeurd?" in admin.get(guide_page).content.decode()
    # Published: nothing left to edit until a new draft is made.
    assert admin.get(reverse("meetings:guide_draft", args=[guide.meeting_type_id])).status_code == 404
    assert _change(admin, guide, "vraag", question.pk, text="Anders", version=draft.version).status_code == 404


def test_an_empty_question_is_refused_next_to_the_field_with_the_input_kept(
    personas: Personas, guide: DiscussionGuide
) -> None:
    admin = personas.client("administrator")
    draft = _draft(admin, guide)
    question = _first_question(draft)
    response = _change(admin, guide, "vraag", question.pk, text=" ", prompts="Mijn deelvraag", version=draft.version)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vul de vraag in." in html
    assert "Mijn deelvraag" in html


def test_a_change_by_another_administrator_is_not_overwritten(personas: Personas, guide: DiscussionGuide) -> None:
    admin = personas.client("administrator")
    draft = _draft(admin, guide)
    loaded = draft.version
    question, other = GuideQuestion.objects.filter(part__phase__version=draft).order_by("pk")[:2]
    assert _change(admin, guide, "vraag", other.pk, text="Eerst opgeslagen", version=loaded).status_code == 302

    response = _change(admin, guide, "vraag", question.pk, text="Mijn versie", prompts="", version=loaded)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mijn versie" in html  # what was typed is still there
    question.refresh_from_db()
    assert question.text != "Mijn versie"
    draft.refresh_from_db()
    # The form now carries the current version: saving again overwrites knowingly.
    assert f'name="vraag-{question.pk}-version" value="{draft.version}"' in html


def test_only_administrators_of_the_house_edit_guides(personas: Personas, guide: DiscussionGuide) -> None:
    draft = _draft(personas.client("administrator"), guide)
    question = _first_question(draft)
    for name in ("process_director", "secretary", "professional_a", "outsider_house"):
        client = personas.client(name)
        assert client.get(reverse("meetings:guide_draft", args=[guide.meeting_type_id])).status_code == 404
        assert _change(client, guide, "vraag", question.pk, text="X", version=draft.version).status_code == 404
        publish = reverse("meetings:guide_draft_publish", args=[guide.meeting_type_id])
        assert client.post(publish, {"change_note": "X", "version": draft.version}).status_code == 404
    question.refresh_from_db()
    assert question.text != "X"
