"""The attendance record: per part of an item and per invited organisation, present (and
whether as a substitute) or absent with or without notice. Recorded by the house staff (the
chair or the minute-taker) from the moment the meeting starts; kept for reporting how often a
crucial partner was absent.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meetings.models import (
    AgendaItemPart,
    Attendance,
    AttendanceStatus,
    Invitation,
    InvitationStatus,
    MeetingStatus,
)
from casustafel.meetings.services.meetings import require_house_staff
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership
from casustafel.privacy.subject_access.restrictions import restriction_exempt

ATTENDANCE_FIELDS = ("status", "attended_by", "as_substitute")


def default_attendee(invitation: Invitation) -> User | None:
    """Who is expected to come for the organisation: the named substitute, else the invitee."""
    if invitation.status == InvitationStatus.SUBSTITUTE:
        return invitation.substitute
    return invitation.invitee


@restriction_exempt("which organisation was at the table")
@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    part: AgendaItemPart,
    invitation: Invitation,
    status: str,
    attended_by: User | None = None,
    expected_version: int | None = None,
) -> Attendance:
    """Record (or correct) whether an invited organisation was at one part. Present without a
    named person means whoever was expected (`default_attendee`); someone else than the invitee
    counts as a substitute.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the house.
        ConflictError: someone else recorded this attendance in the meantime.
        ServiceError: the meeting has not started yet, or was cancelled.
        ValidationError: an organisation not invited to this part, an unknown status, or a
            person who does not work for the organisation.
    """
    meeting = part.item.meeting
    require_house_staff(actor, meeting.house_id)
    recorder = actor.user
    assert recorder is not None  # house staff are people
    if meeting.status == MeetingStatus.CANCELLED or meeting.starts_at > timezone.now():
        raise ServiceError(_("Aanwezigheid legt u vast vanaf het begin van het overleg."))
    errors: dict[str, str] = {}
    if not part.invitations.filter(pk=invitation.pk).exists():
        errors["invitation"] = _("Deze organisatie is niet uitgenodigd voor dit deel.")
    if status not in AttendanceStatus.values:
        errors["status"] = _("Kies aanwezig, afwezig met bericht of afwezig zonder bericht.")
    person = attended_by or (default_attendee(invitation) if status == AttendanceStatus.PRESENT else None)
    if status != AttendanceStatus.PRESENT:
        person = None
    elif (
        person is not None
        and not Membership.objects.filter(
            user=person, organisation=invitation.organisation_id, role__in=CASE_WORKER_ROLES
        ).exists()
    ):
        errors["attended_by"] = _("Kies iemand die bij deze organisatie werkt.")
    if errors:
        raise ValidationError(errors)
    as_substitute = person is not None and invitation.invitee_id is not None and person.pk != invitation.invitee_id
    existing = Attendance.objects.filter(part=part, invitation=invitation).first()
    if existing is None:
        attendance = Attendance.objects.create(
            part=part,
            invitation=invitation,
            status=status,
            attended_by=person,
            as_substitute=as_substitute,
            recorded_by=recorder,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=attendance,
            case_id=part.item.case_id,
            changes=diff({}, snapshot(attendance, ("part", "invitation", *ATTENDANCE_FIELDS))),
        )
        return attendance
    locked = lock_for_update(existing, expected_version=expected_version)
    before = snapshot(locked, ATTENDANCE_FIELDS)
    locked.status, locked.attended_by, locked.as_substitute = status, person, as_substitute
    changes = diff(before, snapshot(locked, ATTENDANCE_FIELDS))
    if not changes:
        return locked
    locked.recorded_by = recorder
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=part.item.case_id, changes=changes)
    return locked


def suggested_status(invitation: Invitation) -> str:
    """What the attendance form proposes: absent with notice for a declined invitation,
    present otherwise (the minute-taker corrects who did not come)."""
    if invitation.status == InvitationStatus.DECLINED:
        return AttendanceStatus.ABSENT_WITH_NOTICE
    return AttendanceStatus.PRESENT
