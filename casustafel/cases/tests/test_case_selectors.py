"""Case selectors: on whose behalf a user sees a case (substitution), who manages
involvements, and the case roles."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from casustafel.cases.selectors.cases import (
    can_manage_involvements,
    has_case_role,
    involvement_contacts,
    involvement_organisations,
    substituted_user_for,
)
from casustafel.organisations.models import Role
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, SubstitutionFactory
from casustafel.testing.involvements import CaseSetting, end_involvement, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas) -> CaseSetting:
    return open_case(personas)


@pytest.fixture
def outside_substitute(personas):
    """A professional of an uninvolved organisation standing in for professional_a now."""
    org_d = OrganisationFactory(house=personas.house, name="Reclassering Testregio")
    user = personas.add("substitute", organisation=org_d, role=Role.PROFESSIONAL)
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=user)
    return user


def test_people_who_see_the_case_in_their_own_right_act_for_nobody(personas, setting):
    for name in ("process_director", "secretary", "professional_a", "ambassador_a"):
        assert substituted_user_for(personas.users[name], setting.case) is None


def test_a_colleague_standing_in_who_sees_it_anyway_acts_for_nobody(personas, setting):
    # The substitution service allows only colleagues of the same organisation: they see the
    # organisation's cases in their own right.
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a)
    assert substituted_user_for(personas.ambassador_a, setting.case) is None


def test_someone_who_sees_the_case_only_as_substitute_acts_for_the_absent_colleague(
    personas, setting, outside_substitute
):
    assert substituted_user_for(outside_substitute, setting.case) == personas.professional_a


def test_no_one_to_act_for_outside_the_window_or_after_the_involvement(personas, setting, outside_substitute):
    later = timezone.now() + dt.timedelta(days=30)
    assert substituted_user_for(outside_substitute, setting.case, at=later) is None
    end_involvement(personas, setting.case.involvements.get())
    assert substituted_user_for(outside_substitute, setting.case) is None


def test_a_substitution_for_an_uninvolved_colleague_gives_nothing(personas, setting):
    org_d = OrganisationFactory(house=personas.house)
    user = personas.add("substitute", organisation=org_d, role=Role.PROFESSIONAL)
    SubstitutionFactory(absent_membership=personas.memberships["professional_b"], substitute=user)
    assert substituted_user_for(user, setting.case) is None


def test_house_staff_manage_involvements_of_their_house_only(personas, setting):
    assert can_manage_involvements(personas.process_director, setting.case)
    assert can_manage_involvements(personas.secretary, setting.case)
    for name in ("house_manager", "professional_a", "board_member", "outsider_house"):
        assert not can_manage_involvements(personas.users[name], setting.case)


def test_case_roles(personas):
    for name in ("process_director", "secretary", "professional_a", "professional_b"):
        assert has_case_role(personas.users[name])
    for name in ("house_manager", "administrator", "privacy_officer", "board_member", "outsider_house"):
        assert not has_case_role(personas.users[name])


def test_involvement_choices_are_the_active_partners_of_the_house(personas, setting):
    OrganisationFactory(house=personas.house, inactive=True, name="Opgeheven stichting")
    MembershipFactory(organisation=personas.org_b, ended=True)
    names = {org.name for org in involvement_organisations(setting.case)}
    assert {"Veilig Thuis Testregio", "Politie Testregio", "Gemeente Teststad"} <= names
    assert personas.office.name not in names and "Opgeheven stichting" not in names
    assert all(org.house_id == personas.house.pk for org in involvement_organisations(setting.case))
    contacts = {membership.user for membership in involvement_contacts(setting.case)}
    assert contacts == {personas.professional_a, personas.ambassador_a, personas.professional_b}


def test_a_substitute_whose_own_membership_ended_loses_access_at_once(personas, setting, outside_substitute):
    """Issue 7, point 14: the window alone does not keep a former colleague in."""
    from casustafel.cases.models import Case
    from casustafel.privacy.provenance.access import case_viewer

    assert Case.objects.visible_to(outside_substitute).filter(pk=setting.case.pk).exists()
    membership = personas.memberships["substitute"]
    membership.end_date = timezone.localdate() - dt.timedelta(days=1)
    membership.save()
    assert not Case.objects.visible_to(outside_substitute).filter(pk=setting.case.pk).exists()
    assert substituted_user_for(outside_substitute, setting.case) is None
    assert case_viewer(outside_substitute, setting.case) is None
    client = personas.client("substitute")
    assert client.get(f"/casussen/{setting.case.pk}/").status_code == 404


def test_a_substitute_still_working_in_the_house_keeps_the_window(personas, setting, outside_substitute):
    membership = personas.memberships["substitute"]
    membership.end_date = timezone.localdate()  # ends tonight: still working today
    membership.save()
    assert substituted_user_for(outside_substitute, setting.case) == personas.professional_a
