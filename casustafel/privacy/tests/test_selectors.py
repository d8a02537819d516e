from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Sector
from casustafel.privacy.covenant.selectors import covenant_document, covenant_rules_for, version_in_force
from casustafel.privacy.covenant.services import covenant_rule_update, covenant_version_draft, covenant_version_publish
from casustafel.privacy.models import InformationCategory as Cat
from casustafel.privacy.models import LegalBasis, Visibility
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import complete_draft, publish_covenant


def test_without_a_covenant_everything_is_denied(personas: Personas, meeting_type: MeetingType) -> None:
    rules = covenant_rules_for(personas.house, meeting_type)
    assert not rules.covered
    assert rules.version_id is None
    for sector in Sector.values:
        for category in Cat.values:
            assert not rules.may_contribute(sector, category)
            assert rules.visibility(sector, category) == Visibility.NONE
    assert not rules.organisation_may_contribute(personas.org_a, Cat.IDENTIFICATION)


def test_a_draft_is_not_in_force(personas: Personas, meeting_type: MeetingType) -> None:
    complete_draft(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])
    assert not covenant_rules_for(personas.house, meeting_type).covered


def test_rules_of_the_published_version(personas: Personas, meeting_type: MeetingType) -> None:
    version = publish_covenant(
        personas.house, participants=[personas.org_a, personas.org_b], meeting_types=[meeting_type]
    )

    rules = covenant_rules_for(personas.house, meeting_type)

    assert rules.covered
    assert (rules.version_id, rules.version_number) == (version.pk, 1)
    assert rules.legal_basis == LegalBasis.WGS
    assert rules.retention_years == 7
    assert rules.participant_ids == {personas.org_a.pk, personas.org_b.pk}
    # The defaults: justice information from criminal justice, care information known-only outside care.
    assert rules.may_contribute(Sector.CRIMINAL_JUSTICE, Cat.POLICE_JUSTICE)
    assert not rules.may_contribute(Sector.CARE, Cat.POLICE_JUSTICE)
    assert rules.visibility(Sector.CARE, Cat.CARE) == Visibility.FULL
    assert rules.visibility(Sector.CRIMINAL_JUSTICE, Cat.CARE) == Visibility.KNOWN_ONLY
    # org_a is care (Veilig Thuis), org_b police.
    assert rules.organisation_may_contribute(personas.org_a, Cat.CARE)
    assert not rules.organisation_may_contribute(personas.org_b, Cat.CARE)
    assert rules.organisation_visibility(personas.org_b, Cat.CARE) == Visibility.KNOWN_ONLY
    police = rules.sectors[Sector.CRIMINAL_JUSTICE]
    assert str(Cat.POLICE_JUSTICE.label) in police.contributed_labels
    assert str(Cat.CARE.label) in police.known_only_labels


def test_organisations_outside_the_covenant_get_nothing(personas: Personas, meeting_type: MeetingType) -> None:
    publish_covenant(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])
    rules = covenant_rules_for(personas.house, meeting_type)
    assert rules.may_contribute(Sector.CRIMINAL_JUSTICE, Cat.POLICE_JUSTICE)
    assert not rules.is_participant(personas.org_b)
    assert not rules.organisation_may_contribute(personas.org_b, Cat.POLICE_JUSTICE)
    assert rules.organisation_visibility(personas.org_b, Cat.IDENTIFICATION) == Visibility.NONE


def test_meeting_type_without_agreements_is_not_covered(personas: Personas, meeting_type: MeetingType) -> None:
    publish_covenant(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])
    later = MeetingTypeFactory(house=personas.house, name="Top-X")
    rules = covenant_rules_for(personas.house, later)
    assert not rules.covered
    assert rules.version_number == 1
    assert not rules.may_contribute(Sector.CARE, Cat.IDENTIFICATION)


def test_rules_follow_the_version_in_force_on_the_day(personas: Personas, meeting_type: MeetingType) -> None:
    today = timezone.localdate()
    publish_covenant(
        personas.house,
        participants=[personas.org_a],
        meeting_types=[meeting_type],
        effective_from=today - dt.timedelta(days=30),
    )
    draft = covenant_version_draft(actor=Actor.system(), house=personas.house)
    rule = draft.meeting_rules.get()
    covenant_rule_update(
        actor=Actor.system(),
        rule=rule,
        expected_version=None,
        legal_basis=LegalBasis.CONSENT,
        legal_basis_detail="",
        retention_years=2,
        cells={(Sector.MUNICIPALITY, Cat.CARE): (False, Visibility.FULL)},
    )
    complete_draft(personas.house, participants=[personas.org_a], effective_from=today + dt.timedelta(days=10))
    covenant_version_publish(actor=Actor.system(), version=draft)

    now_rules = covenant_rules_for(personas.house, meeting_type)
    assert now_rules.version_number == 1 and now_rules.legal_basis == LegalBasis.WGS
    assert now_rules.visibility(Sector.MUNICIPALITY, Cat.CARE) == Visibility.KNOWN_ONLY
    future = covenant_rules_for(personas.house, meeting_type.pk, on=today + dt.timedelta(days=10))
    assert future.version_number == 2 and future.legal_basis == LegalBasis.CONSENT and future.retention_years == 2
    assert future.visibility(Sector.MUNICIPALITY, Cat.CARE) == Visibility.FULL
    past = covenant_rules_for(personas.house.pk, meeting_type, on=today - dt.timedelta(days=31))
    assert not past.covered and past.version_id is None


def test_covenant_document_flags_organisations_that_do_not_take_part(
    personas: Personas, meeting_type: MeetingType
) -> None:
    OrganisationFactory(house=personas.house, name="Oude partner", inactive=True)
    version = publish_covenant(personas.house, participants=[personas.org_a], meeting_types=[meeting_type])
    unused = MeetingTypeFactory(house=personas.house, name="Nazorg")

    document = covenant_document(version)

    assert document.participants == [personas.org_a]
    assert set(document.non_participants) == {personas.office, personas.org_b}
    assert "Oude partner" not in [row.organisation.name for row in document.organisations]
    assert document.uncovered_meeting_types == [unused]
    assert len(document.meeting_rules) == 1 and len(document.meeting_rules[0].rows) == len(Cat.values)
    assert version_in_force(personas.house) == version


def test_covenant_document_reads_in_bounded_queries(
    personas: Personas, meeting_type: MeetingType, django_assert_max_num_queries
) -> None:
    for index in range(5):
        MeetingTypeFactory(house=personas.house, name=f"Overleg {index}")
    version = publish_covenant(personas.house, participants=[personas.org_a])
    version = type(version).objects.select_related("covenant__house").get(pk=version.pk)
    with django_assert_max_num_queries(6):
        document = covenant_document(version)
        assert len(document.meeting_rules) == 6
