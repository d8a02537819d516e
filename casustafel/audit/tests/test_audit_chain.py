from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.integrity import encode_members
from casustafel.audit.models import (
    AppendOnlyError,
    AuditAction,
    AuditChain,
    AuditEvent,
    AuditPending,
    AuditSeal,
    AuditSubject,
)
from casustafel.audit.sealing import audit_seal, chain_for
from casustafel.audit.selectors import audit_chain_verify
from casustafel.audit.services import audit_list, audit_record
from casustafel.audit.verification import audit_verify_new
from casustafel.organisations.models import Role
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, SafetyHouseFactory, UserFactory

pytestmark = pytest.mark.django_db

EVENTS = AuditEvent._meta.db_table
SEALS = AuditSeal._meta.db_table


def _actor(house=None):  # type: ignore[no-untyped-def]
    house = house or SafetyHouseFactory()
    membership = MembershipFactory(organisation=OrganisationFactory(house=house), role=Role.PROFESSIONAL)
    return Actor(user=membership.user, membership=membership)


def _events(n: int, actor: Actor | None = None) -> list[AuditEvent]:
    actor = actor or _actor()
    return [
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=actor.user, changes={"full_name": ["a", f"b{i}"]})
        for i in range(n)
    ]


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _codes(problems) -> set[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return {(p.sequence, p.code) for p in problems}


def test_writing_takes_no_lock_and_leaves_the_event_pending_for_the_sealer() -> None:
    actor = _actor()
    first, second = _events(2, actor)
    assert second.sequence > first.sequence
    assert first.house_id == actor.membership.organisation.house_id  # type: ignore[union-attr]
    # Nothing shared is touched by writers: no chain head row is read or written.
    assert not AuditChain.objects.filter(house_id=first.house_id).exists()
    assert set(AuditPending.objects.values_list("event_id", flat=True)) >= {first.sequence, second.sequence}
    assert audit_chain_verify() == []


def test_the_sealer_seals_each_house_in_its_own_chain_and_is_idempotent() -> None:
    house_a, house_b = SafetyHouseFactory(), SafetyHouseFactory()
    a_events = _events(3, _actor(house_a))
    b_events = _events(2, _actor(house_b))
    seals = audit_seal()
    assert {(seal.chain.house_id, seal.event_count) for seal in seals} == {(house_a.pk, 3), (house_b.pk, 2)}
    assert not AuditPending.objects.exists()
    assert audit_seal() == []
    chain_a = chain_for(house_a.pk)
    assert chain_a.sealed_number == 1
    seal_a = AuditSeal.objects.get(chain=chain_a)
    assert (seal_a.first_sequence, seal_a.last_sequence) == (a_events[0].sequence, a_events[-1].sequence)
    assert b_events[0].sequence not in range(seal_a.first_sequence, seal_a.last_sequence + 1)
    _events(1, _actor(house_a))
    (second,) = audit_seal()
    assert second.number == 2 and second.prev_digest == seal_a.digest
    assert audit_chain_verify() == []


def test_a_list_links_every_case_and_person_it_shows() -> None:
    actor = _actor()
    event = audit_list(actor=actor, case_ids=[3, 4], person_ids=[7, None, 7])
    assert event is not None
    assert set(event.subjects.values_list("kind", "subject_id")) == {("case", 3), ("case", 4), ("person", 7)}
    assert audit_list(actor=actor) is None  # an empty list shows nobody
    search = audit_list(actor=actor, action=AuditAction.SEARCH)
    assert search is not None and not search.subjects.exists()  # a search is accounted for even without results


def test_orm_cannot_update_or_delete_events_links_or_seals() -> None:
    (event,) = _events(1)
    audit_list(actor=_actor(), person_ids=[1])
    audit_seal()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="read")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = AuditAction.READ
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditSubject.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditSeal.objects.all().update(digest="0" * 64)


@pytest.mark.parametrize("sealed", [False, True], ids=["pending", "sealed"])
def test_verify_command_detects_a_hand_edited_event(sealed: bool) -> None:
    events = _events(3)
    if sealed:
        audit_seal()
    call_command("verify_audit")
    _sql(f"UPDATE {EVENTS} SET action = %s WHERE sequence = %s", ["read", events[1].sequence])  # noqa: S608
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit")
    assert (events[1].sequence, "event_altered") in _codes(audit_chain_verify())


