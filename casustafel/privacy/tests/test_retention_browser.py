"""Retention of referrals in Chromium: the privacy officer finds a rejected referral and a stale
draft on the retention overview, extends the referral with a reason, and reads why the draft
cannot be extended. Every page passes axe-core and the CSP checks of casustafel.testing.browser."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
import time_machine
from playwright.sync_api import Page, expect

from casustafel.cases.models import Referral, ReferralStatus
from casustafel.privacy.models import RetentionExtension
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referral_retention import decided_referral, rich_referral

pytestmark = pytest.mark.browser


def test_privacy_officer_extends_a_rejected_referral_and_reads_about_a_stale_draft(
    page: Page, personas: Personas
) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, name="Zorgoverleg HG", retention_years=1)
    referral = decided_referral(
        personas, meeting_type=meeting_type, decided_on=timezone.localdate() - dt.timedelta(days=360)
    )
    with time_machine.travel(timezone.now() - dt.timedelta(days=370), tick=False):
        draft = rich_referral(personas, meeting_type=meeting_type, status=ReferralStatus.DRAFT)
    assert referral.retention_until is not None
    new_date = referral.retention_until + dt.timedelta(days=90)

    sign_in(page, personas.privacy_officer)
    visit(page, "/privacy/bewaartermijnen/")
    expect(
        page.get_by_role("heading", name="Aanmeldingen zonder casus, te vernietigen binnen 31 dagen")
    ).to_be_visible()
    expect(page.get_by_text("Kees")).to_have_count(0)

    follow(page, page.get_by_role("link", name=f"Aanmelding {referral.pk} bekijken of verlengen").click)
    follow(page, page.get_by_role("button", name="Verlengen").click)  # empty: both errors, no change
    expect(page.get_by_text("Vul de reden van de verlenging in.")).to_be_visible()
    page.get_by_label("Nieuwe bewaardatum").fill(new_date.isoformat())
    page.get_by_label("Reden van de verlenging").fill("Klacht over het besluit loopt nog")
    follow(page, page.get_by_role("button", name="Verlengen").click)
    expect(page.get_by_role("status").first).to_contain_text("De bewaartermijn is verlengd (1e verlenging)")
    assert Referral.objects.get(pk=referral.pk).retention_until == new_date
    assert RetentionExtension.objects.get(referral=referral).decided_by == personas.privacy_officer

    follow(page, page.get_by_role("link", name="Bewaartermijnen").first.click)
    follow(page, page.get_by_role("link", name=f"Bewaartermijn aanmelding {draft.pk} bekijken").click)
    expect(page.get_by_text("geen vaste bewaardatum om te verlengen")).to_be_visible()
    expect(page.get_by_role("button", name="Verlengen")).to_have_count(0)
