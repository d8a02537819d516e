"""No horizontal scroll at a 1280px-wide window (issue 8): the main pages of a process director
fit, the covenant's six-column matrix and a referral list with long organisation names included.
A wide table once widened the page grid, and with it the header, 48px past the window."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from playwright.sync_api import Page

from casustafel.testing.browser import sign_in, visit
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.information import publish_covenant_with
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import meeting_type_of, submitted_referral

pytestmark = pytest.mark.browser

WIDTH = 1280
PAGES = [
    "/",
    "/casussen/",
    "/casussen/aanmeldingen/",
    "/casussen/triage/",
    "/afspraken/",
    "/overleggen/",
    "/beheer/vervangingen/",
    "/privacy/bewaartermijnen/",
    "/leren/",
    "/rapportage/",
    "/privacy/convenant/",
]


def seed(personas: Personas) -> None:
    """A published covenant for a meeting type (its matrix has a column per sector) and
    referrals from an organisation with a long name."""
    meeting_type = meeting_type_of(personas, "Zorgoverleg huiselijk geweld")
    long_named = OrganisationFactory(
        house=personas.house, name="Politie Midden-Nederland, basisteam Gooi en Vechtstreek, afdeling Interventie"
    )
    publish_covenant_with(
        personas.house, participants=[personas.org_a, personas.org_b, long_named], meeting_type=meeting_type
    )
    now = timezone.now()
    for days in range(1, 4):
        submitted_referral(personas, at=now - dt.timedelta(days=days), meeting_type=meeting_type)


def test_main_pages_have_no_horizontal_scroll_at_1280px(page: Page, personas: Personas) -> None:
    seed(personas)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in(page, personas.process_director)
    too_wide = {}
    cramped = {}
    for path in PAGES:
        visit(page, path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[path] = overflow
        # A title that wraps at this width must not overlap itself: the document's line height is
        # a fixed 30px, smaller than the 40px of a first-level heading.
        heading = page.evaluate(
            "() => { const s = getComputedStyle(document.querySelector('h1'));"
            " return [parseFloat(s.lineHeight), parseFloat(s.fontSize)]; }"
        )
        if heading[0] < heading[1]:
            cramped[path] = heading
    assert too_wide == {}
    assert cramped == {}