def test_verify_detects_edited_changes_and_accepts_the_retention_blanking() -> None:
    from casustafel.audit.services import audit_changes_redact

    events = _events(3)
    audit_seal()
    audit_changes_redact(events=AuditEvent.objects.filter(pk=events[0].pk))
    assert audit_chain_verify() == []
    _sql(
        f"UPDATE {EVENTS} SET changes = %s WHERE sequence = %s",
        ['{"full_name": ["a", "vervalst"]}', events[1].sequence],
    )  # noqa: S608
    assert _codes(audit_chain_verify()) == {(events[1].sequence, "changes_altered")}


def test_verify_detects_a_removed_sealed_event() -> None:
    events = _events(3)
    audit_seal()
    _sql(f"DELETE FROM {EVENTS} WHERE sequence = %s", [events[1].sequence])  # noqa: S608
    codes = _codes(audit_chain_verify())
    assert (events[1].sequence, "event_missing") in codes
    assert (events[2].sequence, "seal_digest") in codes


def test_verify_detects_a_removed_link_to_a_person_shown() -> None:
    event = audit_list(actor=_actor(), person_ids=[11, 12])
    assert event is not None
    audit_seal()
    _sql(f"DELETE FROM {AuditSubject._meta.db_table} WHERE event_id = %s AND subject_id = %s", [event.sequence, 12])  # noqa: S608
    assert (event.sequence, "event_altered") in _codes(audit_chain_verify())


def test_verify_detects_an_event_inserted_into_a_sealed_stretch() -> None:
    house_a, house_b = SafetyHouseFactory(), SafetyHouseFactory()
    actor_a, actor_b = _actor(house_a), _actor(house_b)
    (first,) = _events(1, actor_a)
    (other,) = _events(1, actor_b)
    _events(1, actor_a)
    audit_seal()
    # Free a number inside house A's sealed range (another house's event) and put a copy of an
    # event of house A there: it carries a valid-looking row, but no seal holds it.
    columns = (
        "house_id, occurred_at, actor_id, actor_organisation_id, actor_role, on_behalf_of_id, action, "
        "object_type, object_id, case_id, person_id, changes, changes_digest, request_id, ip_address, nonce"
    )
    _sql(f"DELETE FROM {EVENTS} WHERE sequence = %s", [other.sequence])  # noqa: S608
    _sql(
        f"INSERT INTO {EVENTS} (sequence, {columns}, hash) SELECT %s, {columns}, %s FROM {EVENTS} WHERE sequence = %s",  # noqa: S608
        [other.sequence, "f" * 64, first.sequence],
    )
    assert _codes(audit_chain_verify(house_id=house_a.pk)) == {(other.sequence, "event_unsealed")}


@pytest.mark.parametrize("same_house", [True, False], ids=["sealed-house", "house-without-chain"])
def test_verify_detects_an_event_slipped_in_after_the_newest_seal(same_house: bool) -> None:
    actor = _actor()
    _events(2, actor)
    audit_seal()
    (late,) = _events(1, actor if same_house else None)
    # Someone removes the pending mark so the sealer would never look at the event.
    _sql(f"DELETE FROM {AuditPending._meta.db_table} WHERE event_id = %s", [late.sequence])  # noqa: S608
    assert _codes(audit_chain_verify()) == {(0, "events_unsealed")}


def test_verify_detects_an_altered_removed_or_forged_seal() -> None:
    actor = _actor()
    for _ in range(3):
        _events(2, actor)
        audit_seal()
    chain = chain_for(actor.membership.organisation.house_id)  # type: ignore[union-attr]
    seals = list(AuditSeal.objects.filter(chain=chain).order_by("number"))
    assert audit_chain_verify() == []
    # Re-sealing without the key: a new member list whose digest matches but signature cannot.
    members = [seals[1].first_sequence]
    _sql(
        f"UPDATE {SEALS} SET members = %s, event_count = 1, last_sequence = first_sequence WHERE id = %s",
        [encode_members(members), seals[1].pk],
    )  # noqa: S608
    codes = {code for _sequence, code in _codes(audit_chain_verify())}
    assert "seal_altered" in codes
    _sql(f"DELETE FROM {SEALS} WHERE id = %s", [seals[1].pk])  # noqa: S608
    codes = {code for _sequence, code in _codes(audit_chain_verify())}
    assert "seal_link" in codes


