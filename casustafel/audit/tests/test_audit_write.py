"""The write path of `audit_record`: what it costs in statements, and that the event it writes
is the one the sealer and the verification expect, on SQLite and on PostgreSQL (where the
event and its pending mark go in one statement)."""

from __future__ import annotations

from typing import cast

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent, AuditPending
from casustafel.audit.sealing import audit_seal
from casustafel.audit.selectors import audit_chain_verify
from casustafel.audit.services import audit_list, audit_record
from casustafel.organisations.models import Membership, Role
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, SafetyHouseFactory

pytestmark = pytest.mark.django_db


def _actor() -> Actor:
    membership = cast(
        Membership,
        MembershipFactory(organisation=OrganisationFactory(house=SafetyHouseFactory()), role=Role.PROFESSIONAL),
    )
    membership.organisation.house  # noqa: B018  (loaded now, not inside the counted block)
    return Actor(user=membership.user, membership=membership)


def test_an_event_costs_one_statement_on_postgresql_and_two_elsewhere() -> None:
    actor = _actor()
    with CaptureQueriesContext(connection) as queries:
        event = audit_record(actor=actor, action=AuditAction.UPDATE, obj=actor.user, changes={"full_name": ["a", "b"]})
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert not any(q["sql"].startswith(("SAVEPOINT", "RELEASE")) for q in queries.captured_queries)
    assert event.sequence is not None and not event._state.adding
    assert AuditPending.objects.get(event_id=event.sequence).house_id == event.house_id
    stored = AuditEvent.objects.get(sequence=event.sequence)
    assert (stored.hash, stored.changes, stored.house_id) == (event.hash, {"full_name": ["a", "b"]}, event.house_id)


def test_events_without_a_house_and_with_subjects_are_pending_and_seal_and_verify() -> None:
    actor = _actor()
    system = audit_record(actor=Actor.system(), action=AuditAction.LOGIN_FAILED, object_type="accounts.user")
    listed = audit_list(actor=actor, case_ids=[5, 6], person_ids=[8])
    assert listed is not None
    assert AuditPending.objects.get(event_id=system.sequence).house_id is None
    assert AuditPending.objects.filter(event_id=listed.sequence).exists()
    assert listed.subjects.count() == 3
    assert audit_seal()
    assert not AuditPending.objects.exists()
    assert audit_chain_verify() == []
