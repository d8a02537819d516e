"""Demo data-subject rights and referral retention, so the privacy officer's start page and pages
show work: an open subject access request with a legal exception, an answered one followed by a
rectification note and an active restriction mark, and a forgotten draft referral due for destruction within a month.

Through the services of `casustafel.privacy.subject_access.services`, acting as the house's privacy officer;
the draft's dates are moved with the audited `demo_dates_set`. Deterministic (persons and the
draft are chosen by fixed rules, oldest first) and idempotent: a house that has a subject access
request already is left alone. Runs last in `build_demo_region`: once a person's processing is
restricted, the services refuse new information about them.

Why a draft and not a decided referral: a referral decided without a case is kept for the
meeting type's term (five years) from the decision, and the demo's decisions lie within the past
two years, so none is due soon. A draft is destroyed `REFERRAL_STALE_MONTHS` (12) months after
its last activity; dating one half-filled draft back to just under that falls within the
two-year timeline and changes nothing the referral demo tests count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.cases.models import PartyRole, Person, Referral, ReferralStatus
from casustafel.demo.services import demo_dates_set
from casustafel.demo.transactions import story
from casustafel.lib.dates import add_months
from casustafel.organisations.models import Membership, Role
from casustafel.privacy.retention.selectors import stale_months
from casustafel.privacy.subject_access.models import (
    ExceptionGround,
    IdentityCheck,
    RectificationDecision,
    RectificationNote,
    Requester,
    RestrictionGround,
    RestrictionMark,
    SarStatus,
    SubjectAccessRequest,
)
from casustafel.privacy.subject_access.services import (
    rectification_note_record,
    restriction_mark_add,
    sar_exception_add,
    subject_access_request_create,
    subject_access_request_update,
)

if TYPE_CHECKING:
    from casustafel.demo.builder import DemoRegion, Writer

SYSTEM = Actor.system()
SAR_RECEIVED_DAYS_AGO = 10  # due one month after receipt: about three weeks from today
EXCEPTION_REVIEW_DAYS = 60
PROVIDED_RECEIVED_DAYS_AGO = 40  # answered before the term ended; the rectification followed
RESTRICTION_DAYS = 42
DRAFT_DUE_IN_DAYS = 18  # the stale draft's keep-until date, counted from today
POLICE_KEY = "police"

EXCEPTION_NOTE = (
    "De politie heeft laten weten dat er een strafrechtelijk onderzoek loopt; haar informatie wordt "
    "achtergehouden tot de officier van justitie heeft beslist."
)
DISPUTED = "Betrokkene betwist aanwezig te zijn geweest bij het incident op het woonadres dat de aanmelding noemt."
STATEMENT = "Ik was die avond niet thuis maar bij mijn broer in Huizen. Ik wil dat dit bij mijn gegevens wordt vermeld."
PROVIDED_NOTE = "Overzicht per post verstuurd naar het woonadres."
RESTRICTION_NOTE = "Beperkt zolang de aanmelder de betwiste aanwezigheid bij het incident nagaat."


@dataclass
class DemoPrivacy:
    """What `build_demo_privacy` made (all None when the house had a request already)."""

    request: SubjectAccessRequest | None = None
    note: RectificationNote | None = None
    mark: RestrictionMark | None = None
    stale_draft: Referral | None = None


def build_demo_privacy(region: DemoRegion, *, stdout: Writer | None = None) -> DemoPrivacy:
    """Add the privacy officer's demo work to the demo house, once."""
    house = region.house
    if SubjectAccessRequest.objects.filter(house=house).exists():
        return DemoPrivacy()
    officer = region.actor(region.staff(Role.PRIVACY_OFFICER))
    today = timezone.localdate()
    result = DemoPrivacy()
    with story():
        police = region.organisations.get(POLICE_KEY)
        requester = _sar_person(region, police_id=police.pk if police else None)
        if requester is not None:
            result.request = _open_request(region, officer, requester, today)
        restricted = _restriction_person(region, exclude=requester)
        if restricted is not None:
            provided = _provided_request(region, officer, restricted, today)
            result.note = rectification_note_record(
                actor=officer,
                person=restricted,
                disputed=DISPUTED,
                decision=RectificationDecision.NOTE_ADDED,
                statement=STATEMENT,
                request=provided,
            )
            result.mark = restriction_mark_add(
                actor=officer,
                person=restricted,
                request=provided,
                ground=RestrictionGround.ACCURACY_CONTESTED,
                starts_on=today,
                ends_on=today + dt.timedelta(days=RESTRICTION_DAYS),
                note=RESTRICTION_NOTE,
            )
        result.stale_draft = _date_stale_draft(region, today)
    if stdout is not None:
        made = [result.request, result.note, result.mark, result.stale_draft]
        stdout.write(
            f"  {sum(item is not None for item in made)} privacy items "
            "(subject access request, rectification note, restriction mark, stale draft)\n"
        )
    return result


