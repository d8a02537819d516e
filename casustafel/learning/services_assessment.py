"""Self-assessment rounds: prepared by a process director or the house manager, opened to the
invited participants (who hear of it in the app and by e-mail, a link only), answered by each
participant on their own form, and closed (by hand, or by the periodic work after `closes_on`).

Answers are the participant's personal data: the audit events of a save record how many
questions were answered, never which answer was given, so not even the access log shows one
person's answers. Results are only ever shown added up (`selectors_results.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.learning.instruments import SCALE_VALUES, QuestionKind, instrument
from casustafel.learning.models import (
    AssessmentAnswer,
    AssessmentInvitation,
    AssessmentStatus,
    SelfAssessment,
)
from casustafel.learning.roles import is_manager
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.lib.validation import TEXT_MAX_LENGTH, raise_errors
from casustafel.meeting_types.models import MeetingType
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import Membership, SafetyHouse

ASSESSMENT_FIELDS = ("house", "instrument", "instrument_version", "meeting_type", "title", "closes_on", "status")
INVITATION_FIELDS = ("assessment", "user", "organisation")


def _require_manager(actor: Actor, house: SafetyHouse) -> None:
    membership = actor.membership
    if actor.user is None or not is_manager(membership) or membership.organisation.house_id != house.pk:  # type: ignore[union-attr]
        raise PermissionDenied


def _details_errors(
    house: SafetyHouse, title: str, closes_on: dt.date | None, meeting_type: MeetingType | None
) -> dict[str, str | None]:
    today = timezone.localdate()
    return {
        "title": None
        if title.strip()
        else _("Geef de zelfevaluatie een titel, bijv. 'Zorgoverleg HG, voorjaar 2026'."),
        "closes_on": _("Kies de dag waarop de zelfevaluatie sluit.")
        if closes_on is None
        else (_("De sluitdatum ligt in het verleden.") if closes_on < today else None),
        "meeting_type": _("Dit overlegtype hoort niet bij dit huis.")
        if meeting_type is not None and meeting_type.house_id != house.pk
        else None,
    }


def fill_url(assessment: SelfAssessment) -> str:
    return reverse("learning:assessment_fill", args=[assessment.pk])


@transaction.atomic
def self_assessment_create(
    *,
    actor: Actor,
    house: SafetyHouse,
    instrument_key: str,
    title: str,
    closes_on: dt.date | None,
    meeting_type: MeetingType | None = None,
) -> SelfAssessment:
    """Prepare a round (status draft): nobody is told anything until it is opened.

    Raises:
        PermissionDenied: the actor does not run the learning cycle of this house.
        ValidationError: no title, a closing day in the past, an unknown instrument, a meeting
            type of another house.
    """
    _require_manager(actor, house)
    errors = _details_errors(house, title, closes_on, meeting_type)
    errors["instrument"] = None
    try:
        chosen = instrument(instrument_key)
    except KeyError:
        errors["instrument"] = _("Kies een van de vragenlijsten.")
    raise_errors(errors)
    assert closes_on is not None
    assessment = SelfAssessment(
        house=house,
        instrument=chosen.key,
        instrument_version=chosen.version,
        meeting_type=meeting_type,
        title=title.strip(),
        closes_on=closes_on,
        created_by=actor.user,
    )
    assessment.full_clean()
    assessment.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assessment,
        changes=diff({}, snapshot(assessment, ASSESSMENT_FIELDS)),
    )
    return assessment


@transaction.atomic
def self_assessment_update(
    *, actor: Actor, assessment: SelfAssessment, title: str, closes_on: dt.date | None, expected_version: int | None
) -> SelfAssessment:
    """Change the title or move the closing day of a round that is not closed yet."""
    _require_manager(actor, assessment.house)
    locked = lock_for_update(assessment, expected_version=expected_version)
    if locked.status == AssessmentStatus.CLOSED:
        raise ServiceError(_("Deze zelfevaluatie is gesloten."))
    errors = _details_errors(locked.house, title, closes_on, None)
    raise_errors(errors)
    before = snapshot(locked, ("title", "closes_on"))
    locked.title, locked.closes_on = title.strip(), closes_on  # type: ignore[assignment]
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=diff(before, snapshot(locked, ("title", "closes_on"))),
    )
    return locked


def _notify(actor: Actor, invitations: Iterable[AssessmentInvitation], assessment: SelfAssessment) -> None:
    now = timezone.now()
    for invitation in invitations:
        notification_send(
            actor=actor,
            recipient=invitation.user,
            kind=NotificationKind.ASSESSMENT_INVITED,
            url=fill_url(assessment),
            key=f"assessment:{assessment.pk}:invited",
        )
        invitation.notified_at = now
        invitation.save(update_fields=["notified_at"])


@transaction.atomic
def assessment_invite(
    *, actor: Actor, assessment: SelfAssessment, memberships: Iterable[Membership]
) -> list[AssessmentInvitation]:
    """Invite participants, each for the organisation of the membership chosen. Someone invited
    already is left as they are. In an open round the new participants are told at once.

    Raises:
        PermissionDenied: not a manager of the round's house.
        ServiceError: the round is closed.
        ValidationError: a membership of another house, or one that is not active.
    """
    _require_manager(actor, assessment.house)
    locked = lock_for_update(assessment, expected_version=None)
    if locked.status == AssessmentStatus.CLOSED:
        raise ServiceError(_("Deze zelfevaluatie is gesloten; nodig deelnemers uit voor een nieuwe ronde."))
    chosen = list(memberships)
    active = set(Membership.objects.active().filter(pk__in=[m.pk for m in chosen]).values_list("pk", flat=True))
    wrong = [m for m in chosen if m.organisation.house_id != locked.house_id or m.pk not in active]
    if wrong:
        raise ValidationError(
            {"participants": _("Kies alleen medewerkers die nu voor een organisatie van dit huis werken.")}
        )
    invited = set(AssessmentInvitation.objects.filter(assessment=locked).values_list("user_id", flat=True))
    created = []
    for membership in chosen:
        if membership.user_id in invited:
            continue
        invited.add(membership.user_id)
        invitation = AssessmentInvitation.objects.create(
            assessment=locked, user=membership.user, organisation=membership.organisation
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=invitation,
            changes=diff({}, snapshot(invitation, INVITATION_FIELDS)),
        )
        created.append(invitation)
    if locked.status == AssessmentStatus.OPEN:
        _notify(actor, created, locked)
    return created


@transaction.atomic
def assessment_invitation_withdraw(*, actor: Actor, invitation: AssessmentInvitation) -> None:
    """Withdraw an invitation sent by mistake, as long as nothing was answered on it."""
    assessment = invitation.assessment
    _require_manager(actor, assessment.house)
    if invitation.submitted_at is not None or invitation.answers.exists():
        raise ServiceError(_("Deze deelnemer heeft al geantwoord; de uitnodiging blijft staan."))
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=invitation,
        changes=diff(snapshot(invitation, INVITATION_FIELDS), {}),
    )
    invitation.delete()


@transaction.atomic
def self_assessment_open(*, actor: Actor, assessment: SelfAssessment, expected_version: int | None) -> SelfAssessment:
    """Open the round: every invited participant is told (a neutral notice with a link).

    Raises:
        ServiceError: not a draft, or nobody invited.
    """
    _require_manager(actor, assessment.house)
    locked = lock_for_update(assessment, expected_version=expected_version)
    if locked.status != AssessmentStatus.DRAFT:
        raise ServiceError(_("Deze zelfevaluatie is al geopend."))
    invitations = list(AssessmentInvitation.objects.filter(assessment=locked).select_related("user"))
    if not invitations:
        raise ServiceError(_("Nodig eerst deelnemers uit; een zelfevaluatie zonder deelnemers kan niet open."))
    if locked.closes_on < timezone.localdate():
        raise ServiceError(_("De sluitdatum ligt in het verleden; kies eerst een nieuwe sluitdatum."))
    locked.status, locked.opened_at = AssessmentStatus.OPEN, timezone.now()
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"status": ["draft", "open"]})
    _notify(actor, invitations, locked)
    return locked


@transaction.atomic
def self_assessment_close(
    *, actor: Actor, assessment: SelfAssessment, expected_version: int | None, system: bool = False
) -> SelfAssessment:
    """Close the round: no more answers; forms saved but never sent in are not counted.

    Args:
        system: the periodic work closing a round past its closing day (no manager needed).
    """
    if not system:
        _require_manager(actor, assessment.house)
    locked = lock_for_update(assessment, expected_version=expected_version)
    if locked.status != AssessmentStatus.OPEN:
        raise ServiceError(_("Alleen een open zelfevaluatie kan worden gesloten."))
    locked.status, locked.closed_at = AssessmentStatus.CLOSED, timezone.now()
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"status": ["open", "closed"]})
    return locked


def _answer_errors(instrument_key: str, answers: Mapping[str, object]) -> dict[str, str | None]:
    chosen = instrument(instrument_key)
    errors: dict[str, str | None] = {}
    for key, value in answers.items():
        if key not in chosen.keys():
            errors[key] = _("Deze vraag hoort niet bij de vragenlijst.")
            continue
        question = chosen.question(key)
        if value in (None, ""):
            continue
        if question.kind == QuestionKind.SCALE and value not in SCALE_VALUES:
            errors[key] = _("Kies een van de antwoorden.")
        elif question.kind == QuestionKind.NUMBER and (
            not isinstance(value, int) or not question.minimum <= value <= question.maximum
        ):
            errors[key] = _("Vul een heel getal in van %(low)s tot en met %(high)s.") % {
                "low": question.minimum,
                "high": question.maximum,
            }
        elif question.kind == QuestionKind.TEXT and len(str(value)) > TEXT_MAX_LENGTH:
            errors[key] = _("Houd het korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX_LENGTH}
    return errors


@transaction.atomic
def assessment_answers_save(
    *,
    actor: Actor,
    invitation: AssessmentInvitation,
    answers: Mapping[str, object],
    submit: bool,
    expected_version: int | None,
) -> AssessmentInvitation:
    """Save the participant's answers (a question left empty has no answer); `submit` sends the
    form in, after which it counts and can no longer be changed. Only the participant writes
    their own form.

    Raises:
        PermissionDenied: someone else's invitation.
        ConflictError: the form was saved elsewhere (another tab) since it was loaded.
        ServiceError: the round is not open, or the form was sent in already.
        ValidationError: per question, an answer outside the choices or the range; on
            submit, a form with no answer at all.
    """
    if actor.user is None or invitation.user_id != actor.user.pk:
        raise PermissionDenied
    locked = lock_for_update(invitation, expected_version=expected_version)
    assessment = locked.assessment
    if assessment.status != AssessmentStatus.OPEN:
        raise ServiceError(_("Deze zelfevaluatie is niet open; u kunt niets meer wijzigen."))
    if locked.submitted_at is not None:
        raise ServiceError(_("U heeft uw antwoorden al ingestuurd."))
    errors = _answer_errors(assessment.instrument, answers)
    given = {key: value for key, value in answers.items() if value not in (None, "")}
    if submit and not given:
        errors["__all__"] = _("Beantwoord ten minste één vraag voordat u instuurt.")
    raise_errors(errors)
    kinds = {q.key: q.kind for q in instrument(assessment.instrument).questions()}
    before = locked.answers.count()
    locked.answers.exclude(question__in=list(given)).delete()
    existing = {answer.question: answer for answer in locked.answers.all()}
    for key, value in given.items():
        answer = existing.get(key) or AssessmentAnswer(invitation=locked, question=key)
        answer.choice = str(value) if kinds[key] == QuestionKind.SCALE else ""
        answer.number = value if kinds[key] == QuestionKind.NUMBER else None  # type: ignore[assignment]
        answer.text = str(value).strip() if kinds[key] == QuestionKind.TEXT else ""
        answer.save()
    changes: dict[str, list[object]] = {"answered": [before, len(given)]}
    if submit:
        locked.submitted_at = timezone.now()
        changes["submitted_at"] = [None, locked.submitted_at.isoformat()]
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def invitees_for(assessment: SelfAssessment) -> list[User]:
    return [invitation.user for invitation in assessment.invitations.select_related("user")]
