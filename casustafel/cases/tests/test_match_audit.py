"""Proposing a registered person while a referrer adds someone to a draft is an access to that
person's registration: one search event on the referral links every proposed person, and the
person's subject-access overview shows it (issue 7, the audit of matches)."""

from __future__ import annotations

import datetime as dt

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import PartyRole
from casustafel.cases.services.persons import case_party_add_person
from casustafel.privacy.subject_access.selectors import sar_overview
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for, referral_of, referral_setting
from casustafel.testing.sar import make_request, person_in_referral

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 5, 17)


def test_a_proposed_person_finds_the_proposal_in_their_subject_access_overview(personas: Personas) -> None:
    # Sanne Visser is known from organisation B's submitted referral.
    known = person_in_referral(personas, organisation=personas.org_b, referrer="professional_b").person
    draft = referral_of(personas, referral_setting(personas))
    typed = {"given_names": "Sanne", "surname": "Visser", "date_of_birth": BIRTH, "role": PartyRole.VICTIM}

    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    outcome = case_party_add_person(actor=actor_for(personas, "professional_a"), referral=draft, **typed)  # type: ignore[arg-type]

    assert outcome.proposal is not None and outcome.proposal.person == known
    search = AuditEvent.objects.filter(sequence__gt=before, action=AuditAction.SEARCH).get()
    assert (search.object_type, search.object_id) == ("cases.referral", str(draft.pk))
    assert list(search.subjects.values_list("subject_id", flat=True)) == [known.pk]
    assert "Sanne" not in str(search.changes) and "Visser" not in str(search.changes)

    overview = sar_overview(make_request(personas, known))
    searches = [row for row in overview.visible_access_rows if row.action == "gezocht en gevonden"]
    assert [(row.organisation, row.count) for row in searches] == [(personas.org_a, 1)]
