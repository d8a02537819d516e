"""Writes of the triage: weigh a referral per criterion, decide its routing, open the case,
record the first contact, and set the caseload cap of a municipality.

A triage is judged on one published criteria-set version and keeps it. Only process directors
of the referral's house weigh and decide. Every write locks the referral first, so two process
directors triaging the same referral are serialised; the one whose page is out of date gets a
`ConflictError` and nothing of theirs is saved.

Verdict errors are keyed `verdict_<criterion pk>` and `reason_<criterion pk>`, the field names
of the triage form, so the page shows each message next to its criterion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases import criteria_logic
from casustafel.cases.models import (
    OPEN_REFERRAL_STATUSES,
    Case,
    CaseInvolvement,
    CaseloadCap,
    CriterionVerdict,
    Referral,
    ReferralStatus,
    Routing,
    Triage,
    Verdict,
)
from casustafel.cases.selectors.triage import is_process_director_of, tree_of
from casustafel.cases.services.closing import referral_retention_set
from casustafel.cases.services.referral_items import case_referral_items_record
from casustafel.cases.services.referrals import information_request_create
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import CriteriaSetVersion, MeetingType
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import Membership, Organisation, Sector, administered_houses
from casustafel.privacy.subject_access.restrictions import restriction_exempt

TRIAGE_FIELDS = (
    "referral",
    "criteria_version",
    "outcome",
    "outcome_reason",
    "urgency_override",
    "urgency_justification",
    "decided_by",
    "decided_at",
)
CASE_FIELDS = (
    "house",
    "referral",
    "meeting_type",
    "process_director",
    "municipality",
    "status",
    "opened_at",
    "first_meeting_date",
)
INVOLVEMENT_FIELDS = ("case", "organisation", "contact", "reason", "started_at", "ended_at", "end_reason")
OUTCOME_STATUS = {
    Routing.ACCEPT: ReferralStatus.ACCEPTED,
    Routing.STEP_DOWN_LOCAL: ReferralStatus.STEPPED_DOWN,
    Routing.REFER_RIEC: ReferralStatus.REFERRED_RIEC,
    Routing.REJECT: ReferralStatus.REJECTED,
}


def triage_conflict() -> ConflictError:
    """The error for a process director whose triage page is out of date."""
    return ConflictError(
        _(
            "Een andere procesregisseur heeft deze aanmelding intussen gewogen of besloten, of er is nieuwe "
            "informatie binnengekomen. Uw weging is niet opgeslagen en staat hieronder nog; bekijk de nieuwe "
            "stand en sla daarna opnieuw op."
        )
    )


@dataclass(frozen=True)
class VerdictInput:
    """What the process director entered for one leaf criterion (empty strings when nothing)."""

    verdict: str = ""
    reason: str = ""


def _require_process_director(actor: Actor, referral: Referral) -> User:
    if actor.user is None or not is_process_director_of(actor.user, referral.house_id):
        raise PermissionDenied
    return actor.user


def _lock_referral(referral: Referral, expected_version: int | None) -> Referral:
    try:
        locked = lock_for_update(referral, expected_version=expected_version)
    except ConflictError as exc:
        raise triage_conflict() from exc
    if locked.status not in OPEN_REFERRAL_STATUSES:
        raise ServiceError(_("Over deze aanmelding is al besloten; de triage kan niet meer worden gewijzigd."))
    return locked


def _lock_open_triage(referral: Referral, triage: Triage | None, expected_version: int | None) -> Triage | None:
    """The referral's undecided triage, locked; conflict when it is not the one the page showed."""
    open_triage = (
        Triage.objects.select_for_update().filter(referral=referral, decided_at__isnull=True).order_by("pk").first()
    )
    if triage is None:
        if open_triage is not None:
            raise triage_conflict()
        return None
    if open_triage is None or open_triage.pk != triage.pk:
        raise triage_conflict()
    if expected_version is not None and open_triage.version != expected_version:
        raise triage_conflict()
    return open_triage


def _check_version(referral: Referral, open_triage: Triage | None, version: CriteriaSetVersion) -> None:
    if open_triage is not None:
        if open_triage.criteria_version_id != version.pk:
            raise triage_conflict()
        return
    if version.published_at is None or version.criteria_set.house_id != referral.house_id:
        raise ValidationError(_("Kies criteria die dit huis in gebruik heeft."))


def _team_errors(referral: Referral, team_members: Iterable[User]) -> dict[str, str]:
    members = list(team_members)
    if not members:
        return {}
    allowed = set(
        Membership.objects.active()
        .filter(organisation__house=referral.house_id, user__in=members)
        .values_list("user_id", flat=True)
    )
    if any(member.pk not in allowed for member in members):
        return {"team_members": _("Kies voor het triageteam alleen medewerkers van dit huis en zijn partners.")}
    return {}


