"""The retention page of a referral without a case, and referrals on the retention overview: who
gets in (every persona), what they show, the extension form, and no drafts for process
directors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Referral, ReferralStatus
from casustafel.meeting_types.models import MeetingType
from casustafel.privacy.models import RetentionExtension
from casustafel.privacy.retention.services import referral_destroy, referral_retention_extend
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas
from casustafel.testing.referral_retention import decided_referral, rich_referral
from casustafel.testing.referrals import actor_for

READERS = {
    "anonymous": 302,
    "process_director": 200,
    "secretary": 404,
    "house_manager": 404,
    "administrator": 404,
    "privacy_officer": 200,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
    "outsider_house": 404,
}
EXTENDERS = {**READERS, "process_director": 403, "privacy_officer": 302}
DRAFT_READERS = {**READERS, "process_director": 404}


@pytest.fixture
def meeting_type(personas: Personas) -> MeetingType:
    return MeetingTypeFactory(house=personas.house, name="Zorgoverleg HG", retention_years=1)


def rejected(personas: Personas, meeting_type: MeetingType, *, days_ago: int = 360) -> Referral:
    """Rejected `days_ago` days ago under a one-year term: due within a month at 360."""
    return decided_referral(
        personas, meeting_type=meeting_type, decided_on=timezone.localdate() - dt.timedelta(days=days_ago)
    )


def stale_draft(personas: Personas, meeting_type: MeetingType, *, days_ago: int = 370) -> Referral:
    """A draft nobody touched for `days_ago` days: past REFERRAL_STALE_MONTHS (12) at 370."""
    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=False):
        return rich_referral(personas, meeting_type=meeting_type, status=ReferralStatus.DRAFT)


def url(referral: Referral) -> str:
    return reverse("privacy:retention_referral", args=[referral.pk])


def content(response: Any) -> str:
    return response.content.decode()


# --- Who gets in ------------------------------------------------------------------------------


def test_retention_referral_matrix(personas: Personas, meeting_type: MeetingType) -> None:
    referral = rejected(personas, meeting_type)
    assert_matrix(personas, "get", url(referral), READERS)
    new_dates = iter(range(1, 100))

    def data() -> dict[str, Any]:
        current = Referral.objects.get(pk=referral.pk)
        assert current.retention_until is not None
        return {
            "new_date": (current.retention_until + dt.timedelta(days=next(new_dates))).isoformat(),
            "reason": "Klacht over het besluit",
            "version": current.version,
        }

    assert_matrix(personas, "post", url(referral), EXTENDERS, data=data)
    assert RetentionExtension.objects.filter(referral=referral).count() == 1


def test_a_drafts_retention_page_is_for_the_privacy_officer_only(personas: Personas, meeting_type: MeetingType) -> None:
    draft = stale_draft(personas, meeting_type, days_ago=10)
    assert_matrix(personas, "get", url(draft), DRAFT_READERS)


def test_a_referral_awaiting_triage_or_with_a_case_has_no_retention_page(
    personas: Personas, meeting_type: MeetingType
) -> None:
    awaiting = rich_referral(personas, meeting_type=meeting_type)
    assert personas.client("privacy_officer").get(url(awaiting)).status_code == 404


# --- The overview -----------------------------------------------------------------------------


def test_overview_lists_referrals_due_and_hides_drafts_from_process_directors(
    personas: Personas, meeting_type: MeetingType
) -> None:
    due = rejected(personas, meeting_type, days_ago=360)
    later = rejected(personas, meeting_type, days_ago=10)
    draft = stale_draft(personas, meeting_type)
    referral_retention_extend(
        actor=actor_for(personas, "privacy_officer"),
        referral=due,
        new_date=Referral.objects.get(pk=due.pk).retention_until + dt.timedelta(days=1),  # type: ignore[operator]
        reason="Klacht",
    )
    officer = content(personas.client("privacy_officer").get(reverse("privacy:retention_overview")))
    assert url(due) in officer
    assert url(draft) in officer
    assert url(later) not in officer
    assert "Concept, niet ingediend" in officer
    assert "Niet aangenomen" in officer
    assert "verstreken" in officer  # the draft is overdue: the job has not run
    assert '<span class="ct-badge">1e verlenging</span>' in officer
    assert "Kees" not in officer  # no personal data on the overview
    director = content(personas.client("process_director").get(reverse("privacy:retention_overview")))
    assert url(due) in director
    assert url(draft) not in director


def test_overview_lists_referral_destruction_records_and_the_page_shows_the_record(
    personas: Personas, meeting_type: MeetingType
) -> None:
    referral = rejected(personas, meeting_type, days_ago=400)
    draft = stale_draft(personas, meeting_type)
    referral_destroy(actor=actor_for(personas, "privacy_officer"), referral=referral)
    referral_destroy(actor=actor_for(personas, "privacy_officer"), referral=draft)
    officer = content(personas.client("privacy_officer").get(reverse("privacy:retention_overview")))
    assert 'Vernietigingsverklaringen <span class="ct-count">(2)</span>' in officer
    assert url(referral) in officer
    assert url(draft) in officer
    director = content(personas.client("process_director").get(reverse("privacy:retention_overview")))
    assert 'Vernietigingsverklaringen <span class="ct-count">(1)</span>' in director
    assert url(draft) not in director

    page = content(personas.client("privacy_officer").get(url(referral)))
    assert "Vernietigingsverklaring" in page
    assert "Aanmelding zonder casus, bewaartermijn na besluit verstreken" in page
    assert "betrokkenen in casus: 2" in page
    assert 'name="new_date"' not in page
    response = personas.client("privacy_officer").post(url(referral), {"new_date": "2099-01-01", "reason": "x"})
    assert response.status_code == 302
    assert not RetentionExtension.objects.exists()
    draft_page = content(personas.client("privacy_officer").get(url(draft)))
    assert "12 maanden ongebruikt" in draft_page


# --- One referral -----------------------------------------------------------------------------


def test_referral_page_shows_the_term_and_history_and_writes_one_read_event(
    personas: Personas, meeting_type: MeetingType
) -> None:
    referral = rejected(personas, meeting_type)
    officer = actor_for(personas, "privacy_officer")
    for days in (10, 20):
        current = Referral.objects.get(pk=referral.pk)
        referral_retention_extend(
            actor=officer,
            referral=current,
            new_date=current.retention_until + dt.timedelta(days=days),  # type: ignore[operator]
            reason="Klachtprocedure loopt",
        )
    before = AuditEvent.objects.filter(action=AuditAction.READ).count()
    page = content(personas.client("privacy_officer").get(url(referral)))
    assert "standaardtermijn van het overlegtype" in page
    assert "1e verlenging" in page
    assert '<span class="ct-badge ct-badge--warning">2e verlenging</span>' in page
    assert "Klachtprocedure loopt" in page
    assert 'name="new_date"' in page
    reads = AuditEvent.objects.filter(action=AuditAction.READ)
    assert reads.count() == before + 1
    event = reads.latest("sequence")
    assert (event.object_type, event.object_id) == ("cases.referral", str(referral.pk))


def test_a_stale_referral_page_explains_and_offers_no_extension(personas: Personas, meeting_type: MeetingType) -> None:
    draft = stale_draft(personas, meeting_type, days_ago=10)
    client = personas.client("privacy_officer")
    page = content(client.get(url(draft)))
    assert "geen vaste bewaardatum om te verlengen" in page
    assert 'name="new_date"' not in page
    response = client.post(url(draft), {"new_date": "2099-01-01", "reason": "Nog nodig"})
    assert response.status_code == 302
    assert not RetentionExtension.objects.exists()


def test_an_empty_extension_post_shows_the_errors_and_a_bad_date_keeps_the_input(
    personas: Personas, meeting_type: MeetingType
) -> None:
    referral = rejected(personas, meeting_type)
    client = personas.client("privacy_officer")
    page = content(client.post(url(referral), {"version": referral.version}))
    assert "Vul de reden van de verlenging in." in page
    assert "Vul de nieuwe bewaardatum in." in page
    assert referral.retention_until is not None
    earlier = referral.retention_until - dt.timedelta(days=3)
    response = client.post(
        url(referral), {"new_date": earlier.isoformat(), "reason": "Mijn invoer", "version": referral.version}
    )
    assert response.status_code == 200
    assert "De nieuwe datum moet na de huidige bewaardatum" in content(response)
    assert "Mijn invoer" in content(response)
    assert not RetentionExtension.objects.exists()
