"""Demo retention: closed cases with keep-until dates and a repeated extension, through the
services, idempotent."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.test import override_settings

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseStatus
from casustafel.demo.builder import DemoRegion, build_demo_region
from casustafel.demo.retention import CLOSED_CASES, build_demo_retention
from casustafel.privacy.models import CaseRetention, RetentionExtension

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def region(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[DemoRegion]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_demo_region()
        transaction.set_rollback(True)


def test_demo_has_closed_cases_with_retention_and_a_repeated_extension(region: DemoRegion) -> None:
    closed = Case.objects.filter(house=region.house, status=CaseStatus.CLOSED)
    assert closed.count() == CLOSED_CASES
    for case in closed:
        assert case.retention_until is not None and case.close_reason
        assert case.closed_at is not None and case.closed_at >= case.opened_at
        assert CaseRetention.objects.get(case=case).retention_until <= case.retention_until
    extensions = RetentionExtension.objects.filter(case__house=region.house)
    assert sorted(extensions.values_list("number", flat=True)) == [1, 2]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="privacy.retentionextension").count() == 2


def test_demo_retention_is_idempotent(region: DemoRegion) -> None:
    assert build_demo_retention(region) == []
    assert RetentionExtension.objects.filter(case__house=region.house).count() == 2
