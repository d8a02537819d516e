"""The in-app notice that approved minutes are ready: a neutral sentence and a link to the
minutes page, never a name or case content, and never an e-mail with the minutes."""

from __future__ import annotations

from django.urls import reverse

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.meetings.models import Meeting
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send


def minutes_ready_notify(*, actor: Actor, meeting: Meeting, readers: list[tuple[User, int]]) -> None:
    """One notice per reader (see `selectors.minutes_readers`), linking to the minutes page,
    which checks again what each may read."""
    url = reverse("meetings:minutes", args=[meeting.pk])
    for user, case_id in readers:
        notification_send(actor=actor, recipient=user, kind=NotificationKind.MINUTES_READY, url=url, case_id=case_id)
