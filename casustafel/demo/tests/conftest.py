"""One build of the demo region for the whole test run.

Building it (every object through the services, each write audited) is the slowest thing the
suite does, and most demo tests only read it. `demo_region` builds it once per run (per
pytest-xdist worker: the tests that use it form one xdist group, so one worker), inside a
transaction rolled back at the end; each test's own changes roll back with its own `db`
transaction. The tests that use it are moved behind every other database test, so that no other test ever
sees the demo's data, and before the transactional (browser) tests, which empty the tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.test import override_settings

import pytest

from casustafel.audit.models import AuditEvent
from casustafel.demo.builder import DemoRegion, build_demo_region

FIXTURE = "demo_region"
HERE = Path(__file__).parent


# Package scope: every user lives in this package, so this is one build per run, and pytest
# tears it down (rolls it back) as soon as the run leaves the package, before any other test.
@pytest.fixture(scope="package")
def demo_region(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[DemoRegion]:
    """The demo region (default seed, scale 1), with `events_before`: the audit events that
    existed before the build (the migrations write some)."""
    with (
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        events_before = AuditEvent.objects.count()
        region = build_demo_region()
        region.events_before = events_before  # type: ignore[attr-defined]
        yield region
        transaction.set_rollback(True)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Runs before pytest-django's own (stable) ordering of database, transactional and other
    # tests: the users end up last among the database tests, before the transactional ones.
    users = [item for item in items if FIXTURE in getattr(item, "fixturenames", ())]
    if not users:
        return
    chosen = set(users)
    items[:] = [item for item in items if item not in chosen] + users
    # The whole package is one xdist group, not only the users: the build lives as long as the
    # worker stays in this package, so a test of this package that a worker ran after the users
    # would see the demo house (and a build of its own would find it there).
    for item in items:
        if item in chosen or item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    # pytest-xdist's loadgroup keeps a group on one worker by appending "@group" to the node id;
    # when a pytest release breaks that (pytest 9 did), every worker builds the demo region and
    # the run silently takes minutes longer. Fail instead.
    if not getattr(session.config.option, "loadgroup", False):
        return
    stray = [
        item.nodeid for item in session.items if FIXTURE in getattr(item, "fixturenames", ()) and "@" not in item.nodeid
    ]
    if stray:
        raise pytest.UsageError(
            f"pytest-xdist did not group the demo tests ({stray[0]} has no @demo): check the pytest/xdist versions"
        )
