"""An empty POST is a submitted form: it is validated and shows what is missing, never the
blank form again as if nothing was sent."""

from __future__ import annotations

from django.urls import reverse

import pytest

from casustafel.meeting_types.models import CriteriaSet, MeetingType
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

REQUIRED = "Dit veld is verplicht."


def test_empty_post_to_new_meeting_type_shows_the_required_fields(personas: Personas) -> None:
    response = personas.client("administrator").post(reverse("meetings:meeting_type_create"), {})

    assert response.status_code == 200
    assert REQUIRED in response.content.decode()
    assert not MeetingType.objects.filter(house=personas.house).exists()


def test_empty_post_to_a_meeting_type_edit_shows_errors_and_changes_nothing(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, name="Zorgoverleg huiselijk geweld")

    response = personas.client("administrator").post(reverse("meetings:meeting_type_edit", args=[meeting_type.pk]), {})

    assert response.status_code == 200
    assert REQUIRED in response.content.decode()
    meeting_type.refresh_from_db()
    assert meeting_type.name == "Zorgoverleg huiselijk geweld"


def test_empty_post_to_new_criteria_set_shows_the_required_name(personas: Personas) -> None:
    response = personas.client("administrator").post(reverse("cases:criteria_set_create"), {})

    assert response.status_code == 200
    assert REQUIRED in response.content.decode()
    assert not CriteriaSet.objects.filter(house=personas.house).exists()
