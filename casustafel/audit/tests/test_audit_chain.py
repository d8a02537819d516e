from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AppendOnlyError, AuditAction, AuditEvent
from casustafel.audit.selectors import audit_chain_verify
from casustafel.audit.services import audit_record
from casustafel.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    user = UserFactory()
    return [
        audit_record(actor=Actor(user=user), action=AuditAction.UPDATE, obj=user, changes={"full_name": ["a", f"b{i}"]})
        for i in range(n)
    ]


def test_events_chain_onto_their_predecessor() -> None:
    first, second = _events(2)
    assert second.prev_hash == first.hash
    assert second.sequence == first.sequence + 1
    assert audit_chain_verify() == []


def test_orm_cannot_update_or_delete_events() -> None:
    (event,) = _events(1)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="read")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = AuditAction.READ
    with pytest.raises(AppendOnlyError):
        event.save()


def test_verify_command_detects_a_hand_edited_event() -> None:
    events = _events(3)
    call_command("verify_audit")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET changes = %s WHERE id = %s",  # noqa: S608
            ['{"full_name": ["a", "vervalst"]}', events[1].pk],
        )
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit")
    problems = audit_chain_verify()
    assert [p.sequence for p in problems] == [events[1].sequence]


def test_verify_detects_a_removed_event() -> None:
    events = _events(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])  # noqa: S608
    problems = audit_chain_verify()
    assert {p.sequence for p in problems} == {events[2].sequence}


def test_audit_event_rolls_back_with_the_failing_write() -> None:
    from django.db import transaction

    user = UserFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=Actor(user=user), action=AuditAction.UPDATE, obj=user)
        raise RuntimeError("the write failed after auditing")
    assert AuditEvent.objects.count() == before
    assert audit_chain_verify() == []


def test_redacted_fields_never_reach_the_trail() -> None:
    from casustafel.audit.services import REDACTED, snapshot
    from casustafel.testing.cases import PersonFactory

    person = PersonFactory(with_bsn="111222333")
    values = snapshot(person, ["surname", "bsn_encrypted", "bsn_digest"])
    assert values["bsn_encrypted"] == REDACTED and values["bsn_digest"] == REDACTED
    assert values["surname"] == "Jansen"
