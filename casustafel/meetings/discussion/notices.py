"""The in-app notice that approved minutes are ready: a neutral sentence and a link to the
minutes page, never a name or case content, and never an e-mail with the minutes."""

from __future__ import annotations

from django.urls import reverse

from casustafel.accounts.models import User
from casustafel.meetings.models import Meeting
from casustafel.notifications.models import Notification, NotificationKind


def minutes_ready_notify(*, meeting: Meeting, readers: list[tuple[User, int]]) -> list[Notification]:
    """One notice per reader (see `selectors.minutes_readers`), linking to the minutes page,
    which checks again what each may read."""
    url = reverse("meetings:minutes", args=[meeting.pk])
    return [
        Notification.objects.create(recipient=user, kind=NotificationKind.MINUTES_READY, url=url, case_id=case_id)
        for user, case_id in readers
    ]
