"""Scenario helpers for triage tests: a house with the default criteria (Bijlage 5) on its
Casus-op-Maat meeting type, a submitted referral by professional_a, and verdict builders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import PartyRole, Referral, Triage
from casustafel.cases.services.criteria import criteria_set_install_default
from casustafel.cases.services.triage import VerdictInput, triage_decide
from casustafel.meeting_types.models import CriteriaSetVersion, Criterion, MeetingType
from casustafel.organisations.models import Organisation
from casustafel.testing.cases import CasePartyFactory, LifeDomainProblemFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for, referral_of, referral_setting


@dataclass
class TriageSetting:
    meeting_type: MeetingType
    municipality: Organisation
    version: CriteriaSetVersion
    referral: Referral

    def criterion(self, code: str) -> Criterion:
        return self.version.criteria.get(code=code)

    @property
    def leaf_codes(self) -> list[str]:
        return [c.code for c in self.version.criteria.filter(children__isnull=True).order_by("position", "pk")]


def triage_setting(personas: Personas) -> TriageSetting:
    """A submitted referral of professional_a (org_a) to the house's Casus-op-Maat meeting
    type, which weighs on the default criteria a-e, version 1."""
    setting = referral_setting(personas)
    criteria_set = criteria_set_install_default(actor=Actor.system(), house=personas.house)
    setting.meeting_type.criteria_set = criteria_set
    setting.meeting_type.save()
    referral = referral_of(personas, setting, submitted=True, municipality=setting.municipality)
    CasePartyFactory(referral=referral, role=PartyRole.SUBJECT)
    LifeDomainProblemFactory(referral=referral)
    return TriageSetting(
        meeting_type=setting.meeting_type,
        municipality=setting.municipality,
        version=criteria_set.versions.get(number=1),
        referral=referral,
    )


def verdicts_for(
    version: CriteriaSetVersion, default: str = "meets", reason: str = "Blijkt uit de aanmelding.", **by_code: str
) -> dict[int, VerdictInput]:
    """A verdict with a reason for every leaf of the version; `a2="does_not_meet"` overrides."""
    leaves = Criterion.objects.filter(version=version, children__isnull=True)
    return {leaf.pk: VerdictInput(verdict=by_code.get(leaf.code, default), reason=reason) for leaf in leaves}


def post_data(version: CriteriaSetVersion, referral: Referral, default: str = "meets", **overrides: Any) -> dict:
    """Triage form data: every leaf with a verdict and a reason, plus `overrides`."""
    data: dict[str, Any] = {"referral_version": referral.version, "criteria_version": version.pk}
    for pk, given in verdicts_for(version, default).items():
        data[f"verdict_{pk}"] = given.verdict
        data[f"reason_{pk}"] = given.reason
    data.update(overrides)
    return data


def decide(
    personas: Personas, setting: TriageSetting, *, outcome: str, actor: str = "process_director", **kwargs: Any
) -> Triage:
    """Decide the setting's referral with all criteria met unless `verdicts` is given."""
    referral = Referral.objects.get(pk=setting.referral.pk)
    values: dict[str, Any] = {
        "verdicts": verdicts_for(setting.version),
        "team_members": [],
        "outcome_reason": "Toelichting voor de aanmelder.",
    }
    if outcome == "accept":
        values.update(
            meeting_type=setting.meeting_type,
            process_director=personas.process_director,
            first_meeting_date=timezone.localdate() + dt.timedelta(days=7),
        )
    if outcome == "need_more_information":
        values["question"] = "Wat heeft het sociaal wijkteam al gedaan?"
    values.update(kwargs)
    return triage_decide(
        actor=actor_for(personas, actor),
        referral=referral,
        expected_referral_version=referral.version,
        triage=None,
        expected_version=None,
        criteria_version=setting.version,
        outcome=outcome,
        **values,
    )
