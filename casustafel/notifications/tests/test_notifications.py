"""In-app notifications: a neutral sentence and a link, one's own only, read by opening."""

from __future__ import annotations

from django.urls import reverse

import pytest

from casustafel.audit.context import Actor
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db


def _send(personas: Personas, name: str = "professional_a", url: str = "/overleggen/1/") -> Notification:
    # No case: a notice about a case goes only to someone who may see it (tested in plans).
    notification = notification_send(
        actor=Actor.system(), recipient=personas.users[name], kind=NotificationKind.INVITED, url=url, case_id=None
    )
    assert notification is not None
    return notification


def test_a_notification_links_only_within_the_site_and_has_a_known_kind(personas: Personas) -> None:
    for url in ("https://elders.example/", "//elders.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            _send(personas, url=url)
    with pytest.raises(ValueError):
        notification_send(actor=Actor.system(), recipient=personas.professional_a, kind="free text", url="/")


def test_an_inactive_account_gets_no_notification(personas: Personas) -> None:
    personas.professional_a.is_active = False
    personas.professional_a.save()
    assert (
        notification_send(
            actor=Actor.system(), recipient=personas.professional_a, kind=NotificationKind.INVITED, url="/"
        )
        is None
    )


def test_the_text_is_the_kinds_sentence_in_the_readers_language(personas: Personas) -> None:
    from django.utils import translation

    notification = _send(personas)
    assert notification.text == "U bent uitgenodigd voor een casusoverleg."
    with translation.override("en"):
        assert notification.text == "You have been invited to a case meeting."


def test_the_list_and_the_header_count_show_ones_own_unread_notifications(personas: Personas) -> None:
    _send(personas)
    _send(personas)
    _send(personas, name="professional_b")
    client = personas.client("professional_a")
    count = client.get(reverse("notifications:unread_count")).content.decode()
    assert "2 nieuw" in count
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert page.count("U bent uitgenodigd voor een casusoverleg.") == 2


def test_opening_marks_read_and_follows_the_link(personas: Personas) -> None:
    notification = _send(personas, url="/overleggen/")
    response = personas.client("professional_a").post(
        reverse("notifications:notification_open", args=[notification.pk])
    )
    assert response.status_code == 302 and response["Location"] == "/overleggen/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    other = personas.client("professional_b").post(reverse("notifications:notification_open", args=[notification.pk]))
    assert other.status_code == 404


def test_marking_all_read(personas: Personas) -> None:
    _send(personas)
    _send(personas)
    response = personas.client("professional_a").post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.unread().filter(recipient=personas.professional_a).exists()