def _sar_person(region: DemoRegion, *, police_id: int | None) -> Person | None:
    """The subject of the oldest case the police is involved in (else of the oldest case)."""
    subjects = Person.objects.filter(
        house=region.house,
        merged_into__isnull=True,
        parties__role=PartyRole.SUBJECT,
        parties__referral__case__isnull=False,
    )
    if police_id is not None:
        with_police = subjects.filter(parties__referral__case__involvements__organisation=police_id)
        if with_police.exists():
            subjects = with_police
    return subjects.order_by("parties__referral__case__opened_at", "pk").first()


def _open_request(region: DemoRegion, officer: Actor, person: Person, today: dt.date) -> SubjectAccessRequest:
    request = subject_access_request_create(
        actor=officer,
        house=region.house,
        person=person,
        received_on=today - dt.timedelta(days=SAR_RECEIVED_DAYS_AGO),
        requester=Requester.PERSON,
        identity_check=IdentityCheck.ID_DOCUMENT,
    )
    request = subject_access_request_update(
        actor=officer,
        request=request,
        expected_version=request.version,
        status=SarStatus.IN_PROGRESS,
        identity_check=IdentityCheck.ID_DOCUMENT,
        handled_by=request.handled_by,
    )
    police = region.organisations.get(POLICE_KEY)
    if police is not None:
        sar_exception_add(
            actor=officer,
            request=request,
            ground=ExceptionGround.CRIMINAL_INVESTIGATION,
            organisations=[police],
            note=EXCEPTION_NOTE,
            review_on=today + dt.timedelta(days=EXCEPTION_REVIEW_DAYS),
        )
    return SubjectAccessRequest.objects.get(pk=request.pk)


def _provided_request(region: DemoRegion, officer: Actor, person: Person, today: dt.date) -> SubjectAccessRequest:
    """An earlier request, answered: reading the overview, the person disputed a point."""
    request = subject_access_request_create(
        actor=officer,
        house=region.house,
        person=person,
        received_on=today - dt.timedelta(days=PROVIDED_RECEIVED_DAYS_AGO),
        requester=Requester.PERSON,
        identity_check=IdentityCheck.DIGID,
    )
    return subject_access_request_update(
        actor=officer,
        request=request,
        expected_version=request.version,
        status=SarStatus.PROVIDED,
        identity_check=IdentityCheck.DIGID,
        handled_by=request.handled_by,
        decision_note=PROVIDED_NOTE,
    )


def _restriction_person(region: DemoRegion, *, exclude: Person | None) -> Person | None:
    """The subject of the oldest rejected referral who appears in no other referral: no later
    demo step adds anything about them."""
    candidates = Person.objects.filter(
        house=region.house,
        merged_into__isnull=True,
        parties__role=PartyRole.SUBJECT,
        parties__referral__status=ReferralStatus.REJECTED,
    ).order_by("parties__referral__outcome_at", "pk")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    return next((person for person in candidates if person.parties.count() == 1), None)


def _date_stale_draft(region: DemoRegion, today: dt.date) -> Referral | None:
    """Date the oldest half-filled draft (no parties yet) back so that its keep-until date, last
    activity plus `REFERRAL_STALE_MONTHS`, falls `DRAFT_DUE_IN_DAYS` from today. Only a draft
    whose referrer already worked there then."""
    day = add_months(today, -stale_months()) + dt.timedelta(days=DRAFT_DUE_IN_DAYS)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 15)))
    drafts = Referral.objects.filter(
        house=region.house, status=ReferralStatus.DRAFT, parties__isnull=True, case__isnull=True
    ).order_by("pk")
    for draft in drafts:
        membership = Membership.objects.filter(
            user=draft.referrer_id, organisation=draft.referring_organisation_id
        ).first()
        if membership is None or (membership.start_date is not None and membership.start_date > day):
            continue
        demo_dates_set(actor=SYSTEM, obj=draft, created_at=moment, updated_at=moment)
        return draft
    return None
