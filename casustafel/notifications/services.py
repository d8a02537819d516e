"""Writes on notifications. `notification_send` is the one way any app tells a user something
happened; the plans issue adds e-mail (a link and a neutral subject only) and per-user
preferences here, so callers need not change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.notifications.models import Notification, NotificationKind


@transaction.atomic
def notification_send(
    *, actor: Actor, recipient: User, kind: NotificationKind | str, url: str, case_id: int | None = None
) -> Notification | None:
    """Notify `recipient` in the app: the kind's neutral sentence and a link within the site.

    Args:
        actor: who caused the event (recorded on the audit event).
        recipient: who is told; an inactive account gets nothing (returns None).
        kind: what happened (`NotificationKind`); its label is the text shown.
        url: a path on this site ("/overleggen/3/"); the page behind it checks access itself.
        case_id: the case the event is about, if any (a plain number, never shown).

    Raises:
        ValueError: an unknown kind, or a link that leaves the site.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("a notification links within the site")
    if not recipient.is_active:
        return None
    notification = Notification.objects.create(recipient=recipient, kind=kind, url=url, case_id=case_id)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=notification,
        case_id=case_id,
        changes={"recipient": [None, recipient.pk], "kind": [None, str(kind)]},
    )
    return notification


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read (no-op when it already is).

    Raises:
        PermissionDenied: the notification is someone else's.
    """
    if actor.user is None or notification.recipient_id != actor.user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=notification, changes={"read_at": [None, notification.read_at]}
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    """Mark all of the actor's unread notifications as read; returns how many."""
    if actor.user is None:
        raise PermissionDenied
    unread = list(Notification.objects.unread().filter(recipient=actor.user).values_list("pk", flat=True))
    if not unread:
        return 0
    now = timezone.now()
    Notification.objects.filter(pk__in=unread).update(read_at=now)
    audit_record(actor=actor, action=AuditAction.UPDATE, changes={"notifications_read": [None, unread]})
    return len(unread)
