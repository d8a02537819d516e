"""In a request the need-to-know querysets read the user's memberships and stand-ins as the
request loaded them (`request_memberships`, `request_stand_ins`): the same cases, for now
only. Earlier or later moments, and user objects outside a request, ask the database."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from casustafel.accounts.models import User
from casustafel.cases.models import Case, Referral
from casustafel.organisations.models import Role
from casustafel.organisations.selectors import is_request_now, remember_request_memberships
from casustafel.testing.factories import SubstitutionFactory
from casustafel.testing.involvements import open_case
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db


def _in_a_request(user: User) -> User:
    fresh = User.objects.get(pk=user.pk)
    remember_request_memberships(fresh)
    return fresh


def test_the_request_memberships_answer_for_now_only(personas: Personas) -> None:
    user = personas.professional_a
    assert not is_request_now(user, None)  # no request: the database answers
    loaded = _in_a_request(user)
    assert is_request_now(loaded, None)
    assert is_request_now(loaded, timezone.now())
    assert not is_request_now(loaded, timezone.now() - dt.timedelta(hours=1))
    assert not is_request_now(loaded, timezone.now() + dt.timedelta(hours=1))


@pytest.mark.parametrize(
    "name", ["process_director", "secretary", "professional_a", "professional_b", "ambassador_a", "stand_in"]
)
def test_a_request_sees_the_same_cases_and_referrals_as_the_database_says(personas: Personas, name: str) -> None:
    setting = open_case(personas)
    stand_in = personas.add("stand_in", organisation=personas.org_b, role=Role.PROFESSIONAL)
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=stand_in)
    user = personas.users[name]
    loaded = _in_a_request(user)
    assert set(Case.objects.visible_to(loaded)) == set(Case.objects.visible_to(user))
    assert set(Referral.objects.visible_to(loaded)) == set(Referral.objects.visible_to(user))
    if name in ("process_director", "professional_a", "stand_in"):
        assert setting.case in Case.objects.visible_to(loaded)


def test_a_past_moment_is_asked_of_the_database(personas: Personas) -> None:
    setting = open_case(personas)
    loaded = _in_a_request(personas.professional_a)
    before = setting.case.opened_at - dt.timedelta(days=400)
    assert set(Case.objects.visible_to(loaded, at=before)) == set(
        Case.objects.visible_to(personas.professional_a, at=before)
    )
