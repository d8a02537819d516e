"""Helpers for the retention of referrals that never become a case: a referral full of personal
data (parties with a BSN, free texts, a question, a triage), decided without a case through the
retention service, a stale draft and a referral waiting for an answer, and the job."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import CriterionVerdict, PartyRole, Person, Referral, ReferralStatus, Routing
from casustafel.cases.services.closing import referral_retention_set
from casustafel.meeting_types.models import Criterion, MeetingType
from casustafel.organisations.models import Organisation
from casustafel.privacy.covenant.services import covenant_rule_update, covenant_version_publish
from casustafel.privacy.models import CovenantVersion
from casustafel.testing.cases import (
    CasePartyFactory,
    InformationRequestFactory,
    LifeDomainProblemFactory,
    PersonFactory,
    PriorActionFactory,
    ReferralFactory,
    TriageFactory,
)
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import complete_draft
from casustafel.testing.referrals import actor_for

REFERRAL_BSN = "123456782"
REFERRAL_CONCERN = "Kees Bakker wordt door zijn broer bedreigd; hij slaapt in zijn auto."
ROUTING_OF = {
    ReferralStatus.STEPPED_DOWN: Routing.STEP_DOWN_LOCAL,
    ReferralStatus.REFERRED_RIEC: Routing.REFER_RIEC,
    ReferralStatus.REJECTED: Routing.REJECT,
}


def rich_referral(
    personas: Personas,
    *,
    meeting_type: MeetingType | None,
    status: str = ReferralStatus.SUBMITTED,
    municipality: Organisation | None = None,
    subject: Person | None = None,
    answered: bool = True,
) -> Referral:
    """A referral of professional_a (org_a) with personal data everywhere destruction must
    reach: two parties (the subject with a BSN), a life-domain problem, a prior action and an
    information request (`answered` or not). Submitted unless `status` is draft."""
    draft = status == ReferralStatus.DRAFT
    referral = ReferralFactory(
        referrer=personas.professional_a,
        referring_organisation=personas.org_a,
        meeting_type=meeting_type,
        municipality=municipality,
        submitted=not draft,
        status=status,
        concern=REFERRAL_CONCERN,
        concern_source="Melding van de wijkagent over Kees Bakker",
        consent="not_asked",
        consent_note="Niet gevraagd: Kees is onvindbaar",
    )
    subject = subject or PersonFactory(
        house=personas.house, given_names="Kees", surname="Bakker", with_bsn=REFERRAL_BSN
    )
    brother = PersonFactory(house=personas.house, given_names="Piet", surname="Bakker")
    CasePartyFactory(referral=referral, person=subject, role=PartyRole.SUBJECT, note="Dakloos")
    CasePartyFactory(referral=referral, person=brother, role=PartyRole.PERPETRATOR, note="Broer van Kees")
    LifeDomainProblemFactory(referral=referral, person=subject, description="Kees heeft geen woning.")
    PriorActionFactory(referral=referral, description="Gesprek met Kees door het wijkteam.")
    if not draft:
        InformationRequestFactory(
            referral=referral,
            answered=answered,
            asked_by=personas.process_director,
            question="Waar verblijft Kees nu?",
        )
    return Referral.objects.get(pk=referral.pk)


def decided_referral(
    personas: Personas,
    *,
    meeting_type: MeetingType | None,
    status: str = ReferralStatus.REJECTED,
    decided_on: dt.date | None = None,
    **kwargs: object,
) -> Referral:
    """A rich referral decided without a case (stepped down, RIEC, rejected) on `decided_on`
    (today by default), with a triage and a verdict reason, given its keep-until date by the
    retention service as `triage_decide` does."""
    day = decided_on or timezone.localdate()
    referral = rich_referral(personas, meeting_type=meeting_type, status=status, **kwargs)  # type: ignore[arg-type]
    triage = TriageFactory(
        referral=referral,
        decided=True,
        outcome=ROUTING_OF[ReferralStatus(status)],
        outcome_reason="Niet aangenomen: Kees heeft vooral een woning nodig.",
        criteria_version__criteria_set__house=personas.house,
    )
    criterion = Criterion.objects.create(version=triage.criteria_version, code="a", label="Meervoudig", text="...")
    CriterionVerdict.objects.create(
        triage=triage, criterion=criterion, verdict="does_not_meet", reason="Kees: alleen wonen."
    )
    outcome_at = (
        timezone.now() if day == timezone.localdate() else timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    )
    Referral.objects.filter(pk=referral.pk).update(outcome_at=outcome_at)
    referral_retention_set(
        actor=actor_for(personas, "process_director"),
        referral=Referral.objects.get(pk=referral.pk),
        decided_on=day,
    )
    return Referral.objects.get(pk=referral.pk)


def run_retention_job(*args: str) -> str:
    """Run `destroy_expired_cases` and return what it printed."""
    out = io.StringIO()
    call_command("destroy_expired_cases", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def publish_term(personas: Personas, meeting_type: MeetingType, years: int, **kwargs: object) -> CovenantVersion:
    """Publish a covenant for the house in which `meeting_type` is kept `years` years."""
    draft = complete_draft(
        personas.house, participants=[personas.org_a, personas.office], meeting_types=[meeting_type], **kwargs
    )  # type: ignore[arg-type]
    rule = draft.meeting_rules.get(meeting_type=meeting_type)
    covenant_rule_update(
        actor=Actor.system(),
        rule=rule,
        expected_version=None,
        legal_basis=rule.legal_basis,
        legal_basis_detail="",
        retention_years=years,
        cells={},
    )
    return covenant_version_publish(actor=Actor.system(), version=draft)