def _verdict_errors(
    leaves: list[criteria_logic.Node], verdicts: Mapping[int, VerdictInput], *, complete: bool
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for leaf in leaves:
        given = verdicts.get(int(leaf.key), VerdictInput())
        verdict, reason = given.verdict, given.reason.strip()
        if verdict and verdict not in Verdict.values:
            errors[f"verdict_{leaf.key}"] = _("Kies voldoet, voldoet niet of onbekend.")
            continue
        if not verdict and (complete or reason):
            errors[f"verdict_{leaf.key}"] = _("Kies bij criterium %(code)s een oordeel.") % {"code": leaf.code}
        if (verdict or complete) and not reason:
            errors[f"reason_{leaf.key}"] = _(
                "Geef bij criterium %(code)s in een paar woorden aan waarom (ook bij onbekend)."
            ) % {"code": leaf.code}
        elif len(reason) > 500:
            errors[f"reason_{leaf.key}"] = _("Houd de onderbouwing kort: hoogstens 500 tekens.")
    return errors


def _verdict_summary(triage: Triage) -> dict[str, str]:
    return {
        row.criterion.code: row.verdict
        for row in CriterionVerdict.objects.filter(triage=triage).select_related("criterion").order_by("criterion__pk")
    }


def _store(
    *,
    referral: Referral,
    open_triage: Triage | None,
    version: CriteriaSetVersion,
    leaves: list[criteria_logic.Node],
    verdicts: Mapping[int, VerdictInput],
    team_members: list[User],
) -> tuple[Triage, dict[str, Any], dict[str, Any], bool]:
    """Create or update the triage with its verdicts and team; returns the triage, its fields
    before (empty when created), the verdict and team changes, and whether it was created."""
    created = open_triage is None
    triage = open_triage or Triage(referral=referral, criteria_version=version)
    before = {} if created else snapshot(triage, TRIAGE_FIELDS)
    verdicts_before = {} if created else _verdict_summary(triage)
    team_before = [] if created else sorted(triage.team_members.values_list("pk", flat=True))
    if not created:
        bump_version(triage)
    triage.full_clean()
    triage.save()
    leaf_keys = {int(leaf.key) for leaf in leaves}
    existing = {row.criterion_id: row for row in CriterionVerdict.objects.filter(triage=triage)}
    for key in leaf_keys:
        given = verdicts.get(key, VerdictInput())
        row = existing.get(key)
        if not given.verdict:
            if row is not None:
                row.delete()
            continue
        row = row or CriterionVerdict(triage=triage, criterion_id=key)
        row.verdict = given.verdict
        row.reason = given.reason.strip()
        row.full_clean()
        row.save()
    triage.team_members.set(team_members)
    changes: dict[str, Any] = {}
    verdicts_after = _verdict_summary(triage)
    if verdicts_after != verdicts_before:
        changes["verdicts"] = [verdicts_before or None, verdicts_after]
    team_after = sorted(member.pk for member in team_members)
    if team_after != team_before:
        changes["team_members"] = [team_before or None, team_after]
    return triage, before, changes, created


@restriction_exempt("judges the referral as submitted; nothing new about a person")
@transaction.atomic
def triage_save(
    *,
    actor: Actor,
    referral: Referral,
    expected_referral_version: int | None,
    triage: Triage | None,
    expected_version: int | None,
    criteria_version: CriteriaSetVersion,
    team_members: Iterable[User],
    verdicts: Mapping[int, VerdictInput],
) -> Triage:
    """Save the weighing so far without deciding (a draft triage). Every verdict given needs
    a reason; criteria without a verdict stay open.

    Args:
        actor: a process director of the referral's house.
        referral: a referral awaiting triage (or waiting for more information).
        expected_referral_version: the referral's version when the page was loaded.
        triage: the open triage the page showed, or None when there was none.
        expected_version: that triage's version when the page was loaded.
        criteria_version: the published version the page showed the criteria of.
        team_members: the named members of the triage team.
        verdicts: per leaf criterion pk, the verdict and reason entered.

    Raises:
        PermissionDenied: the actor is no process director of the house.
        ConflictError: another process director saved or decided in the meantime.
        ServiceError: the referral was decided already.
        ValidationError: a verdict without reason (per field) or a team member outside the house.
    """
    _require_process_director(actor, referral)
    locked = _lock_referral(referral, expected_referral_version)
    open_triage = _lock_open_triage(locked, triage, expected_version)
    _check_version(locked, open_triage, criteria_version)
    leaves = criteria_logic.leaves_of(tree_of(criteria_version))
    members = list(team_members)
    errors = {**_verdict_errors(leaves, verdicts, complete=False), **_team_errors(locked, members)}
    if errors:
        raise ValidationError(errors)
    saved, before, changes, created = _store(
        referral=locked,
        open_triage=open_triage,
        version=criteria_version,
        leaves=leaves,
        verdicts=verdicts,
        team_members=members,
    )
    changes.update(diff(before, snapshot(saved, TRIAGE_FIELDS)))
    if created or changes:
        audit_record(
            actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=saved, changes=changes
        )
    return saved


def _case_errors(
    referral: Referral,
    meeting_type: MeetingType | None,
    process_director: User | None,
    first_meeting_date: dt.date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if meeting_type is None:
        errors["meeting_type"] = _("Kies in welk overleg de casus wordt besproken.")
    elif meeting_type.house_id != referral.house_id or not meeting_type.is_active:
        errors["meeting_type"] = _("Kies een actief overlegtype van dit huis.")
    if process_director is None:
        errors["process_director"] = _("Kies de procesregisseur van de casus.")
    elif not is_process_director_of(process_director, referral.house_id):
        errors["process_director"] = _("Kies een procesregisseur van dit huis.")
    if first_meeting_date is None:
        errors["first_meeting_date"] = _("Kies de datum van het eerste overleg.")
    elif first_meeting_date < timezone.localdate():
        errors["first_meeting_date"] = _("De datum van het eerste overleg ligt in het verleden.")
    return errors


@restriction_exempt("opens the case of the referral as submitted")
@transaction.atomic
def case_open(
    *,
    actor: Actor,
    referral: Referral,
    meeting_type: MeetingType,
    process_director: User,
    first_meeting_date: dt.date,
) -> Case:
    """Open the case of an accepted referral, with its meeting type, process director and
    first meeting.

    Raises:
        PermissionDenied: the actor is no process director of the house.
        ServiceError: the referral is not accepted or already has a case.
        ValidationError: a meeting type, process director or date that does not fit.
    """
    director = _require_process_director(actor, referral)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ServiceError(_("Alleen een aangenomen aanmelding wordt een casus."))
    if Case.objects.filter(referral=referral).exists():
        raise ServiceError(_("Deze aanmelding heeft al een casus."))
    errors = _case_errors(referral, meeting_type, process_director, first_meeting_date)
    if errors:
        raise ValidationError(errors)
    case = Case(
        house_id=referral.house_id,
        referral=referral,
        meeting_type=meeting_type,
        process_director=process_director,
        municipality_id=referral.municipality_id,
        opened_at=timezone.now(),
        first_meeting_date=first_meeting_date,
    )
    case.full_clean()
    case.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=case, case_id=case.pk, changes=diff({}, snapshot(case, CASE_FIELDS))
    )
    if not referral.referring_organisation.is_house_office:
        # The referring organisation is the first partner on the case: without this it
        # would lose sight of the household it brought in the moment triage accepts it.
        involvement = CaseInvolvement.objects.create(
            case=case,
            organisation=referral.referring_organisation,
            contact=referral.referrer,
            reason="Aanmelder van de casus",  # stored data, in the house's language
            started_at=case.opened_at,
            added_by=director,
        )
        # The referrer is named: in an organisation that limits its cases to the people
        # named, they keep sight of the household they brought in.
        involvement.named_people.set([referral.referrer])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=involvement,
            case_id=case.pk,
            changes={
                **diff({}, snapshot(involvement, INVOLVEMENT_FIELDS)),
                "named_people": [None, [referral.referrer_id]],
            },
        )
    case_referral_items_record(actor=actor, case=case)
    return case