def test_one_house_check_shows_nothing_of_another_house() -> None:
    house_a, house_b = SafetyHouseFactory(), SafetyHouseFactory()
    _events(2, _actor(house_a))
    b_events = _events(2, _actor(house_b))
    audit_seal()
    _sql(f"UPDATE {EVENTS} SET action = %s WHERE sequence = %s", ["read", b_events[0].sequence])  # noqa: S608
    assert audit_chain_verify(house_id=house_a.pk) == []
    assert _codes(audit_chain_verify(house_id=house_b.pk)) == {(b_events[0].sequence, "event_altered")}


def test_incremental_verification_checks_only_new_seals_and_keeps_its_findings() -> None:
    actor = _actor()
    events = _events(2, actor)
    audit_seal()
    assert audit_verify_new() == []
    chain = chain_for(events[0].house_id)
    chain.refresh_from_db()
    assert chain.verified_number == 1
    newer = _events(2, actor)
    audit_seal()
    _sql(f"UPDATE {EVENTS} SET action = %s WHERE sequence = %s", ["read", newer[0].sequence])  # noqa: S608
    problems = audit_verify_new()
    assert _codes(problems) == {(newer[0].sequence, "event_altered")}
    verification = chain.verifications.get()
    assert verification.kind == "incremental" and verification.problem_count == 1
    assert audit_verify_new() == []  # nothing new since


def test_an_event_of_a_long_transaction_that_commits_after_a_seal_goes_into_the_next_one() -> None:
    actor = _actor()
    first = _events(1, actor)[0]
    # An event whose pending mark was not yet visible to the sealer (its transaction still open):
    # simulated by sealing the later event only.
    (later,) = _events(1, actor)
    _sql(f"DELETE FROM {AuditPending._meta.db_table} WHERE event_id = %s", [first.sequence])  # noqa: S608
    audit_seal()
    _sql(
        f"INSERT INTO {AuditPending._meta.db_table} (event_id, house_id) VALUES (%s, %s)",
        [first.sequence, first.house_id],
    )  # noqa: S608
    assert audit_chain_verify() == []  # pending again: not a problem
    audit_seal()
    assert later.sequence > first.sequence
    assert audit_chain_verify() == []


def test_audit_event_rolls_back_with_the_failing_write() -> None:
    user = UserFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=Actor(user=user), action=AuditAction.UPDATE, obj=user)
        raise RuntimeError("the write failed after auditing")
    assert AuditEvent.objects.count() == before
    assert not AuditPending.objects.exists()
    assert audit_chain_verify() == []


def test_events_without_a_house_go_to_the_installation_chain() -> None:
    user = UserFactory()
    event = audit_record(actor=Actor(user=user), action=AuditAction.LOGIN, obj=user)
    assert event.house_id is None
    (seal,) = audit_seal()
    assert seal.chain.house_id is None


def test_system_events_on_a_house_object_join_that_house() -> None:
    house = SafetyHouseFactory()
    event = audit_record(actor=Actor.system(), action=AuditAction.UPDATE, obj=house)
    assert event.house_id == house.pk
    assert audit_record(actor=Actor.system(), action=AuditAction.UPDATE, house=house.pk).house_id == house.pk


def test_redacted_fields_never_reach_the_trail() -> None:
    from casustafel.audit.services import REDACTED, snapshot
    from casustafel.testing.cases import PersonFactory

    person = PersonFactory(with_bsn="111222333")
    values = snapshot(person, ["surname", "bsn_encrypted", "bsn_digest"])
    assert values["bsn_encrypted"] == REDACTED and values["bsn_digest"] == REDACTED
    assert values["surname"] == "Jansen"


def test_tick_seals_verifies_and_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    _events(3)
    call_command("tick")
    assert "sealed 3 event(s) in 1 seal(s)" in capsys.readouterr().out
    call_command("tick")
    assert "sealed 0 event(s) in 0 seal(s)" in capsys.readouterr().out
