"""Involvement services: who may add and end them, the Dutch validation, the audit trail, and
what an involvement does to visibility over time (need-to-know bounded in time)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseInvolvement, CaseStatus
from casustafel.cases.services.cases import case_involvement_add, case_involvement_end
from casustafel.lib.errors import ServiceError
from casustafel.organisations.models import Role
from casustafel.testing.factories import MembershipFactory, OrganisationFactory
from casustafel.testing.involvements import CaseSetting, involve, open_case
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas) -> CaseSetting:
    return open_case(personas)


def visible(personas, name: str, at: dt.datetime | None = None) -> bool:
    return Case.objects.visible_to(personas.users[name], at=at).exists()


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_opening_a_case_involves_the_referring_organisation(personas, setting):
    involvement = setting.case.involvements.get()
    assert involvement.organisation == personas.org_a
    assert involvement.contact == personas.professional_a
    assert visible(personas, "professional_a") and visible(personas, "ambassador_a")
    assert not visible(personas, "professional_b")


def test_adding_an_organisation_lets_its_people_see_the_case_and_is_audited(personas, setting):
    involvement = case_involvement_add(
        actor=actor_for(personas, "secretary"),
        case=setting.case,
        organisation=personas.org_b,
        reason="Politie: huiselijk geweld",
        contact=personas.professional_b,
    )
    assert visible(personas, "professional_b")
    event = AuditEvent.objects.get(object_type="cases.caseinvolvement", object_id=str(involvement.pk))
    assert event.action == AuditAction.CREATE
    assert event.case_id == setting.case.pk
    assert event.actor == personas.secretary
    assert event.changes["organisation"] == [None, personas.org_b.pk]
    assert event.changes["reason"] == [None, "Politie: huiselijk geweld"]


def test_ending_an_involvement_takes_the_case_out_of_sight_and_is_audited(personas, setting):
    involvement = setting.case.involvements.get()
    case_involvement_end(
        actor=actor_for(personas, "process_director"), involvement=involvement, end_reason="Aanpak overgedragen"
    )
    assert not visible(personas, "professional_a")
    assert visible(personas, "process_director") and visible(personas, "secretary")
    involvement.refresh_from_db()
    assert involvement.ended_at is not None and involvement.end_reason == "Aanpak overgedragen"
    event = AuditEvent.objects.filter(object_type="cases.caseinvolvement", action=AuditAction.UPDATE).get()
    assert set(event.changes) == {"ended_at", "end_reason"}
    assert event.case_id == setting.case.pk


def test_visibility_follows_the_period_of_involvement(personas, setting):
    start = timezone.now() + dt.timedelta(days=2)
    involvement = case_involvement_add(
        actor=actor_for(personas, "process_director"),
        case=setting.case,
        organisation=personas.org_b,
        reason="Vanaf de zitting",
        started_at=start,
    )
    assert not visible(personas, "professional_b")  # not yet
    assert visible(personas, "professional_b", at=start + dt.timedelta(hours=1))
    with time_machine.travel(start + dt.timedelta(days=1)):
        case_involvement_end(
            actor=actor_for(personas, "process_director"), involvement=involvement, end_reason="Zitting geweest"
        )
        ended_at = CaseInvolvement.objects.get(pk=involvement.pk).ended_at
    assert visible(personas, "professional_b", at=ended_at - dt.timedelta(seconds=1))
    assert not visible(personas, "professional_b", at=ended_at)
    assert not visible(personas, "professional_b", at=ended_at + dt.timedelta(days=30))


@pytest.mark.parametrize("name", ["professional_a", "ambassador_a", "house_manager", "administrator", "board_member"])
def test_only_house_staff_manage_involvements(personas, setting, name):
    with pytest.raises(PermissionDenied):
        involve_as = actor_for(personas, name)
        case_involvement_add(actor=involve_as, case=setting.case, organisation=personas.org_b, reason="Nodig")
    with pytest.raises(PermissionDenied):
        case_involvement_end(
            actor=actor_for(personas, name), involvement=setting.case.involvements.get(), end_reason="Klaar"
        )
    assert setting.case.involvements.count() == 1


def test_staff_of_another_house_cannot_manage_involvements(personas, setting):
    other_office = personas.memberships["outsider_house"].organisation
    personas.add("elsewhere_director", organisation=other_office, role=Role.PROCESS_DIRECTOR)
    with pytest.raises(PermissionDenied):
        case_involvement_add(
            actor=actor_for(personas, "elsewhere_director"),
            case=setting.case,
            organisation=personas.org_b,
            reason="Nodig",
        )


def test_an_organisation_already_involved_is_refused(personas, setting):
    with pytest.raises(ValidationError) as excinfo:
        involve(personas, setting.case, personas.org_a)
    assert errors_of(excinfo) == {"organisation": ["Deze organisatie is al betrokken bij de casus."]}


def test_an_organisation_whose_end_lies_ahead_is_still_involved(personas, setting):
    involvement = setting.case.involvements.get()
    case_involvement_end(
        actor=actor_for(personas, "process_director"),
        involvement=involvement,
        end_reason="Overdracht volgende week",
        ended_at=timezone.now() + dt.timedelta(days=7),
    )
    with pytest.raises(ValidationError) as excinfo:
        involve(personas, setting.case, personas.org_a)
    assert "organisation" in errors_of(excinfo)


def test_an_organisation_can_be_involved_again_after_it_left(personas, setting):
    involvement = setting.case.involvements.get()
    case_involvement_end(actor=actor_for(personas, "process_director"), involvement=involvement, end_reason="Klaar")
    again = involve(personas, setting.case, personas.org_a, reason="Nieuwe melding")
    assert again.pk != involvement.pk
    assert visible(personas, "professional_a")


def test_another_houses_organisation_is_refused(personas, setting):
    elsewhere = OrganisationFactory(house=personas.memberships["outsider_house"].organisation.house)
    with pytest.raises(ValidationError) as excinfo:
        involve(personas, setting.case, elsewhere)
    assert errors_of(excinfo) == {
        "organisation": ["Deze organisatie hoort niet bij het Zorg- en Veiligheidshuis van de casus."]
    }


def test_the_house_office_is_not_added(personas, setting):
    with pytest.raises(ValidationError) as excinfo:
        involve(personas, setting.case, personas.office)
    assert "Het bureau van het huis ziet de casus al" in errors_of(excinfo)["organisation"][0]


def test_the_contact_must_be_a_member_of_the_organisation(personas, setting):
    with pytest.raises(ValidationError) as excinfo:
        case_involvement_add(
            actor=actor_for(personas, "process_director"),
            case=setting.case,
            organisation=personas.org_b,
            reason="Nodig",
            contact=personas.professional_a,
        )
    assert errors_of(excinfo) == {
        "contact": ["De contactpersoon moet een actieve medewerker van deze organisatie zijn."]
    }


def test_an_ended_membership_does_not_make_a_contact(personas, setting):
    former = MembershipFactory(organisation=personas.org_b, ended=True).user
    with pytest.raises(ValidationError) as excinfo:
        case_involvement_add(
            actor=actor_for(personas, "process_director"),
            case=setting.case,
            organisation=personas.org_b,
            reason="Nodig",
            contact=former,
        )
    assert "contact" in errors_of(excinfo)


def test_a_reason_is_required_and_a_start_before_the_case_is_refused(personas, setting):
    with pytest.raises(ValidationError) as excinfo:
        case_involvement_add(
            actor=actor_for(personas, "process_director"),
            case=setting.case,
            organisation=personas.org_b,
            reason="  ",
            started_at=setting.case.opened_at - dt.timedelta(days=3),
        )
    errors = errors_of(excinfo)
    assert errors["reason"] == ["Schrijf op waarom deze organisatie bij de casus betrokken moet zijn."]
    assert errors["started_at"][0].startswith("De betrokkenheid kan niet beginnen vóór de casus is geopend")
    assert setting.case.involvements.count() == 1


def test_an_end_before_the_start_is_refused(personas, setting):
    involvement = setting.case.involvements.get()
    with pytest.raises(ValidationError) as excinfo:
        case_involvement_end(
            actor=actor_for(personas, "process_director"),
            involvement=involvement,
            end_reason="",
            ended_at=involvement.started_at - dt.timedelta(days=1),
        )
    errors = errors_of(excinfo)
    assert errors["ended_at"][0].startswith("Het einde ligt vóór het begin van de betrokkenheid")
    assert errors["end_reason"] == ["Schrijf op waarom de betrokkenheid van deze organisatie eindigt."]
    assert CaseInvolvement.objects.get(pk=involvement.pk).ended_at is None


def test_an_involvement_is_ended_once(personas, setting):
    involvement = setting.case.involvements.get()
    actor = actor_for(personas, "process_director")
    case_involvement_end(actor=actor, involvement=involvement, end_reason="Klaar")
    with pytest.raises(ServiceError, match="al beëindigd"):
        case_involvement_end(actor=actor, involvement=involvement, end_reason="Nog eens")


def test_no_organisation_joins_a_closed_case(personas, setting):
    Case.objects.filter(pk=setting.case.pk).update(status=CaseStatus.CLOSED)
    with pytest.raises(ServiceError, match="niet meer actief"):
        involve(personas, setting.case, personas.org_b)
