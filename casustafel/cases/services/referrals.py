"""Writes on referrals: start a draft, fill it in section by section, submit it, and the
exchange of information requests between the process director and the referrer.

Every service validates, saves and writes its audit event in one transaction. A referral's
facts can change only while it is a draft; after submitting, only information requests and
their answers are added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import audit_changes_redact, audit_record, diff, snapshot
from casustafel.cases.models import (
    OPEN_REFERRAL_STATUSES,
    Case,
    CaseParty,
    EntryRoute,
    InformationRequest,
    LifeDomainProblem,
    PartyRole,
    Person,
    PriorAction,
    Referral,
    ReferralStatus,
)
from casustafel.cases.selectors.cases import previous_episode
from casustafel.cases.selectors.referrals import can_refer, is_referral_writer
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import Membership, Organisation, Role, Sector
from casustafel.privacy.retention.destruction import person_still_referenced
from casustafel.privacy.subject_access.restrictions import refuses_restricted, restricted_person_ids, restriction_exempt

CONSENT_NOT_ASKED = "not_asked"
DEFAULT_FIRST_CONTACT_HOURS = 48

REFERRAL_FIELDS = (
    "entry_route",
    "meeting_type",
    "municipality",
    "concern",
    "concern_source",
    "desired_response_days",
    "consent",
    "consent_note",
)
SUBMIT_FIELDS = ("status", "submitted_at", "first_contact_due_at", "response_due_at")
PROBLEM_FIELDS = ("referral", "domain", "person", "description", "source")
PRIOR_ACTION_FIELDS = ("referral", "description", "by_whom", "period", "result", "source")


def removed(values: dict[str, Any]) -> dict[str, list[Any]]:
    """The audit changes of a deleted row: every field [old value, None]."""
    return {name: [value, None] for name, value in values.items()}


def case_id_of(referral: Referral) -> int | None:
    """The case a referral became, for the audit trail (None until triage accepts it)."""
    if referral.status != ReferralStatus.ACCEPTED:
        return None
    return Case.objects.filter(referral=referral).values_list("pk", flat=True).first()


def lock_draft(referral: Referral, *, expected_version: int | None = None) -> Referral:
    """Lock the referral row and make sure it is still a draft.

    Raises:
        ConflictError: someone saved the referral after `expected_version` was loaded.
        ServiceError: the referral was submitted in the meantime.
    """
    locked = lock_for_update(referral, expected_version=expected_version)
    if locked.status != ReferralStatus.DRAFT:
        raise ServiceError(_("Deze aanmelding is al ingediend; de gegevens kunnen niet meer worden gewijzigd."))
    return locked


def referral_touch(locked: Referral) -> None:
    """Mark a draft as changed when a part of it (a person, a problem, an action) changed, so
    "Laatst gewijzigd" and the stale-draft term follow. Not a new version: a colleague's open
    concern form is not in conflict with a person added meanwhile."""
    locked.save(update_fields=["updated_at"])


def _validate_choices(
    referral: Referral, meeting_type: MeetingType | None, municipality: Organisation | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if meeting_type is not None and (meeting_type.house_id != referral.house_id or not meeting_type.is_active):
        errors["meeting_type"] = _("Kies een actief overlegtype van dit Zorg- en Veiligheidshuis.")
    if municipality is not None and (
        municipality.house_id != referral.house_id
        or municipality.sector != Sector.MUNICIPALITY
        or not municipality.is_active
    ):
        errors["municipality"] = _("Kies een gemeente die deelneemt aan dit Zorg- en Veiligheidshuis.")
    return errors


def _validate_consent(referral: Referral) -> dict[str, str]:
    if referral.consent == CONSENT_NOT_ASKED and not referral.consent_note.strip():
        return {
            "consent_note": _(
                "Licht toe waarom niet is gevraagd of de betrokkene weet dat informatie wordt gedeeld "
                "(bijvoorbeeld acuut gevaar of een lopend onderzoek)."
            )
        }
    return {}


@restriction_exempt("a new draft, about nobody yet")
@transaction.atomic
def referral_start(
    *,
    actor: Actor,
    entry_route: EntryRoute | str,
    meeting_type: MeetingType | None = None,
    municipality: Organisation | None = None,
) -> Referral:
    """Start a draft referral on behalf of the organisation the actor acts for.

    Args:
        actor: the referrer; `actor.membership` decides the referring organisation and house.
        entry_route: top_x, domestic_violence or field.
        meeting_type: the requested meeting type (an active one of the house), if known.
        municipality: the municipality the person or household lives in, if known.

    Raises:
        PermissionDenied: the actor's role may not refer (administrator, privacy officer, board).
        ValidationError: a choice outside the house.
    """
    membership: Membership | None = actor.membership
    if actor.user is None or not can_refer(membership):
        raise PermissionDenied
    assert membership is not None
    referral = Referral(
        house=membership.organisation.house,
        entry_route=entry_route,
        referrer=actor.user,
        referring_organisation=membership.organisation,
        meeting_type=meeting_type,
        municipality=municipality,
    )
    errors = _validate_choices(referral, meeting_type, municipality)
    if errors:
        raise ValidationError(errors)
    referral.full_clean()
    referral.save()
    fields = ("house", "entry_route", "referrer", "referring_organisation", "meeting_type", "municipality", "status")
    audit_record(actor=actor, action=AuditAction.CREATE, obj=referral, changes=diff({}, snapshot(referral, fields)))
    return referral


@restriction_exempt("the draft's own text; it cannot be submitted while a party is restricted")
@transaction.atomic
def referral_update(*, actor: Actor, referral: Referral, expected_version: int | None, **values: Any) -> Referral:
    """Save one section of a draft referral (only the fields given change).

    Args:
        actor: the referrer or the ambassador of the referring organisation.
        referral: the draft.
        expected_version: the version the form was loaded with.
        **values: any of `REFERRAL_FIELDS`.

    Raises:
        ConflictError: someone else saved the referral since the form was loaded.
        ServiceError: the referral is no longer a draft.
        ValidationError: invalid values, with Dutch messages per field.
    """
    unknown = set(values) - set(REFERRAL_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = lock_draft(referral, expected_version=expected_version)
    before = snapshot(locked, REFERRAL_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    # Only what this section changes is checked against the house: a meeting type that was
    # deactivated after it was chosen must not block saving the concern.
    errors = {
        **_validate_choices(
            locked,
            values.get("meeting_type") if "meeting_type" in values else None,
            values.get("municipality") if "municipality" in values else None,
        ),
        **_validate_consent(locked),
    }
    if errors:
        raise ValidationError(errors)
    locked.full_clean()
    changes = diff(before, snapshot(locked, REFERRAL_FIELDS))
    if not changes:
        return locked
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def submit_blockers(referral: Referral) -> list[str]:
    """What a referral needs at the very least before it can be submitted. Everything else
    the meeting type requires shows on the checklist; the process director can ask for it."""
    blockers: list[str] = []
    if not referral.concern.strip():
        blockers.append(_("Beschrijf de zorg (wat is er aan de hand?)."))
    if not CaseParty.objects.filter(referral=referral, role=PartyRole.SUBJECT).exists():
        blockers.append(_("Voeg de hoofdpersoon toe."))
    if not referral.desired_response_days:
        blockers.append(_("Kies de gewenste reactietermijn."))
    blockers.extend(_validate_consent(referral).values())
    blockers.extend(_restriction_blockers(referral))
    return blockers


def _restriction_blockers(referral: Referral) -> list[str]:
    """AVG art. 18: submitting passes a party's data on to the house; not while a party's
    processing is restricted. The referrer sees the parties (and the mark) already."""
    parties = list(CaseParty.objects.filter(referral=referral).select_related("person").order_by("pk"))
    restricted = restricted_person_ids(party.person_id for party in parties)
    return [
        _(
            "Voor %(name)s is de verwerking beperkt (AVG art. 18): de aanmelding kan niet worden ingediend zolang "
            "die beperking geldt. Neem contact op met de privacyfunctionaris van het huis, of haal deze persoon uit "
            "de aanmelding als die er niet in hoort."
        )
        % {"name": party.person.full_name}
        for party in parties
        if party.person_id in restricted
    ]


@refuses_restricted(
    lambda referral, arguments: [(pk, None) for pk in referral.parties.values_list("person_id", flat=True)]
)
@transaction.atomic
def referral_submit(*, actor: Actor, referral: Referral, expected_version: int | None) -> Referral:
    """Submit a draft to the house: it becomes visible to the process directors and
    secretaries, and the first-contact and response deadlines start to run. When one of its
    persons was in a case of the house that has been closed, the referral is linked to that
    case (`previous_case`, the earlier episode).

    Raises:
        ConflictError: the referral changed since the page was loaded.
        ServiceError: the referral was already submitted.
        ValidationError: the concern, a subject or the response term is missing, or a party's
            processing is restricted (AVG art. 18).
    """
    locked = lock_draft(referral, expected_version=expected_version)
    blockers = submit_blockers(locked)
    if blockers:
        raise ValidationError(blockers)
    before = {**snapshot(locked, SUBMIT_FIELDS), "previous_case": locked.previous_case_id}
    now = timezone.now()
    hours = locked.meeting_type.first_contact_hours if locked.meeting_type else DEFAULT_FIRST_CONTACT_HOURS
    locked.status = ReferralStatus.SUBMITTED
    locked.submitted_at = now
    locked.first_contact_due_at = now + dt.timedelta(hours=hours)
    locked.response_due_at = now + dt.timedelta(days=locked.desired_response_days or 0)
    # Re-entry: a person of a closed case of this house comes back; triage sees that episode.
    locked.previous_case = previous_episode(locked)
    locked.full_clean()
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=diff(before, {**snapshot(locked, SUBMIT_FIELDS), "previous_case": locked.previous_case_id}),
    )
    return locked


@restriction_exempt("deletes a draft the house never saw, and what it alone recorded")
@transaction.atomic
def referral_draft_delete(*, actor: Actor, referral: Referral, expected_version: int | None) -> None:
    """Delete a draft the house never saw: its persons, problems and actions go with it, and a
    person registered for it alone is deleted too. The audit events stay (the trail outlives
    what it describes) but the text they recorded about the draft is blanked, as destruction
    does.

    Raises:
        PermissionDenied: the actor is not the referrer or their organisation's ambassador.
        ConflictError: the draft changed since the page was loaded.
        ServiceError: the referral was submitted in the meantime.
    """
    locked = lock_draft(referral, expected_version=expected_version)
    if actor.user is None or not is_referral_writer(actor.user, locked):
        raise PermissionDenied
    if locked.retention_extensions.exists():
        raise ServiceError(
            _(
                "De privacyfunctionaris heeft besloten dit concept langer te bewaren. Het kan daarom niet worden "
                "verwijderd; neem contact op met de privacyfunctionaris van het huis."
            )
        )
    parts: dict[str, list[int]] = {
        Referral._meta.label_lower: [locked.pk],
        CaseParty._meta.label_lower: list(locked.parties.values_list("pk", flat=True)),
        LifeDomainProblem._meta.label_lower: list(locked.problems.values_list("pk", flat=True)),
        PriorAction._meta.label_lower: list(locked.prior_actions.values_list("pk", flat=True)),
    }
    person_ids = set(locked.parties.values_list("person_id", flat=True))
    condition = Q(pk__in=[])
    for label, ids in parts.items():
        condition |= Q(object_type=label, object_id__in=[str(pk) for pk in ids])
    audit_changes_redact(events=AuditEvent.objects.filter(condition))
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=locked,
        changes={"status": [locked.status, None], "parts": [None, {k: len(v) for k, v in parts.items()}]},
    )
    locked.delete()
    # A registration other ones were merged into stays (they point at it).
    merged_into_it = Person.objects.filter(merged_into=OuterRef("pk"))
    for person in Person.objects.select_for_update().filter(pk__in=person_ids).exclude(Exists(merged_into_it)):
        if not person_still_referenced(person):
            audit_changes_redact(
                events=AuditEvent.objects.filter(object_type=Person._meta.label_lower, object_id=str(person.pk))
            )
            audit_record(actor=actor, action=AuditAction.DELETE, obj=person, person_id=person.pk)
            person.delete()


def _party_person(referral: Referral, person: Person | None) -> Person | None:
    if person is not None and not CaseParty.objects.filter(referral=referral, person=person).exists():
        raise ValidationError({"person": _("Kies een van de betrokkenen van deze aanmelding.")})
    return person


@refuses_restricted(lambda problem, arguments: [(problem.person_id, None)])
@transaction.atomic
def life_domain_problem_add(
    *,
    actor: Actor,
    referral: Referral,
    domain: str,
    description: str,
    source: str,
    person: Person | None = None,
) -> LifeDomainProblem:
    """Record a problem on one life domain, with its source, on a draft referral.

    Args:
        person: the party the problem concerns, if it concerns one person.
    """
    locked = lock_draft(referral)
    problem = LifeDomainProblem(
        referral=locked,
        domain=domain,
        person=_party_person(locked, person),
        description=description.strip(),
        source=source.strip(),
    )
    problem.full_clean()
    problem.save()
    referral_touch(locked)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=problem,
        person_id=problem.person_id,
        changes=diff({}, snapshot(problem, PROBLEM_FIELDS)),
    )
    return problem


@restriction_exempt("takes information away")
@transaction.atomic
def life_domain_problem_remove(*, actor: Actor, problem: LifeDomainProblem) -> None:
    """Remove a problem from a draft referral."""
    referral_touch(lock_draft(problem.referral))
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=problem,
        person_id=problem.person_id,
        changes=removed(snapshot(problem, PROBLEM_FIELDS)),
    )
    problem.delete()


@restriction_exempt("what was done, about the household; the draft cannot be submitted while a party is restricted")
@transaction.atomic
def prior_action_add(
    *,
    actor: Actor,
    referral: Referral,
    description: str,
    by_whom: str,
    source: str,
    period: str = "",
    result: str = "",
) -> PriorAction:
    """Record what has been done already, by whom, when, with what result (criterion b)."""
    locked = lock_draft(referral)
    action = PriorAction(
        referral=locked,
        description=description.strip(),
        by_whom=by_whom.strip(),
        period=period.strip(),
        result=result.strip(),
        source=source.strip(),
    )
    action.full_clean()
    action.save()
    referral_touch(locked)
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=action, changes=diff({}, snapshot(action, PRIOR_ACTION_FIELDS))
    )
    return action


@restriction_exempt("takes information away")
@transaction.atomic
def prior_action_remove(*, actor: Actor, action: PriorAction) -> None:
    """Remove a prior action from a draft referral."""
    referral_touch(lock_draft(action.referral))
    audit_record(
        actor=actor, action=AuditAction.DELETE, obj=action, changes=removed(snapshot(action, PRIOR_ACTION_FIELDS))
    )
    action.delete()


def _is_process_director_of(actor: Actor, referral: Referral) -> bool:
    if actor.user is None:
        return False
    return (
        Membership.objects.active()
        .filter(user=actor.user, role=Role.PROCESS_DIRECTOR, organisation__house=referral.house_id)
        .exists()
    )


def _set_status(actor: Actor, referral: Referral, status: ReferralStatus) -> None:
    before = snapshot(referral, ("status",))
    referral.status = status
    bump_version(referral)
    referral.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=referral,
        case_id=case_id_of(referral),
        changes=diff(before, snapshot(referral, ("status",))),
    )


@restriction_exempt("a question of the house, nothing about a person")
@transaction.atomic
def information_request_create(*, actor: Actor, referral: Referral, question: str) -> InformationRequest:
    """The process director asks the referrer for more information; the referral waits
    (status 'meer informatie gevraagd') until every question is answered.

    Args:
        actor: a process director of the referral's house.
        referral: a submitted referral (awaiting triage or already waiting for answers).
        question: what the house needs to know.

    Raises:
        PermissionDenied: the actor is no process director of the house.
        ValidationError: an empty question, or a referral that is a draft or already decided.
    """
    if not _is_process_director_of(actor, referral):
        raise PermissionDenied
    locked = lock_for_update(referral, expected_version=None)
    if locked.status not in OPEN_REFERRAL_STATUSES:
        raise ValidationError(_("Alleen bij een ingediende aanmelding die nog op triage wacht kunt u iets navragen."))
    if not question.strip():
        raise ValidationError({"question": _("Schrijf op welke informatie u nog nodig hebt.")})
    request = InformationRequest(referral=locked, question=question.strip(), asked_by=actor.user)
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=request,
        case_id=case_id_of(locked),
        changes=diff({}, snapshot(request, ("referral", "question", "asked_by"))),
    )
    if locked.status != ReferralStatus.INFORMATION_REQUESTED:
        _set_status(actor, locked, ReferralStatus.INFORMATION_REQUESTED)
    notification_send(
        actor=actor,
        recipient=locked.referrer,
        kind=NotificationKind.QUESTION_ASKED,
        url=reverse("cases:referral_detail", args=[locked.pk]),
    )
    return request


@restriction_exempt("an answer about the referral as submitted, not about one person")
@transaction.atomic
def information_request_answer(*, actor: Actor, request: InformationRequest, answer: str) -> InformationRequest:
    """The referrer (or their ambassador) answers a question. When no question is left open,
    the referral goes back to 'wacht op triage'.

    Raises:
        PermissionDenied: the actor may not answer for this referral.
        ValidationError: an empty answer, or a question that was answered already.
    """
    referral = lock_for_update(request.referral, expected_version=None)
    if actor.user is None or not is_referral_writer(actor.user, referral):
        raise PermissionDenied
    locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if locked.answered_at is not None:
        raise ValidationError(_("Deze vraag is al beantwoord."))
    if not answer.strip():
        raise ValidationError({"answer": _("Schrijf uw antwoord op de vraag.")})
    fields = ("answer", "answered_by", "answered_at")
    before = snapshot(locked, fields)
    locked.answer = answer.strip()
    locked.answered_by = actor.user
    locked.answered_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=case_id_of(referral),
        changes=diff(before, snapshot(locked, fields)),
    )
    still_open = InformationRequest.objects.filter(referral=referral, answered_at__isnull=True).exists()
    if not still_open and referral.status == ReferralStatus.INFORMATION_REQUESTED:
        _set_status(actor, referral, ReferralStatus.SUBMITTED)
    if locked.asked_by is not None and locked.asked_by_id != actor.user.pk:
        notification_send(
            actor=actor,
            recipient=locked.asked_by,
            kind=NotificationKind.QUESTION_ANSWERED,
            url=reverse("cases:triage_detail", args=[referral.pk]),
        )
    return locked
