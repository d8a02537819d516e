"""Demo information on cases: varied provenance, written through the service, idempotent, and
showing restricted items as notices to other organisations."""

from __future__ import annotations

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import CaseFact
from casustafel.demo.builder import DemoRegion
from casustafel.demo.information import build_demo_information
from casustafel.organisations.models import Membership, Role
from casustafel.privacy.models import Restriction
from casustafel.privacy.provenance.access import Access, item_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


def test_demo_cases_hold_facts_of_every_restriction_level_each_audited(region: DemoRegion) -> None:
    facts = CaseFact.objects.filter(case__house=region.house)
    assert set(facts.values_list("restriction", flat=True)) == set(Restriction.values)
    assert facts.values("organisation__sector").distinct().count() >= 3
    assert facts.filter(consent_exception__gt="").exists()
    audited = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.casefact")
    assert audited.count() == facts.count()


def test_other_organisations_see_known_only_facts_as_a_notice(region: DemoRegion) -> None:
    checked = 0
    for fact in CaseFact.objects.filter(case__house=region.house, restriction=Restriction.KNOWN_ONLY):
        own = Membership.objects.active().filter(role=Role.PROFESSIONAL, organisation=fact.organisation).first()
        assert own is not None
        assert item_access(own.user, fact, acting=own) == Access.FULL
        others = (
            Membership.objects.active()
            .filter(
                role=Role.PROFESSIONAL,
                organisation__case_involvements__case=fact.case,
                organisation__case_involvements__ended_at__isnull=True,
            )
            .exclude(organisation=fact.organisation)
        )
        for other in others[:1]:
            assert item_access(other.user, fact, acting=other) == Access.NOTICE
            checked += 1
    assert checked, "no demo case shows a known-only fact to a second organisation"


def test_running_it_again_adds_nothing(region: DemoRegion) -> None:
    assert build_demo_information(region) == 0
