"""A client under a processing restriction (AVG art. 18) is not invited by default when a case
goes on an agenda: recording them would be new information about them, which
`client_participation_update` refuses, so the defaults must save as they are. The reason is
shown on the item page and next to their name in the form."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

import pytest

from casustafel.cases.models import PartyRole
from casustafel.meetings.forms.meetings import ClientParticipationForm
from casustafel.meetings.models import AgendaItem
from casustafel.meetings.selectors.meetings import item_helpers
from casustafel.meetings.services.meetings import RESTRICTED_REASON
from casustafel.testing.meetings import house_case, on_agenda, party, plan_meeting
from casustafel.testing.personas import Personas
from casustafel.testing.sar import restrict

pytestmark = pytest.mark.django_db


def _defaults_as_posted(item: AgendaItem) -> dict[str, Any]:
    """What the participation form posts when the user saves it without changing anything."""
    initial = ClientParticipationForm.initial_for(item.client_participation, item_helpers(item))
    return {name: ("" if value is None else value) for name, value in initial.items()}


def _save_defaults(personas: Personas, item: AgendaItem) -> Any:
    url = reverse("meetings:client_participation_edit", args=[item.meeting_id, item.pk])
    client = personas.client("secretary")
    assert client.get(url).status_code == 200
    return client.post(url, _defaults_as_posted(item))


def test_a_restricted_client_is_left_out_of_the_default_invitation(personas: Personas) -> None:
    case = house_case(personas)
    victim = party(case, PartyRole.VICTIM)
    restrict(personas, victim.person)

    item = on_agenda(personas, plan_meeting(personas), case)

    participation = item.client_participation
    assert participation.clients_invited
    assert {p.role for p in participation.invited_parties.all()} == {PartyRole.SUBJECT, PartyRole.PERPETRATOR}
    assert victim not in item.parts.get().clients.all()


def test_the_first_save_of_the_defaults_works_and_the_reason_is_shown(personas: Personas) -> None:
    case = house_case(personas)
    victim = party(case, PartyRole.VICTIM)
    restrict(personas, victim.person)
    item = on_agenda(personas, plan_meeting(personas), case)

    url = reverse("meetings:client_participation_edit", args=[item.meeting_id, item.pk])
    form_page = personas.client("secretary").get(url).content.decode()
    assert f"{victim.person.full_name} (Slachtoffer) — verwerking beperkt (AVG art. 18): niet uitgenodigd" in form_page

    response = _save_defaults(personas, item)
    assert response.status_code == 302

    page = personas.client("secretary").get(response["Location"]).content.decode()
    assert "Niet uitgenodigd: verwerking beperkt" in page
    assert f"{victim.person.full_name} (Slachtoffer)" in page


def test_when_every_client_is_restricted_they_are_not_invited_with_the_reason(personas: Personas) -> None:
    case = house_case(personas, household=False)
    subject = party(case, PartyRole.SUBJECT)
    restrict(personas, subject.person)

    item = on_agenda(personas, plan_meeting(personas), case)

    participation = item.client_participation
    assert not participation.clients_invited
    assert participation.not_invited_reason == RESTRICTED_REASON
    assert not participation.invited_parties.exists()
    assert _save_defaults(personas, item).status_code == 302


def test_without_restrictions_the_whole_household_is_invited(personas: Personas) -> None:
    item = on_agenda(personas, plan_meeting(personas), house_case(personas))

    assert item.client_participation.clients_invited
    assert item.client_participation.invited_parties.count() == 3
    assert item.client_participation.not_invited_reason == ""
