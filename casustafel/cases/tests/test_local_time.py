"""Every time a user reads is in the house's time zone (Europe/Amsterdam): UTC+1 in winter,
UTC+2 in summer. A time formatted in Python without `localtime` shows UTC, an hour or two off
from the same moment on the page."""

from __future__ import annotations

import datetime as dt

from django.contrib.messages import get_messages
from django.urls import reverse

import pytest
import time_machine

from casustafel.cases.models import PartyRole, Referral
from casustafel.testing.cases import CasePartyFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import referral_of, referral_setting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("submitted_utc", "due_local"),
    [
        # Winter: submitted 15 January 10:00 UTC (11:00 local), due 48 hours later, 11:00 local.
        (dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC), "17 januari 2026 11:00"),
        # Summer: submitted 15 July 10:00 UTC (12:00 local), due 48 hours later, 12:00 local.
        (dt.datetime(2026, 7, 15, 10, 0, tzinfo=dt.UTC), "17 juli 2026 12:00"),
    ],
    ids=["winter", "summer"],
)
def test_the_message_after_submitting_shows_the_first_contact_deadline_in_local_time(
    personas: Personas, submitted_utc: dt.datetime, due_local: str
) -> None:
    referral = referral_of(personas, referral_setting(personas))
    CasePartyFactory(referral=referral, role=PartyRole.SUBJECT, person__house=personas.house)
    client = personas.client("professional_a")
    with time_machine.travel(submitted_utc, tick=False):
        response = client.post(
            reverse("cases:referral_submit", args=[referral.pk]), {"submit-version": referral.version}
        )
        page = client.get(reverse("cases:referral_detail", args=[referral.pk])).content.decode()
    assert response.status_code == 302
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert due_local in message, message
    # The page states the same moment the same way.
    assert due_local in page
    assert Referral.objects.get(pk=referral.pk).first_contact_due_at == submitted_utc + dt.timedelta(hours=48)


def test_month_abbreviations_are_lower_case_in_dutch_and_capitalised_in_english(personas: Personas) -> None:
    from django.utils import translation

    referral = referral_of(personas, referral_setting(personas), submitted=True)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    client = personas.client("professional_a")
    page = client.get(reverse("cases:referral_list")).content.decode()
    assert "3 dec 2026" in page and "3 Dec 2026" not in page
    client.post(reverse("set_language"), {"language": "en"})
    with translation.override("en"):
        english = client.get(reverse("cases:referral_list")).content.decode()
    assert "3 Dec 2026" in english
