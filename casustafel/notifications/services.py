"""Writes on notifications. `notification_send` is the one way any app tells a user something
happened; the periodic work sends in batches through `notifications_send_many`. Both create the
in-app notice and mark it for e-mail according to the recipient's preferences; the e-mail itself
goes out later (`casustafel.notifications.delivery`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.notifications.gate import visible_case_ids
from casustafel.notifications.models import EmailState, Notification, NotificationKind, NotificationPreference


def _check(kind: str, url: str) -> None:
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("a notification links within the site")


def _email_off(user_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(user id, kind) pairs for which the users chose the app only."""
    return set(
        NotificationPreference.objects.filter(user_id__in=list(user_ids), email=False).values_list("user_id", "kind")
    )


@transaction.atomic
def notification_send(
    *,
    actor: Actor,
    recipient: User,
    kind: NotificationKind | str,
    url: str,
    case_id: int | None = None,
    key: str = "",
) -> Notification | None:
    """Notify `recipient` in the app (and by e-mail unless they chose otherwise): the kind's
    neutral sentence and a link within the site.

    Args:
        actor: who caused the event (recorded on the audit event).
        recipient: who is told. Nothing is sent (returns None) to an inactive account, or about a
            case the recipient cannot see.
        kind: what happened (`NotificationKind`); its label is the text shown and the subject.
        url: a path on this site ("/overleggen/3/"); the page behind it checks access itself.
        case_id: the case the event is about, if any (a plain number, never shown).
        key: for events the periodic work finds: sent once per recipient and key (returns None
            when it was sent before).

    Raises:
        ValueError: an unknown kind, or a link that leaves the site.
    """
    _check(str(kind), url)
    if not recipient.is_active:
        return None
    if case_id is not None and case_id not in visible_case_ids(recipient, [case_id]):
        return None
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    email = EmailState.NOT_WANTED if _email_off([recipient.pk]) & {(recipient.pk, str(kind))} else EmailState.PENDING
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, url=url, case_id=case_id, key=key, email_state=email
            )
    except IntegrityError:
        if key:  # another worker sent this one in the meantime
            return None
        raise
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=notification,
        case_id=case_id,
        changes={"recipient": [None, recipient.pk], "kind": [None, str(kind)]},
    )
    return notification


@dataclass(frozen=True)
class Outgoing:
    """One notification the periodic work wants to send (see `notifications_send_many`)."""

    recipient: User
    kind: str
    url: str
    key: str
    case_id: int | None = None


@transaction.atomic
def notifications_send_many(*, actor: Actor, outgoing: list[Outgoing]) -> list[Notification]:
    """Send what the periodic work found, each (recipient, key) once: what was sent before,
    to inactive accounts, or about cases a recipient cannot see is left out. One audit event
    lists the notifications created. Safe to run by several workers at once: a key another
    worker created first is skipped, not sent twice.

    Returns:
        The notifications created.
    """
    for item in outgoing:
        _check(item.kind, item.url)
        if not item.key:
            raise ValueError("notifications of the periodic work need a key")
    wanted = [item for item in outgoing if item.recipient.is_active]
    if not wanted:
        return []
    sent = set(
        Notification.objects.filter(
            recipient__in={item.recipient.pk for item in wanted}, key__in={item.key for item in wanted}
        ).values_list("recipient_id", "key")
    )
    wanted = [item for item in wanted if (item.recipient.pk, item.key) not in sent]
    cases_by_user: dict[int, set[int]] = defaultdict(set)
    users = {}
    for item in wanted:
        users[item.recipient.pk] = item.recipient
        if item.case_id is not None:
            cases_by_user[item.recipient.pk].add(item.case_id)
    visible = {user_id: visible_case_ids(users[user_id], case_ids) for user_id, case_ids in cases_by_user.items()}
    off = _email_off(users)
    rows: dict[tuple[int, str], Notification] = {}
    for item in wanted:
        pair = (item.recipient.pk, item.key)
        if pair in rows or (item.case_id is not None and item.case_id not in visible[item.recipient.pk]):
            continue
        rows[pair] = Notification(
            recipient=item.recipient,
            kind=item.kind,
            url=item.url,
            case_id=item.case_id,
            key=item.key,
            email_state=EmailState.NOT_WANTED if (item.recipient.pk, item.kind) in off else EmailState.PENDING,
        )
    if not rows:
        return []
    started = timezone.now()
    # A row another worker inserted since our check above is skipped by the unique constraint.
    Notification.objects.bulk_create(rows.values(), ignore_conflicts=True, batch_size=500)
    created = list(
        Notification.objects.filter(
            recipient__in={pair[0] for pair in rows}, key__in={pair[1] for pair in rows}, created_at__gte=started
        ).order_by("pk")
    )
    created = [notification for notification in created if (notification.recipient_id, notification.key) in rows]
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            changes={"notifications": [None, [notification.pk for notification in created]]},
        )
    return created


@transaction.atomic
def notification_preferences_set(*, actor: Actor, email_kinds: Iterable[str]) -> set[str]:
    """Set which kinds the actor also gets by e-mail; every other kind comes in the app only.

    Returns:
        The kinds switched to app-only.

    Raises:
        PermissionDenied: no user acts.
        ValueError: an unknown kind.
    """
    if actor.user is None:
        raise PermissionDenied
    chosen = set(email_kinds)
    unknown = chosen - set(NotificationKind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds {sorted(unknown)}")
    before = {kind for (_user, kind) in _email_off([actor.user.pk])}
    after = set(NotificationKind.values) - chosen
    if before == after:
        return after
    NotificationPreference.objects.filter(user=actor.user).delete()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=actor.user, kind=kind, email=False) for kind in sorted(after)
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=actor.user,
        changes={"notifications_app_only": [sorted(before), sorted(after)]},
    )
    return after


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
