"""The writes the demo needs that the ordinary services do not offer: a precomputed password
hash, and historical dates for what the demo builds today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.notifications.models import Notification


@transaction.atomic
def demo_user_password_hash_set(*, actor: Actor, user: User, password_hash: str) -> None:
    """Give a demo user an already computed password hash.

    Hashing costs ~0.1 s with Argon2; the demo hashes its shared password once and hands the
    hash to every user. Audited like any password change.

    Args:
        actor: who sets it (the system, for the demo build).
        user: the demo user.
        password_hash: output of `make_password`; refused when no configured hasher knows it.
    """
    identify_hasher(password_hash)  # ValueError for anything that is not a usable hash
    user.password = password_hash
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditAction.PASSWORD_CHANGED, obj=user)


# Fields the demo may move into the past, per model ("app_label.model"). Only dates and moments:
# nothing that says what happened, only when. Anything else is refused.
BACKDATABLE: dict[str, frozenset[str]] = {
    "cases.referral": frozenset(
        {"created_at", "updated_at", "submitted_at", "first_contact_due_at", "response_due_at", "outcome_at"}
    ),
    "cases.person": frozenset({"created_at", "updated_at"}),
    "cases.caseparty": frozenset({"created_at", "updated_at", "known_checked_at"}),
    "cases.lifedomainproblem": frozenset({"created_at", "updated_at"}),
    "cases.prioraction": frozenset({"created_at", "updated_at"}),
    "cases.informationrequest": frozenset({"created_at", "updated_at", "answered_at"}),
    "cases.triage": frozenset({"created_at", "updated_at", "decided_at"}),
    "cases.case": frozenset({"created_at", "updated_at", "opened_at", "first_meeting_date"}),
    "cases.caseinvolvement": frozenset({"created_at", "updated_at", "started_at"}),
    "cases.casefact": frozenset({"created_at", "updated_at"}),
    "meeting_types.criteriasetversion": frozenset({"created_at", "updated_at", "published_at"}),
    "privacy.covenantversion": frozenset({"created_at", "updated_at", "published_at"}),
    "meetings.meeting": frozenset({"created_at", "updated_at", "starts_at", "ends_at", "invitations_sent_at"}),
    "meetings.invitation": frozenset({"created_at", "updated_at", "notified_at", "responded_at"}),
    "notifications.notification": frozenset({"created_at", "read_at"}),
    "meetings.minutes": frozenset({"created_at", "approved_at"}),
    # The plans issue (demo/plans.py): closed episodes of earlier years, escalations in progress.
    "plans.phasemove": frozenset({"created_at", "updated_at", "moved_at"}),
    "plans.actionplan": frozenset({"created_at", "updated_at"}),
    "plans.planversion": frozenset({"created_at"}),
    "plans.goal": frozenset({"created_at", "updated_at", "status_on"}),
    "plans.minimumrequirement": frozenset({"created_at", "updated_at"}),
    "plans.agreement": frozenset({"created_at", "updated_at", "responded_at", "progress_at", "ended_at"}),
    "plans.agreementupdate": frozenset({"created_at", "updated_at", "reported_at"}),
    "plans.directionassignment": frozenset({"created_at", "updated_at", "proposed_at", "responded_at", "ended_at"}),
    "plans.closureplan": frozenset({"created_at", "updated_at"}),
    "plans.followup": frozenset({"created_at", "updated_at", "answered_at"}),
    "escalations.escalation": frozenset({"created_at", "updated_at", "raised_at"}),
    "escalations.escalationstage": frozenset({"created_at", "updated_at", "started_at"}),
    "learning.selfassessment": frozenset({"created_at", "updated_at", "opened_at", "closes_on", "closed_at"}),
    "learning.assessmentinvitation": frozenset({"created_at", "notified_at", "submitted_at"}),
    "learning.improvementplan": frozenset({"created_at", "updated_at"}),
    "learning.improvementaction": frozenset({"created_at", "updated_at", "due_date"}),
}


@transaction.atomic
def demo_dates_set(
    *, actor: Actor, obj: models.Model, case_id: int | None = None, person_id: int | None = None, **dates: Any
) -> None:
    """Demo only: move the dates of an object the demo just made through the ordinary services
    into the past, so two years of referrals look like two years rather than one afternoon.

    The services stamp `timezone.now()`; time-machine (which could freeze the clock instead) is
    a development dependency only, and the demo must also run from a plain install. So the
    demo builds everything today and then sets the historical dates here. This is audited like
    any change (an UPDATE event with the old and new dates, by `actor`, normally the system).
    Audit events themselves are never touched: their own times stay the moment the demo was
    built and the hash chain stays intact; the access log therefore shows the demo being built
    today, while the screens show the historical dates.

    Args:
        actor: who sets the dates (the system actor in the demo builder).
        obj: a saved object of a model listed in `BACKDATABLE`.
        case_id, person_id: for the audit event, as the service that made `obj` recorded them.
        **dates: field name -> date or datetime; only the fields `BACKDATABLE` allows.

    Raises:
        PermissionDenied: in production.
        TypeError: a model or field the demo may not backdate.
    """
    if settings.PRODUCTION:
        raise PermissionDenied
    label = obj._meta.label_lower
    allowed = BACKDATABLE.get(label, frozenset())
    refused = set(dates) - allowed
    if refused:
        raise TypeError(f"demo_dates_set may not set {sorted(refused)} on {label}")
    if not dates:
        return
    before = snapshot(obj, dates)
    # A queryset update: `save()` would stamp `updated_at` with now again.
    type(obj)._default_manager.filter(pk=obj.pk).update(**dates)
    for name, value in dates.items():
        setattr(obj, name, value)
    changes = diff(before, snapshot(obj, dates))
    if changes:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=obj, case_id=case_id, person_id=person_id, changes=changes
        )


@transaction.atomic
def demo_notifications_settle(*, actor: Actor, notifications: models.QuerySet[Notification], created_at: Any) -> int:
    """Demo only: notices the history build sent about events of years ago went out then and
    were read long ago (an hour later), instead of piling up unread today. One update and one
    audit event listing the notices, as the periodic work writes its batches.

    Raises:
        PermissionDenied: in production.
    """
    if settings.PRODUCTION:
        raise PermissionDenied
    ids = sorted(notifications.values_list("pk", flat=True))
    if not ids:
        return 0
    read_at = created_at + dt.timedelta(hours=1)
    Notification.objects.filter(pk__in=ids).update(created_at=created_at, read_at=read_at)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        changes={
            "notifications": [None, ids],
            "created_at": [None, created_at.isoformat()],
            "read_at": [None, read_at.isoformat()],
        },
    )
    return len(ids)
