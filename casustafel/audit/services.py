"""Writing audit events. Every write service calls `audit_record` inside its own transaction;
every view that shows personal data calls `audit_read` (one object) or `audit_list` (a list or
search: every case and person shown)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from casustafel.audit.context import Actor, current_request_id
from casustafel.audit.integrity import REDACTED_CHANGES, canonical, changes_digest, event_hash
from casustafel.audit.models import (
    AuditAction,
    AuditChain,
    AuditEvent,
    AuditPending,
    AuditSubject,
    AuditVerification,
    SubjectKind,
    VerificationKind,
    VerificationStatus,
)
from casustafel.audit.sealing import chain_for

REDACTED = "[afgeschermd]"


def _normalise(changes: Mapping[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so the stored value and the hashed value are identical whatever
    # the database does with dates, decimals or key order.
    return json.loads(canonical(dict(changes)))


def object_label(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _house_id(actor: Actor, obj: models.Model | None, house: Any) -> int | None:
    """The house whose chain the event joins: the one given, else the house of the membership
    acted for, else the object's own house (system jobs acting on a case or referral), else
    none (the installation's chain: log-ins and other acts not done for a house)."""
    if house is not None:
        return house if isinstance(house, int) else house.pk
    if actor.membership is not None:
        return actor.membership.organisation.house_id
    if obj is not None:
        if obj._meta.label_lower == "organisations.safetyhouse":
            return obj.pk  # type: ignore[no-any-return]
        return getattr(obj, "house_id", None)
    return None


def audit_record(
    *,
    actor: Actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    case_id: int | None = None,
    person_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    house: Any = None,
    case_ids: Iterable[int] = (),
    person_ids: Iterable[int] = (),
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event to the trail, in the caller's transaction.

    No lock is taken: concurrent writers never wait for each other. The event carries a keyed
    hash now and joins its house's chain when the periodic sealer seals it (`audit_seal`).

    Args:
        actor: who acts, for which organisation and role, on whose behalf.
        action: what happened (AuditAction).
        obj: the object acted on (its type and id are recorded, never its text).
        case_id: the case concerned, if any.
        person_id: the person concerned, if any.
        changes: per field, [before, after]; see `diff`.
        house: the house the event belongs to, when neither the actor's membership nor `obj`
            says (a system job); an int or a SafetyHouse.
        case_ids, person_ids: further cases and persons shown (lists and searches: use
            `audit_list`), each linked as an `AuditSubject` row.
        object_type, object_id: the object by label and id when there is no instance (a
            refused request names what was asked for, which may not exist).
    """
    if obj is not None:
        object_type, object_id = object_label(obj)
    membership = actor.membership
    normalised = _normalise(changes or {})
    subjects = sorted(
        {(SubjectKind.CASE.value, int(pk)) for pk in case_ids}
        | {(SubjectKind.PERSON.value, int(pk)) for pk in person_ids}
    )
    event = AuditEvent(
        house_id=_house_id(actor, obj, house),
        occurred_at=timezone.now(),
        actor=actor.user,
        actor_organisation_id=membership.organisation_id if membership else None,
        actor_role=membership.role if membership else "",
        on_behalf_of=actor.on_behalf_of,
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        person_id=person_id,
        changes=normalised,
        changes_digest=changes_digest(normalised),
        request_id=current_request_id(),
        ip_address=actor.ip_address,
        nonce=secrets.token_hex(8),
    )
    event.hash = event_hash(event, subjects)
    # One transaction with the caller's write, but no savepoint: it would cost two round trips
    # per event and buys nothing (a failure here fails the caller's write anyway).
    with transaction.atomic(savepoint=False):
        if connections[event_db := router.db_for_write(AuditEvent)].vendor == "postgresql":
            _insert_with_pending(event, event_db)
        else:
            event.save(force_insert=True)
            AuditPending.objects.create(event=event, house_id=event.house_id)
        if subjects:
            # The append-only manager refuses bulk_create; the base manager writes the links in one statement.
            AuditSubject._base_manager.bulk_create(
                [AuditSubject(event=event, kind=kind, subject_id=pk) for kind, pk in subjects]
            )
    return event


def _insert_with_pending(event: AuditEvent, using: str) -> None:
    """Insert `event` and its pending mark in one statement (a data-modifying WITH, which
    PostgreSQL has and SQLite lacks): one round trip instead of two for every audited act,
    the same two rows in the same transaction. The insert itself is Django's own, compiled
    for exactly the fields `save()` writes."""
    meta, pending = AuditEvent._meta, AuditPending._meta
    query = InsertQuery(AuditEvent)
    query.insert_values([f for f in meta.local_concrete_fields if f is not meta.pk], [event])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk, meta.get_field("house")]
    [(insert_sql, params)] = compiler.as_sql()
    connection = connections[using]
    qn = connection.ops.quote_name
    event_column, house_column = qn(meta.pk.column), qn(meta.get_field("house").column)
    pending_event, pending_house = qn(pending.get_field("event").column), qn(pending.get_field("house").column)
    # Only table and column names from the models go into the text; every value is a parameter.
    sql = (
        f"WITH event AS ({insert_sql}) "  # noqa: S608
        f"INSERT INTO {qn(pending.db_table)} ({pending_event}, {pending_house}) "
        f"SELECT {event_column}, {house_column} FROM event RETURNING {pending_event}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None
    event.sequence = row[0]
    event._state.adding = False
    event._state.db = using


def audit_read(
    *, actor: Actor, obj: models.Model, case_id: int | None = None, person_id: int | None = None
) -> AuditEvent:
    """Record that the actor saw personal data (one event per page view)."""
    return audit_record(actor=actor, action=AuditAction.READ, obj=obj, case_id=case_id, person_id=person_id)


def audit_list(
    *,
    actor: Actor,
    case_ids: Iterable[int | None] = (),
    person_ids: Iterable[int | None] = (),
    action: AuditAction | str = AuditAction.READ,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    house: Any = None,
) -> AuditEvent | None:
    """Record that a list or a search showed these cases and persons: one event, with one
    linked row per case and per person shown, so the privacy officer's filter by person or case
    and the subject-access overview ("who accessed your data") find it.

    Every view that shows a list of persons or cases calls this once per response with
    exactly what the page shows (the current page, not the whole result). A list that shows
    nothing writes no event; a search (`action=AuditAction.SEARCH`) always does, because the
    search itself is an act to account for.

    Args:
        actor: who looks.
        case_ids, person_ids: the cases and persons shown (None values are skipped).
        action: READ for a list, SEARCH for a search result.
        obj: the object the list belongs to, if any (a referral for match proposals).
        changes: what was searched for, as ids and dates only; never typed names or BSNs.
        house: as for `audit_record`.
    """
    cases = [pk for pk in case_ids if pk is not None]
    persons = [pk for pk in person_ids if pk is not None]
    if not cases and not persons and str(action) != AuditAction.SEARCH:
        return None
    return audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes,
        house=house,
        case_ids=cases,
        person_ids=persons,
    )


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `instance`, foreign keys as ids, ready for `diff`."""
    redacted: frozenset[str] = getattr(instance, "AUDIT_REDACTED_FIELDS", frozenset())
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        value = getattr(instance, attname)
        values[name] = REDACTED if name in redacted and value not in (None, "") else value
    return _normalise(values)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Per changed field, [old, new]. A field missing from `before` counts as newly set."""
    before_n, after_n = _normalise(before), _normalise(after)
    return {
        name: [before_n.get(name), value]
        for name, value in after_n.items()
        if before_n.get(name) != value or name not in before_n
    }


def audit_changes_redact(*, events: models.QuerySet[AuditEvent]) -> int:
    """Blank the recorded `changes` of `events` (issue 4, point 6: destruction of a case).

    The only sanctioned change to an audit event. Everything else (who, what, when, which case
    or person id, the hashes) stays, so the trail still accounts for every access after the
    content is gone. Events without changes, or already blanked, are left alone.

    Returns:
        The number of events blanked.
    """
    pks = list(events.exclude(changes={}).exclude(changes=REDACTED_CHANGES).values_list("pk", flat=True))
    if not pks:
        return 0
    # The append-only queryset refuses update(); the plain base manager is used on purpose.
    return AuditEvent._base_manager.filter(pk__in=pks).update(changes=REDACTED_CHANGES)


# A full verification that has shown no progress for this long is taken to have died with its
# worker; a new one may then be started.
VERIFICATION_STALE_AFTER = dt.timedelta(hours=12)


def audit_verification_start(*, actor: Actor, house: Any) -> AuditVerification:
    """Queue a full verification of a house's chain (None: the installation's) as a background
    task, run by the task worker, never inside the request. One at a time per chain: while one
    is queued or running, that one is returned.

    Args:
        actor: who asks (the privacy officer; audited as `verify`).
        house: a SafetyHouse, its id, or None.
    """
    from casustafel.audit.tasks import verify_chain

    house_id = house if house is None or isinstance(house, int) else house.pk
    chain = chain_for(house_id)
    with transaction.atomic():
        AuditChain.objects.select_for_update().get(pk=chain.pk)
        current = (
            AuditVerification.objects.filter(
                chain=chain,
                kind=VerificationKind.FULL,
                status__in=[VerificationStatus.QUEUED, VerificationStatus.RUNNING],
                created_at__gte=timezone.now() - VERIFICATION_STALE_AFTER,
            )
            .order_by("-created_at")
            .first()
        )
        if current is not None:
            return current
        verification = AuditVerification.objects.create(
            chain=chain, kind=VerificationKind.FULL, requested_by=actor.user
        )
        # The database backend stores the task in this transaction: it exists exactly when the
        # verification row does.
        result = verify_chain.enqueue(verification.pk)
        verification.task_id = str(result.id)
        verification.save(update_fields=["task_id"])
        audit_record(actor=actor, action=AuditAction.VERIFY, obj=verification, house=house_id)
    return verification


def diff_redacting(before: Mapping[str, Any], instance: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """Per changed field, [old, new], for an edit of `instance` whose raw values before the
    edit are `before` (`raw_values`). Unlike `diff` over two snapshots, a change to a field in
    `AUDIT_REDACTED_FIELDS` is still recorded, as [afgeschermd, afgeschermd]: the trail shows
    that the text changed, never what it says."""
    after = raw_values(instance, fields)
    redacted: frozenset[str] = getattr(instance, "AUDIT_REDACTED_FIELDS", frozenset())
    changed = [name for name in after if _normalise({name: before.get(name)}) != _normalise({name: after[name]})]
    current = snapshot(instance, changed)
    previous = {
        name: REDACTED if name in redacted and before.get(name) not in (None, "") else before.get(name)
        for name in changed
    }
    return {name: [_normalise({name: previous[name]})[name], current[name]] for name in changed}


def raw_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `instance`, foreign keys as ids, unredacted: the 'before' of
    `diff_redacting`. Never stored."""
    return {name: getattr(instance, getattr(instance._meta.get_field(name), "attname", name)) for name in fields}
