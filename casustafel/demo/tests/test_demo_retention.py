"""Demo retention: closed cases with keep-until dates and a repeated extension, through the
services, idempotent."""

from __future__ import annotations

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseStatus
from casustafel.demo.builder import DemoRegion
from casustafel.demo.plans import EPISODES
from casustafel.demo.retention import CLOSED_CASES, build_demo_retention
from casustafel.privacy.models import CaseRetention, RetentionExtension

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


def test_demo_has_closed_cases_with_retention_and_a_repeated_extension(region: DemoRegion) -> None:
    closed = Case.objects.filter(house=region.house, status=CaseStatus.CLOSED)
    # The retention demo's own closed cases and the plans demo's closed episodes.
    assert closed.count() == CLOSED_CASES + len(EPISODES)
    for case in closed:
        assert case.retention_until is not None and (case.close_reason or case.close_reason_kind)
        assert case.closed_at is not None and case.closed_at >= case.opened_at
        assert CaseRetention.objects.get(case=case).retention_until <= case.retention_until
    extensions = RetentionExtension.objects.filter(case__house=region.house)
    assert sorted(extensions.values_list("number", flat=True)) == [1, 2]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="privacy.retentionextension").count() == 2


def test_demo_retention_is_idempotent(region: DemoRegion) -> None:
    assert build_demo_retention(region) == []
    assert RetentionExtension.objects.filter(case__house=region.house).count() == 2
