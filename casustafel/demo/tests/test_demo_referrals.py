"""The demo referrals: every state and outcome, two years of dates, written by the demo users
through the services, deterministic, idempotent, and documented as built."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pytest
from faker import Faker

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.selectors import audit_chain_verify
from casustafel.cases.models import (
    Case,
    CaseInvolvement,
    CaseParty,
    EntryRoute,
    InformationRequest,
    Person,
    Referral,
    ReferralStatus,
    Routing,
    Triage,
)
from casustafel.cases.requirements import missing_items
from casustafel.demo.builder import DemoRegion
from casustafel.demo.logins import login_instructions, login_url
from casustafel.demo.referral_stories import SCENARIOS, People
from casustafel.demo.referrals import (
    PLAN,
    build_demo_referrals,
    demo_visibility,
    first_colleague,
    render_visibility_table,
)
from casustafel.demo.services import demo_dates_set
from casustafel.meeting_types.models import MeetingType, RequirementStage
from casustafel.organisations.models import Role
from casustafel.privacy.models import CovenantVersion
from casustafel.testing.factories import SafetyHouseFactory

pytestmark = pytest.mark.django_db

DOCS = Path(settings.PROJECT_DIR) / "docs" / "demo.md"


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


def referrals_of(region: DemoRegion) -> list[Referral]:
    return list(Referral.objects.filter(house=region.house).order_by("pk"))


class TestBuiltReferrals:
    def test_every_status_entry_route_and_outcome_occurs_in_several_municipalities(self, region: DemoRegion) -> None:
        referrals = referrals_of(region)
        outcomes = set(Triage.objects.filter(referral__house=region.house).values_list("outcome", flat=True))

        assert len(referrals) == len(PLAN)
        assert {r.status for r in referrals} == set(ReferralStatus.values)
        assert {r.entry_route for r in referrals} == set(EntryRoute.values)
        assert outcomes - {""} == set(Routing.values)
        assert len({r.municipality_id for r in referrals if r.municipality_id}) >= 5
        assert Triage.objects.filter(referral__house=region.house, decided_at__isnull=True).count() == 1
        assert Triage.objects.filter(referral__house=region.house, urgency_override=True).count() == 1

    def test_decided_referrals_are_spread_over_two_years_and_every_date_follows_the_one_before(
        self, region: DemoRegion
    ) -> None:
        now = timezone.now()
        submitted = [r for r in referrals_of(region) if r.submitted_at]

        oldest = min(r.submitted_at for r in submitted if r.submitted_at)
        assert now - dt.timedelta(days=730) < oldest < now - dt.timedelta(days=600)
        assert max(r.submitted_at for r in submitted if r.submitted_at) > now - dt.timedelta(days=7)
        for referral in submitted:
            assert referral.created_at <= referral.submitted_at  # type: ignore[operator]
            assert referral.first_contact_due_at > referral.submitted_at  # type: ignore[operator]
            if referral.first_contact_at:
                assert referral.submitted_at <= referral.first_contact_at <= now  # type: ignore[operator]
            if referral.outcome_at:
                assert referral.first_contact_at <= referral.outcome_at <= now  # type: ignore[operator]
        for triage in Triage.objects.filter(referral__house=region.house, decided_at__isnull=False):
            assert triage.referral.submitted_at < triage.decided_at <= now  # type: ignore[operator]
        overdue = [r for r in submitted if r.first_contact_at is None and r.first_contact_due_at < now]  # type: ignore[operator]
        assert len(overdue) == 1

    def test_every_accepted_referral_became_a_case_with_the_referrer_involved_and_some_with_a_second_partner(
        self, region: DemoRegion
    ) -> None:
        accepted = [r for r in referrals_of(region) if r.status == ReferralStatus.ACCEPTED]
        cases = Case.objects.filter(house=region.house).select_related("referral")

        assert {case.referral_id for case in cases} == {r.pk for r in accepted}
        for case in cases:
            involved = CaseInvolvement.objects.filter(case=case)
            assert involved.filter(organisation=case.referral.referring_organisation_id).exists()
            assert all(i.started_at >= case.opened_at for i in involved)
            assert case.opened_at == Triage.objects.get(referral=case.referral, outcome=Routing.ACCEPT).decided_at
        with_second = [case for case in cases if CaseInvolvement.objects.filter(case=case).count() > 1]
        assert len(with_second) >= 3

    def test_the_house_has_the_default_meeting_type_criteria_covenant_and_caps_from_before_the_oldest_referral(
        self, region: DemoRegion
    ) -> None:
        meeting_type = MeetingType.objects.get(house=region.house, name="Casus-op-Maat")
        oldest = min(r.created_at for r in referrals_of(region))
        covenant = CovenantVersion.objects.get(covenant__house=region.house)

        assert meeting_type.name == "Casus-op-Maat"
        assert meeting_type.criteria_set is not None
        version = meeting_type.criteria_set.versions.get()
        assert version.published_at is not None and version.published_at < oldest
        assert covenant.published_at is not None and covenant.published_at < oldest
        assert covenant.effective_from is not None and covenant.effective_from < oldest.date()
        assert covenant.participants.count() == region.house.organisations.count()
        assert set(Triage.objects.filter(referral__house=region.house).values_list("criteria_version", flat=True)) == {
            version.pk
        }

    def test_referrers_refer_and_process_directors_triage_as_themselves(self, region: DemoRegion) -> None:
        directors = {m.user_id for m in region.members["office"] if m.role == Role.PROCESS_DIRECTOR}
        for referral in referrals_of(region):
            created = AuditEvent.objects.get(
                action=AuditAction.CREATE, object_type="cases.referral", object_id=str(referral.pk)
            )
            assert created.actor_id == referral.referrer_id
            assert created.actor_organisation_id == referral.referring_organisation_id
        for triage in Triage.objects.filter(referral__house=region.house):
            assert triage.decided_by_id is None or triage.decided_by_id in directors
        assert audit_chain_verify() == []

    def test_open_referrals_show_the_checklist_questions_and_known_checks_a_user_would_see(
        self, region: DemoRegion
    ) -> None:
        referrals = referrals_of(region)
        submitted = [r for r in referrals if r.status == ReferralStatus.SUBMITTED]
        open_questions = InformationRequest.objects.filter(referral__house=region.house, answered_at__isnull=True)

        incomplete = [r for r in submitted if missing_items(r, RequirementStage.BEFORE_TRIAGE)]
        assert len(incomplete) == 2
        assert open_questions.count() == 2
        assert {q.referral.status for q in open_questions} == {ReferralStatus.INFORMATION_REQUESTED}
        vt_professional = first_colleague(region, "veilig_thuis").user
        assert open_questions.filter(referral__referrer=vt_professional).count() == 1
        # A teenager of an accepted domestic-violence case is referred again: the check op
        # bekendheid says "known" and names the case's process director, nothing more.
        known = CaseParty.objects.filter(referral__house=region.house, known_elsewhere=True)
        assert known.count() == 2
        assert all("procesregisseur" in party.known_contact for party in known)
        # The returning offender is one registration in two referrals.
        assert (
            Person.objects.filter(house=region.house).count()
            < CaseParty.objects.filter(referral__house=region.house).count()
        )

    def test_login_accounts_see_their_own_referrals_and_drafts_stay_with_the_referrer(self, region: DemoRegion) -> None:
        director = region.staff(Role.PROCESS_DIRECTOR).user
        vt_professional = first_colleague(region, "veilig_thuis").user

        assert not Referral.objects.visible_to(director).filter(status=ReferralStatus.DRAFT).exists()
        assert Referral.objects.visible_to(director).count() == len(PLAN) - 4
        own = Referral.objects.visible_to(vt_professional)
        assert own.filter(status=ReferralStatus.DRAFT, referrer=vt_professional).count() == 1
        assert {r.entry_route for r in own} == {EntryRoute.DOMESTIC_VIOLENCE}

    def test_running_it_again_adds_nothing(self, region: DemoRegion) -> None:
        before = (Referral.objects.count(), Case.objects.count(), AuditEvent.objects.count())

        again = build_demo_referrals(region)

        assert again.created is False
        assert (Referral.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == before

    def test_docs_demo_md_shows_what_each_login_sees(self, region: DemoRegion) -> None:
        docs = DOCS.read_text(encoding="utf-8")
        match = re.search(r"<!-- demo-referrals:start -->\n(.*?)\n<!-- demo-referrals:end -->", docs, re.DOTALL)

        assert match, "docs/demo.md lost its demo-referrals markers"
        assert match.group(1) == render_visibility_table(demo_visibility(region.house)), (
            "docs/demo.md no longer matches what the demo log-ins see: paste "
            "render_visibility_table(demo_visibility(house)) for the default seed into docs/demo.md"
        )

    def test_demo_dates_set_moves_dates_audited_and_refuses_other_fields_and_production(
        self, region: DemoRegion, settings: pytest.FixtureRequest
    ) -> None:
        referral = Referral.objects.filter(house=region.house, status=ReferralStatus.DRAFT).first()
        assert referral is not None
        earlier = referral.created_at - dt.timedelta(days=3)
        events = AuditEvent.objects.count()

        demo_dates_set(actor=Actor.system(), obj=referral, created_at=earlier)

        referral.refresh_from_db()
        assert referral.created_at == earlier
        event = AuditEvent.objects.order_by("sequence").last()
        assert event is not None and AuditEvent.objects.count() == events + 1
        assert event.action == AuditAction.UPDATE and set(event.changes) == {"created_at"}
        with pytest.raises(TypeError):
            demo_dates_set(actor=Actor.system(), obj=referral, concern="anders")
        settings.PRODUCTION = True
        with pytest.raises(PermissionDenied):
            demo_dates_set(actor=Actor.system(), obj=referral, created_at=earlier - dt.timedelta(days=1))
        assert AuditEvent.objects.count() == events + 1
        assert audit_chain_verify() == []


def test_another_seed_tells_other_stories() -> None:
    def concerns(seed: int) -> list[str]:
        faker = Faker("nl_NL")
        faker.seed_instance(seed)
        rng = random.Random(seed)
        people = People(faker, rng)
        return [scenario(people, rng, "Hilversum").concern for scenario in SCENARIOS.values()]

    assert concerns(5) == concerns(5)
    assert concerns(5) != concerns(6)


def test_the_printed_login_address_follows_demo_port(settings: pytest.FixtureRequest) -> None:
    settings.DEMO_PORT = 8123

    assert login_url() == "http://127.0.0.1:8123/inloggen/"
    house = SafetyHouseFactory()
    assert "http://127.0.0.1:8123/inloggen/" in login_instructions(house)