def _decision_errors(
    *,
    referral: Referral,
    evaluation: criteria_logic.Evaluation,
    outcome: str,
    outcome_reason: str,
    urgency_override: bool,
    urgency_justification: str,
    meeting_type: MeetingType | None,
    process_director: User | None,
    first_meeting_date: dt.date | None,
    question: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if outcome not in Routing.values:
        errors["outcome"] = _("Kies de uitkomst van de triage.")
        return errors
    if not outcome_reason.strip():
        errors["outcome_reason"] = _(
            "Schrijf de reden van dit besluit voor de aanmelder; die krijgt de uitkomst en de reden te zien."
        )
    if outcome == Routing.ACCEPT:
        errors.update(_case_errors(referral, meeting_type, process_director, first_meeting_date))
        if not evaluation.is_met and not urgency_override:
            errors["urgency_override"] = _(
                "Niet alle criteria zijn voldaan. Aannemen kan alleen als urgentie-uitzondering, met een onderbouwing."
            )
        if urgency_override and evaluation.is_met:
            errors["urgency_override"] = _("Alle criteria zijn voldaan; een urgentie-uitzondering is niet nodig.")
        if urgency_override and not urgency_justification.strip():
            errors["urgency_justification"] = _("Onderbouw waarom het huis deze casus ondanks de criteria aanneemt.")
    elif urgency_override:
        errors["urgency_override"] = _("Een urgentie-uitzondering geldt alleen bij aannemen.")
    if outcome == Routing.NEED_MORE_INFORMATION and not question.strip():
        errors["question"] = _("Schrijf op welke informatie u nog nodig hebt van de aanmelder.")
    return errors


@restriction_exempt("judges the referral as submitted; nothing new about a person")
@transaction.atomic
def triage_decide(
    *,
    actor: Actor,
    referral: Referral,
    expected_referral_version: int | None,
    triage: Triage | None,
    expected_version: int | None,
    criteria_version: CriteriaSetVersion,
    team_members: Iterable[User],
    verdicts: Mapping[int, VerdictInput],
    outcome: Routing | str,
    outcome_reason: str,
    urgency_override: bool = False,
    urgency_justification: str = "",
    meeting_type: MeetingType | None = None,
    process_director: User | None = None,
    first_meeting_date: dt.date | None = None,
    question: str = "",
) -> Triage:
    """Record the weighing and decide the routing of a referral.

    Every leaf criterion needs a verdict and a reason, and every outcome a reason for the
    referrer. Accepting opens the case (`case_open`); when the criteria are not all met it
    requires the urgency override with a justification. Stepping down, referring to the RIEC
    and rejecting close the referral with that status and give it its keep-until date
    (`referral_retention_set`); asking for more information puts the
    question to the referrer (`information_request_create`) and the referral waits for the
    answer, after which it is triaged again.

    Args:
        actor: a process director of the referral's house.
        referral: a referral awaiting triage (or waiting for more information).
        expected_referral_version: the referral's version when the page was loaded.
        triage: the open triage the page showed, or None.
        expected_version: that triage's version when the page was loaded.
        criteria_version: the published version the page showed the criteria of.
        team_members: the named members of the triage team.
        verdicts: per leaf criterion pk, the verdict and reason.
        outcome: a `Routing` value.
        outcome_reason: the reason the referrer is told.
        urgency_override: accept although the criteria are not all met.
        urgency_justification: why (required with the override).
        meeting_type, process_director, first_meeting_date: for accept.
        question: for need_more_information, what the referrer is asked.

    Raises:
        PermissionDenied: the actor is no process director of the house.
        ConflictError: another process director saved or decided in the meantime.
        ServiceError: the referral was decided already.
        ValidationError: missing verdicts or reasons, a missing outcome reason, an accept
            without override when criteria are unmet, unusable case details; per field.
    """
    _require_process_director(actor, referral)
    locked = _lock_referral(referral, expected_referral_version)
    open_triage = _lock_open_triage(locked, triage, expected_version)
    _check_version(locked, open_triage, criteria_version)
    roots = tree_of(criteria_version)
    leaves = criteria_logic.leaves_of(roots)
    evaluation = criteria_logic.evaluate_version(
        roots, criteria_version.combinator, {key: given.verdict for key, given in verdicts.items() if given.verdict}
    )
    members = list(team_members)
    errors = {
        **_verdict_errors(leaves, verdicts, complete=True),
        **_team_errors(locked, members),
        **_decision_errors(
            referral=locked,
            evaluation=evaluation,
            outcome=str(outcome),
            outcome_reason=outcome_reason,
            urgency_override=urgency_override,
            urgency_justification=urgency_justification,
            meeting_type=meeting_type,
            process_director=process_director,
            first_meeting_date=first_meeting_date,
            question=question,
        ),
    }
    if errors:
        raise ValidationError(errors)
    saved, before, changes, created = _store(
        referral=locked,
        open_triage=open_triage,
        version=criteria_version,
        leaves=leaves,
        verdicts=verdicts,
        team_members=members,
    )
    now = timezone.now()
    saved.outcome = str(outcome)
    saved.outcome_reason = outcome_reason.strip()
    saved.urgency_override = urgency_override
    saved.urgency_justification = urgency_justification.strip() if urgency_override else ""
    saved.decided_by = actor.user
    saved.decided_at = now
    saved.full_clean()
    saved.save()
    changes.update(diff(before, snapshot(saved, TRIAGE_FIELDS)))
    changes["result"] = [None, evaluation.result]
    case: Case | None = None
    if outcome == Routing.NEED_MORE_INFORMATION:
        information_request_create(actor=actor, referral=locked, question=question)
    else:
        _close_referral(actor, locked, OUTCOME_STATUS[Routing(outcome)], now)
        if outcome == Routing.ACCEPT:
            assert meeting_type is not None and process_director is not None and first_meeting_date is not None
            case = case_open(
                actor=actor,
                referral=locked,
                meeting_type=meeting_type,
                process_director=process_director,
                first_meeting_date=first_meeting_date,
            )
        else:
            # No case: the referral's own keep-until date starts at the decision (retention).
            referral_retention_set(actor=actor, referral=locked, decided_on=timezone.localdate(now))
        notification_send(
            actor=actor,
            recipient=locked.referrer,
            kind=NotificationKind.REFERRAL_DECIDED,
            url=reverse("cases:referral_detail", args=[locked.pk]),
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=saved,
        case_id=case.pk if case else None,
        changes=changes,
    )
    return saved


def _close_referral(actor: Actor, referral: Referral, status: ReferralStatus, at: dt.datetime) -> None:
    fields = ("status", "outcome_at")
    before = snapshot(referral, fields)
    referral.status = status
    referral.outcome_at = at
    bump_version(referral)
    referral.full_clean()
    referral.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=referral, changes=diff(before, snapshot(referral, fields)))


