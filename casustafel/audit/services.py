"""Writing audit events. Every write service calls `audit_record` inside its own transaction;
every view that shows personal data calls `audit_read`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from casustafel.audit.context import Actor, current_request_id
from casustafel.audit.models import AuditAction, AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
REDACTED = "[afgeschermd]"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _normalise(changes: Mapping[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so the stored value and the hashed value are identical whatever
    # the database does with dates, decimals or key order.
    return json.loads(_canonical(dict(changes)))


def changes_digest(changes: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(changes).encode()).hexdigest()


def event_hash(event: AuditEvent) -> str:
    """The hash over everything that identifies an event, including its predecessor's hash."""
    occurred = event.occurred_at.astimezone(dt.UTC).isoformat()
    parts = [
        str(event.sequence),
        occurred,
        str(event.actor_id or ""),
        str(event.actor_organisation_id or ""),
        event.actor_role,
        str(event.on_behalf_of_id or ""),
        event.action,
        event.object_type,
        event.object_id,
        str(event.case_id or ""),
        str(event.person_id or ""),
        event.changes_digest,
        event.request_id,
        str(event.ip_address or ""),
        event.prev_hash,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def object_label(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    case_id: int | None = None,
    person_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the trail, in the caller's transaction.

    Args:
        actor: who acts, for which organisation and role, on whose behalf.
        action: what happened (AuditAction).
        obj: the object acted on (its type and id are recorded, never its text).
        case_id: the case concerned, if any.
        person_id: the person concerned, if any.
        changes: per field, [before, after]; see `diff`.
    """
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    object_type, object_id = object_label(obj)
    membership = actor.membership
    normalised = _normalise(changes or {})
    event = AuditEvent(
        sequence=head.sequence + 1,
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
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.last_hash = event.hash
    head.save(update_fields=["sequence", "last_hash"])
    return event


def audit_read(
    *, actor: Actor, obj: models.Model, case_id: int | None = None, person_id: int | None = None
) -> AuditEvent:
    """Record that the actor saw personal data (one event per page view)."""
    return audit_record(actor=actor, action=AuditAction.READ, obj=obj, case_id=case_id, person_id=person_id)


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


# The value `changes` takes when the retention job blanks an event whose subject was destroyed.
# `changes_digest` keeps the digest of the original changes, and `hash` covers that digest, so
# the chain stays verifiable; `audit_chain_verify` accepts this value in place of the original.
REDACTED_CHANGES: dict[str, str] = {"_redacted": "retention"}


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
