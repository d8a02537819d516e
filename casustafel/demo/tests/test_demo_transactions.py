"""demo/transactions.py: a story is one transaction without savepoints inside; an error caught
inside without `recoverable` can never roll a story back silently."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

import pytest

from casustafel.demo.transactions import recoverable, story
from casustafel.organisations.models import SafetyHouse
from casustafel.testing.factories import SafetyHouseFactory

pytestmark = pytest.mark.django_db


def _service(name: str, fail: bool = False) -> None:
    # What every service does: its own atomic block around its write.
    with transaction.atomic():
        SafetyHouseFactory(name=name)
        if fail:
            raise ValueError(name)


def _savepoints(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def test_services_inside_a_story_set_no_savepoints_and_the_setting_is_restored() -> None:
    with CaptureQueriesContext(connection) as queries, story():
        # The test's own transaction is open, so the story itself is one savepoint.
        before = len(_savepoints(queries))
        _service("Huis A")
        _service("Huis B")
        assert len(_savepoints(queries)) == before
    assert SafetyHouse.objects.filter(name__in=["Huis A", "Huis B"]).count() == 2
    assert "_savepoint_allowed" not in vars(connections[DEFAULT_DB_ALIAS])


def test_a_failing_service_fails_the_whole_story() -> None:
    with pytest.raises(ValueError), story():
        _service("Huis A")
        _service("Huis B", fail=True)
    assert not SafetyHouse.objects.filter(name__in=["Huis A", "Huis B"]).exists()
    assert "_savepoint_allowed" not in vars(connections[DEFAULT_DB_ALIAS])


def test_an_error_swallowed_without_a_savepoint_is_refused_not_rolled_back_silently() -> None:
    with pytest.raises(TransactionManagementError), story():
        _service("Huis A")
        try:
            _service("Huis B", fail=True)
        except ValueError:
            pass
    assert not SafetyHouse.objects.filter(name__in=["Huis A", "Huis B"]).exists()


def test_a_recoverable_step_rolls_back_alone() -> None:
    with story():
        _service("Huis A")
        try:
            with recoverable():
                _service("Huis B", fail=True)
        except ValueError:
            pass
        _service("Huis C")
        assert "_savepoint_allowed" in vars(connections[DEFAULT_DB_ALIAS])
    assert set(SafetyHouse.objects.filter(name__startswith="Huis ").values_list("name", flat=True)) == {
        "Huis A",
        "Huis C",
    }