@restriction_exempt("a moment of contact, nothing about a person")
@transaction.atomic
def referral_record_first_contact(
    *, actor: Actor, referral: Referral, expected_version: int | None, at: dt.datetime | None = None
) -> Referral:
    """Record when the house first contacted the referrer (the first-contact norm stops).

    Args:
        actor: a process director of the referral's house.
        referral: a submitted referral.
        expected_version: the referral's version when the page was loaded.
        at: when the contact took place; now when not given.

    Raises:
        PermissionDenied: the actor is no process director of the house.
        ConflictError: the referral changed since the page was loaded.
        ValidationError: a draft, a contact recorded already, or a moment in the future or
            before the referral was submitted.
    """
    _require_process_director(actor, referral)
    locked = lock_for_update(referral, expected_version=expected_version)
    moment = at or timezone.now()
    if locked.status == ReferralStatus.DRAFT or locked.submitted_at is None:
        raise ServiceError(_("Deze aanmelding is nog niet ingediend."))
    if locked.first_contact_at is not None:
        raise ServiceError(_("Het eerste contact is al vastgelegd."))
    if moment > timezone.now():
        raise ValidationError({"at": _("Het eerste contact kan niet in de toekomst liggen.")})
    if moment < locked.submitted_at:
        raise ValidationError({"at": _("Het eerste contact kan niet vóór het indienen van de aanmelding liggen.")})
    before = snapshot(locked, ("first_contact_at",))
    locked.first_contact_at = moment
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=diff(before, snapshot(locked, ("first_contact_at",))),
    )
    return locked


