"""Helpers for retention tests: a case full of personal data (parties with BSNs, free texts,
a triage, an involvement, a fact and an attachment file), closing it through the service,
and the aggregate figures reports are built from."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from casustafel.cases.models import (
    Case,
    CaseInvolvement,
    CaseStatus,
    CriterionVerdict,
    LifeDomainProblem,
    PartyRole,
    Person,
    Referral,
    ReferralStatus,
    Routing,
    Triage,
)
from casustafel.cases.services.closing import case_close
from casustafel.meeting_types.models import Criterion, MeetingType
from casustafel.organisations.models import Organisation
from casustafel.testing.cases import (
    CaseFactory,
    CasePartyFactory,
    InformationRequestFactory,
    LifeDomainProblemFactory,
    PersonFactory,
    PriorActionFactory,
    ReferralFactory,
    TriageFactory,
)
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

SUBJECT_BSN = "111222333"
CONCERN = "Moeder Sanne de Vries wordt bedreigd door haar ex-partner; de kinderen zijn getuige."


def rich_case(
    personas: Personas,
    *,
    meeting_type: MeetingType,
    municipality: Organisation | None = None,
    subject: Person | None = None,
    with_information: bool = True,
) -> Case:
    """An active case of the house, referred by professional_a (org_a, involved), with personal
    data in every place destruction must reach."""
    house = personas.house
    referral = ReferralFactory(
        referrer=personas.professional_a,
        referring_organisation=personas.org_a,
        meeting_type=meeting_type,
        municipality=municipality,
        submitted=True,
        status=ReferralStatus.ACCEPTED,
        concern=CONCERN,
        concern_source="Melding van de wijkagent over Sanne de Vries",
        consent="not_asked",
        consent_note="Niet gevraagd: acuut gevaar voor Sanne en de kinderen",
    )
    subject = subject or PersonFactory(
        house=house, given_names="Sanne", surname="Vries", surname_prefix="de", with_bsn=SUBJECT_BSN
    )
    child = PersonFactory(house=house, given_names="Noor", surname="Vries", surname_prefix="de")
    CasePartyFactory(referral=referral, person=subject, role=PartyRole.SUBJECT, note="Moeder")
    CasePartyFactory(referral=referral, person=child, role=PartyRole.CHILD, note="Dochter van Sanne")
    LifeDomainProblemFactory(
        referral=referral, person=subject, description="Sanne heeft schulden bij de woningcorporatie."
    )
    PriorActionFactory(referral=referral, description="Gesprekken met Sanne door het wijkteam.")
    InformationRequestFactory(
        referral=referral, answered=True, asked_by=personas.process_director, question="Is Sanne bekend bij de GGZ?"
    )
    triage = TriageFactory(
        referral=referral,
        decided=True,
        outcome=Routing.ACCEPT,
        outcome_reason="Aangenomen: Sanne en de kinderen lopen gevaar.",
        criteria_version__criteria_set__house=house,
    )
    criterion = Criterion.objects.create(version=triage.criteria_version, code="a", label="Meervoudig", text="...")
    CriterionVerdict.objects.create(triage=triage, criterion=criterion, verdict="meets", reason="Sanne: schulden.")
    case = CaseFactory(
        referral=referral,
        house=house,
        meeting_type=meeting_type,
        process_director=personas.process_director,
        municipality=municipality,
        opened_at=timezone.now() - dt.timedelta(days=200),
    )
    CaseInvolvement.objects.create(
        case=case,
        organisation=personas.org_a,
        reason="Veilig Thuis begeleidt Sanne",
        started_at=case.opened_at,
        added_by=personas.process_director,
    )
    if with_information:
        from casustafel.testing.information import AttachmentFactory, CaseFactFactory

        CaseFactFactory(case=case, person=subject, organisation=personas.org_a, text="Sanne is verhuisd.")
        AttachmentFactory(case=case, person=subject, organisation=personas.org_a, original_filename="sanne.pdf")
    return case


def close(personas: Personas, case: Case, *, closed_on: dt.date | None = None, reason: str = "Doelen bereikt") -> Case:
    """Close the case as the process director would."""
    return case_close(
        actor=actor_for(personas, "process_director"),
        case=Case.objects.get(pk=case.pk),
        reason=reason,
        closed_on=closed_on or timezone.localdate(),
    )


def aggregates() -> dict[str, Any]:
    """The figures reports count, which destruction (of cases and of referrals without a case)
    must not change. A destroyed case counts as ended, like a closed one; a destroyed referral
    keeps its status, route, municipality, meeting type and dates."""
    ended = {CaseStatus.CLOSED: "ended", CaseStatus.DESTROYED: "ended", CaseStatus.ACTIVE: "active"}
    return {
        "referrals": Counter(
            Referral.objects.values_list(
                "house",
                "entry_route",
                "status",
                "meeting_type",
                "municipality",
                "referring_organisation",
                "submitted_at",
                "first_contact_due_at",
                "first_contact_at",
                "response_due_at",
                "outcome_at",
            )
        ),
        "cases": Counter(
            (case.meeting_type_id, case.municipality_id, ended[CaseStatus(case.status)], case.opened_at.year)
            for case in Case.objects.all()
        ),
        "closed_on": Counter(case.closed_at.date() for case in Case.objects.exclude(closed_at=None)),
        "entry_routes": Counter(Referral.objects.values_list("entry_route", flat=True)),
        "referral_statuses": Counter(Referral.objects.values_list("status", flat=True)),
        "life_domains": Counter(LifeDomainProblem.objects.values_list("domain", flat=True)),
        "outcomes": Counter(Triage.objects.values_list("outcome", flat=True)),
        "involvements": Counter(CaseInvolvement.objects.values_list("organisation_id", flat=True)),
    }
