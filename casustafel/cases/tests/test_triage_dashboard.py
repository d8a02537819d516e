"""Start page for process directors and secretaries: referrals awaiting triage and
referrals near or past their first-contact norm or desired response term."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.cases.models import Referral
from casustafel.cases.selectors.triage import awaiting_triage_for, near_deadline_for
from casustafel.testing.referrals import referral_of
from casustafel.testing.triage import decide, triage_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas):
    return triage_setting(personas)


def test_awaiting_triage_lists_submitted_referrals_of_the_house(personas, setting):
    assert list(awaiting_triage_for(personas.process_director)) == [setting.referral]
    assert list(awaiting_triage_for(personas.secretary)) == [setting.referral]
    assert not awaiting_triage_for(personas.professional_a).exists()
    decide(personas, setting, outcome="reject")
    assert not awaiting_triage_for(personas.process_director).exists()


def test_drafts_never_await_triage(personas, setting):
    referral_of(personas, setting)
    assert list(awaiting_triage_for(personas.process_director)) == [setting.referral]


def test_near_deadline_means_within_24_hours_or_past(personas, setting):
    now = timezone.now()
    referral = setting.referral
    Referral.objects.filter(pk=referral.pk).update(
        first_contact_due_at=now + dt.timedelta(hours=30), response_due_at=now + dt.timedelta(days=10)
    )
    assert not near_deadline_for(personas.process_director, now).exists()
    Referral.objects.filter(pk=referral.pk).update(first_contact_due_at=now + dt.timedelta(hours=20))
    assert near_deadline_for(personas.process_director, now).get().first_contact_late is False
    Referral.objects.filter(pk=referral.pk).update(first_contact_due_at=now - dt.timedelta(hours=1))
    assert near_deadline_for(personas.process_director, now).get().first_contact_late is True


def test_a_recorded_first_contact_no_longer_counts_but_the_response_term_does(personas, setting):
    now = timezone.now()
    Referral.objects.filter(pk=setting.referral.pk).update(
        first_contact_due_at=now - dt.timedelta(hours=1),
        first_contact_at=now - dt.timedelta(hours=2),
        response_due_at=now + dt.timedelta(days=10),
    )
    assert not near_deadline_for(personas.process_director, now).exists()
    Referral.objects.filter(pk=setting.referral.pk).update(response_due_at=now - dt.timedelta(days=1))
    assert near_deadline_for(personas.process_director, now).get().response_late is True


def test_decided_referrals_are_off_the_deadline_list(personas, setting):
    Referral.objects.filter(pk=setting.referral.pk).update(first_contact_due_at=timezone.now() - dt.timedelta(hours=1))
    decide(personas, setting, outcome="reject")
    assert not near_deadline_for(personas.process_director).exists()


def test_start_page_shows_both_sections_to_process_directors(personas, setting):
    Referral.objects.filter(pk=setting.referral.pk).update(first_contact_due_at=timezone.now() - dt.timedelta(hours=1))
    html = personas.client("process_director").get(reverse("dashboards:start")).content.decode()
    assert "Wachten op triage" in html
    assert "Aanmeldingen bij of over de termijn" in html
    assert reverse("cases:triage_detail", args=[setting.referral.pk]) in html
    assert "te laat" in html


def test_start_page_has_no_triage_sections_for_professionals(personas, setting):
    html = personas.client("professional_b").get(reverse("dashboards:start")).content.decode()
    assert "Wachten op triage" not in html
