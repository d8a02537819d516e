"""Scenario helpers for referral tests: actors for personas, and a house set up to refer in
(a meeting type with input requirements and a municipality)."""

from __future__ import annotations

from dataclasses import dataclass

from casustafel.audit.context import Actor
from casustafel.cases.models import Referral
from casustafel.meeting_types.models import InputRequirementCheck, MeetingType, RequirementStage
from casustafel.organisations.models import Organisation
from casustafel.testing.cases import InputRequirementFactory, MeetingTypeFactory, ReferralFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas


def actor_for(personas: Personas, name: str) -> Actor:
    """The actor a persona's requests act as (their only membership)."""
    return Actor(user=personas.users[name], membership=personas.memberships[name])


@dataclass
class ReferralSetting:
    meeting_type: MeetingType
    municipality: Organisation


def referral_setting(personas: Personas, *, first_contact_hours: int = 48) -> ReferralSetting:
    """A Casus-op-Maat meeting type asking, before triage, for the concern, a known subject,
    problems on two life domains, the response term and sources; before agenda, prior actions,
    the municipality and consent. And the municipality the households live in."""
    meeting_type = MeetingTypeFactory(
        house=personas.house, name="Casus-op-Maat", first_contact_hours=first_contact_hours
    )
    before_triage = [
        InputRequirementCheck.CONCERN_DESCRIBED,
        InputRequirementCheck.SUBJECT_KNOWN,
        InputRequirementCheck.LIFE_DOMAINS,
        InputRequirementCheck.RESPONSE_TERM,
        InputRequirementCheck.SOURCES,
    ]
    for check in before_triage:
        InputRequirementFactory(
            meeting_type=meeting_type,
            requirement=check,
            stage=RequirementStage.BEFORE_TRIAGE,
            minimum=2 if check == InputRequirementCheck.LIFE_DOMAINS else 1,
        )
    for check in (
        InputRequirementCheck.PRIOR_ACTIONS,
        InputRequirementCheck.MUNICIPALITY,
        InputRequirementCheck.CONSENT,
        InputRequirementCheck.HOUSEHOLD_COMPLETE,
    ):
        InputRequirementFactory(meeting_type=meeting_type, requirement=check, stage=RequirementStage.BEFORE_AGENDA)
    municipality = OrganisationFactory(house=personas.house, municipality=True, name="Gemeente Teststad")
    return ReferralSetting(meeting_type=meeting_type, municipality=municipality)


def referral_of(
    personas: Personas, setting: ReferralSetting, *, referrer: str = "professional_a", **kwargs: object
) -> Referral:
    """A referral by a persona for their organisation (a draft unless `submitted=True`)."""
    membership = personas.memberships[referrer]
    return ReferralFactory(
        referrer=personas.users[referrer],
        referring_organisation=membership.organisation,
        meeting_type=setting.meeting_type,
        **kwargs,
    )
