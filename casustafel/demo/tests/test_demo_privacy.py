"""Demo privacy work: an open subject access request with an exception on the privacy officer's
start page, a rectification note and an active restriction mark, a draft due for destruction,
through the services, idempotent."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseParty
from casustafel.demo.builder import DemoRegion
from casustafel.demo.privacy import build_demo_privacy
from casustafel.organisations.models import Role
from casustafel.privacy.retention.selectors import referral_destructions_due
from casustafel.privacy.subject_access.models import (
    ExceptionGround,
    RectificationDecision,
    RectificationNote,
    RestrictionMark,
    SarStatus,
    SubjectAccessRequest,
)
from casustafel.privacy.subject_access.restrictions import is_restricted
from casustafel.testing.personas import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


def test_an_open_request_about_a_case_subject_withholds_the_polices_information(region: DemoRegion) -> None:
    request = SubjectAccessRequest.objects.filter(house=region.house).open().get()
    today = timezone.localdate()

    assert request.status == SarStatus.IN_PROGRESS
    assert today + dt.timedelta(days=14) <= request.effective_due_on <= today + dt.timedelta(days=28)
    assert Case.objects.filter(referral__parties__person=request.person).exists()
    exception = request.exceptions.active().get()
    assert exception.ground == ExceptionGround.CRIMINAL_INVESTIGATION
    assert list(exception.organisations.all()) == [region.organisations["police"]]
    audited = AuditEvent.objects.filter(object_type="privacy.subjectaccessrequest", person_id=request.person_id)
    assert audited.filter(action=AuditAction.CREATE).count() == 1


def test_the_privacy_officers_start_page_shows_the_open_request_and_the_draft_due(region: DemoRegion) -> None:
    officer = region.staff(Role.PRIVACY_OFFICER).user
    request = SubjectAccessRequest.objects.filter(house=region.house).open().get()
    client = Client()
    login_verified(client, officer)

    response = client.get(reverse("dashboards:start"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("privacy:sar_detail", args=[request.pk]) in page
    assert "Er staan geen inzageverzoeken open." not in page
    assert "Er worden de komende maand geen aanmeldingen vernietigd." not in page


def test_another_person_has_a_statement_and_an_active_restriction_mark(region: DemoRegion) -> None:
    mark = RestrictionMark.objects.get(person__house=region.house)
    note = RectificationNote.objects.get(person=mark.person)
    open_request = SubjectAccessRequest.objects.filter(house=region.house).open().get()

    assert mark.is_active() and is_restricted(mark.person_id)
    assert note.decision == RectificationDecision.NOTE_ADDED and note.statement
    assert mark.person_id != open_request.person_id
    assert note.request is not None and note.request.status == SarStatus.PROVIDED
    # Nothing later in the demo adds information about them: they appear in one referral only.
    assert CaseParty.objects.filter(person=mark.person).count() == 1


def test_a_referral_without_a_case_is_due_for_destruction_within_a_month(region: DemoRegion) -> None:
    today = timezone.localdate()
    rows = referral_destructions_due(region.house.pk)

    assert rows
    assert all(today + dt.timedelta(days=7) <= row.keep_until <= today + dt.timedelta(days=28) for row in rows)


def test_running_it_again_adds_nothing(region: DemoRegion) -> None:
    before = (SubjectAccessRequest.objects.count(), RestrictionMark.objects.count(), AuditEvent.objects.count())

    again = build_demo_privacy(region)

    assert again.request is None and again.mark is None and again.stale_draft is None
    assert (
        SubjectAccessRequest.objects.count(),
        RestrictionMark.objects.count(),
        AuditEvent.objects.count(),
    ) == before
