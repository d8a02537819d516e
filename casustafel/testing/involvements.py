"""Factories and scenario helpers for case pages and need-to-know: involvements of
organisations in a case, and a case opened through triage (so the referring organisation is
involved as `case_open` makes it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

import factory

from casustafel.accounts.models import User
from casustafel.cases.models import Case, CaseInvolvement, Referral
from casustafel.cases.services.cases import case_involvement_add, case_involvement_end
from casustafel.organisations.models import Organisation
from casustafel.testing.cases import CaseFactory
from casustafel.testing.factories import OrganisationFactory, UserFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for
from casustafel.testing.triage import TriageSetting, decide, triage_setting


class CaseInvolvementFactory(factory.django.DjangoModelFactory):
    """An organisation involved in a case since now; `ended=True` has left it."""

    class Meta:
        model = CaseInvolvement

    case = factory.SubFactory(CaseFactory)
    organisation = factory.SubFactory(OrganisationFactory, house=factory.SelfAttribute("..case.house"))
    reason = "Reclasseringstoezicht"
    started_at = factory.LazyFunction(timezone.now)
    added_by = factory.SubFactory(UserFactory)

    class Params:
        ended = factory.Trait(ended_at=factory.LazyFunction(timezone.now), end_reason="Toezicht afgerond")


@dataclass
class CaseSetting:
    """A case opened by accepting professional_a's referral: org_a is involved."""

    triage: TriageSetting
    case: Case

    @property
    def referral(self) -> Referral:
        return self.triage.referral


def open_case(personas: Personas) -> CaseSetting:
    """professional_a (org_a) refers, the process director accepts: the case is opened by
    `case_open`, which involves org_a."""
    setting = triage_setting(personas)
    decide(personas, setting, outcome="accept")
    return CaseSetting(triage=setting, case=Case.objects.get(referral=setting.referral))


def involve(
    personas: Personas,
    case: Case,
    organisation: Organisation,
    *,
    reason: str = "Reclasseringstoezicht op vader",
    named: Sequence[User] = (),
) -> CaseInvolvement:
    """Involve `organisation` now, as the process director would, naming `named`."""
    return case_involvement_add(
        actor=actor_for(personas, "process_director"),
        case=case,
        organisation=organisation,
        reason=reason,
        named_people=named,
    )


def end_involvement(personas: Personas, involvement: CaseInvolvement, *, reason: str = "Toezicht afgerond") -> None:
    case_involvement_end(actor=actor_for(personas, "process_director"), involvement=involvement, end_reason=reason)
