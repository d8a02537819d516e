"""E-mailing notifications: a neutral subject and a link, nothing else.

The subject is the notification's neutral sentence in the recipient's language; the body repeats
it with the link. No name, case number or content ever goes into a mail: the page behind the link
checks access itself after logging in.

Several workers on several machines may run this at once. Each notification is claimed first, in
its own short transaction, by a conditional update (`email_state` still pending and not claimed,
or claimed so long ago that its worker must have died); only the worker whose update changed the
row sends it. The claim is committed before the mail goes out, so a second worker never sees the
notification as free while the first is sending.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casustafel.notifications.gate import visible_case_ids
from casustafel.notifications.models import EmailState, Notification

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died before finishing.
STALE_CLAIM = dt.timedelta(minutes=15)
BATCH = 200


@dataclass
class DeliveryResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def _claimable(now: dt.datetime) -> Q:
    return Q(email_state=EmailState.PENDING) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - STALE_CLAIM)
    )


def notification_claim(*, notification_id: int, worker: str) -> bool:
    """Claim one notification for e-mailing; True when this worker got it (the single-row form
    of `notifications_claim`)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Notification.objects.filter(_claimable(now), pk=notification_id).update(
            email_claimed_at=now, email_claimed_by=worker[:100]
        )
    return claimed == 1


def _finish(notification_id: int, worker: str, state: EmailState) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id, email_claimed_by=worker[:100]).update(
            email_state=state, emailed_at=timezone.now() if state == EmailState.SENT else None
        )


def _release(notification_id: int, worker: str) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id, email_claimed_by=worker[:100]).update(
            email_claimed_at=None, email_claimed_by=""
        )


def _message(notification: Notification) -> EmailMessage:
    user = notification.recipient
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = notification.text
        body = "\n\n".join(
            [
                subject,
                _("Bekijk het in Casustafel (u logt eerst in):"),
                f"{settings.SITE_URL}{notification.url}",
                _(
                    "Dit bericht bevat bewust geen namen of inhoud. U kunt in Casustafel bij 'Meldingen' "
                    "instellen welke meldingen u per e-mail krijgt."
                ),
            ]
        )
    return EmailMessage(subject=subject, body=body, to=[user.email])


def notifications_claim(*, worker: str, limit: int = BATCH) -> list[int]:
    """Claim up to `limit` pending notifications in one transaction; the ids this worker got.

    The update re-checks that each row is still claimable as it writes it (PostgreSQL re-reads
    a row another transaction changed meanwhile; SQLite runs one writer at a time), so two
    workers that picked the same rows each get only the ones they changed. The claim carries a
    token of this run, so reading back returns exactly this run's rows.
    """
    now = timezone.now()
    token = f"{worker[:80]}:{uuid.uuid4().hex[:12]}"
    with transaction.atomic():
        candidates = list(
            Notification.objects.filter(_claimable(now))
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(_claimable(now), pk__in=candidates).update(
            email_claimed_at=now, email_claimed_by=token
        )
    return list(
        Notification.objects.filter(email_claimed_by=token, email_state=EmailState.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def notifications_deliver(*, worker: str, limit: int = BATCH) -> DeliveryResult:
    """E-mail up to `limit` pending notifications this worker manages to claim.

    A notification whose recipient can no longer see its case, or whose account is inactive, is
    marked skipped and not sent. A mail server error releases the claim, so the next run tries
    again; the log gets the notification id only. Each notification is marked sent right after
    its mail went out, so a worker that dies mid-batch leaves only unsent ones to be taken over.
    """
    result = DeliveryResult()
    claimed = notifications_claim(worker=worker, limit=limit)
    for notification in Notification.objects.filter(pk__in=claimed).select_related("recipient").order_by("pk"):
        token, user = notification.email_claimed_by, notification.recipient
        gone = notification.case_id is not None and notification.case_id not in visible_case_ids(
            user, [notification.case_id]
        )
        if not user.is_active or not user.email or gone:
            _finish(notification.pk, token, EmailState.SKIPPED)
            result.skipped += 1
            continue
        try:
            _message(notification).send()
        except OSError:
            logger.warning("notification %s: e-mail not sent, retried on the next run", notification.pk)
            _release(notification.pk, token)
            result.failed += 1
            continue
        _finish(notification.pk, token, EmailState.SENT)
        result.sent += 1
    return result


def deliver_pending() -> dict[str, int]:
    """The periodic job (`settings.PERIODIC_WORK`): e-mail what is pending, claimed under this
    machine's and process's name."""
    result = notifications_deliver(worker=f"{socket.gethostname()}:{os.getpid()}")
    return {"emails_sent": result.sent, "emails_skipped": result.skipped, "emails_failed": result.failed}