@restriction_exempt("a number per municipality")
@transaction.atomic
def caseload_cap_set(*, actor: Actor, municipality: Organisation, max_active_cases: int | None) -> CaseloadCap | None:
    """Set (or, with None, remove) the maximum number of active cases the house handles for
    a municipality (criterion g of local handling).

    Raises:
        PermissionDenied: the actor administers no house of this municipality.
        ValidationError: an organisation that is no municipality, or a negative number.
    """
    if (
        actor.user is not None
        and not administered_houses(actor.user).filter(organisation__house=municipality.house_id).exists()
    ):
        raise PermissionDenied
    if municipality.sector != Sector.MUNICIPALITY:
        raise ValidationError({"municipality": _("Kies een gemeente.")})
    cap = CaseloadCap.objects.select_for_update().filter(municipality=municipality).first()
    before = snapshot(cap, ("municipality", "max_active_cases")) if cap else {}
    if max_active_cases is None:
        if cap is not None:
            audit_record(actor=actor, action=AuditAction.DELETE, obj=cap, changes=diff(before, {}))
            cap.delete()
        return None
    if max_active_cases < 0:
        raise ValidationError({"max_active_cases": _("Vul een aantal van 0 of meer in.")})
    created = cap is None
    cap = cap or CaseloadCap(municipality=municipality, max_active_cases=max_active_cases)
    cap.max_active_cases = max_active_cases
    cap.full_clean()
    cap.save()
    changes = diff(before, snapshot(cap, ("municipality", "max_active_cases")))
    if created or changes:
        audit_record(
            actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=cap, changes=changes
        )
    return cap
