"""Writes of the access log: the audit events of the viewer itself (searches on a case or person,
exports) and the findings the periodic work stores for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent, AuditFinding, AuditFindingEvent
from casustafel.audit.services import audit_record
from casustafel.organisations.models import SafetyHouse
from casustafel.privacy.access_log.detectors import Finding


@transaction.atomic
def access_log_search_record(
    *, actor: Actor, house: SafetyHouse, case_id: int | None, person_id: int | None
) -> AuditEvent:
    """Record that the privacy officer searched the access log for a case or a person (NEN 7513
    counts searches on a client as an event of their own)."""
    return audit_record(actor=actor, action=AuditAction.SEARCH, obj=house, case_id=case_id, person_id=person_id)


@transaction.atomic
def access_log_export_record(
    *, actor: Actor, house: SafetyHouse, filters: Mapping[str, Any], row_count: int
) -> AuditEvent:
    """Record that the access log was exported, with the filters (ids and dates only) and the
    number of rows, before the file is streamed."""
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=house,
        case_id=filters.get("case_id"),
        person_id=filters.get("person_id"),
        changes={"filters": [None, dict(filters)], "rows": [None, row_count]},
    )


@transaction.atomic
def finding_store(*, house_id: int, finding: Finding) -> int:
    """Store a detector's finding for the house, or extend the stored one it continues: the same
    kind, user (and case) with an overlapping period; findings it bridges are merged into one.
    Derived data, recomputed by the periodic work; no audit event of its own.

    Returns:
        1 (the number of findings added or extended).
    """
    same = AuditFinding.objects.select_for_update().filter(
        house_id=house_id, kind=finding.kind, actor_id=finding.actor_id, case_id=finding.case_id
    )
    if finding.case_id is None:
        same = same.filter(starts_at__lte=finding.ends_at, ends_at__gte=finding.starts_at)
    existing = list(same.order_by("starts_at", "pk"))
    if existing:
        stored, *bridged = existing
        stored.starts_at = min(finding.starts_at, *(row.starts_at for row in existing))
        stored.ends_at = max(finding.ends_at, *(row.ends_at for row in existing))
        stored.reference_at = stored.reference_at or finding.reference_at
        event_ids = set(finding.event_ids)
        for other in bridged:
            event_ids.update(other.links.values_list("event_id", flat=True))
            other.delete()
    else:
        stored = AuditFinding(
            house_id=house_id,
            kind=finding.kind,
            actor_id=finding.actor_id,
            case_id=finding.case_id,
            starts_at=finding.starts_at,
            ends_at=finding.ends_at,
            reference_at=finding.reference_at,
        )
        event_ids = set(finding.event_ids)
    stored.save()
    AuditFindingEvent.objects.bulk_create(
        [AuditFindingEvent(finding=stored, event_id=event_id) for event_id in sorted(event_ids)], ignore_conflicts=True
    )
    linked = AuditEvent.objects.filter(sequence__in=stored.links.values("event_id"))
    stored.event_count = linked.count()
    stored.distinct_count = linked.exclude(case_id=None).order_by().values("case_id").distinct().count()
    stored.save(update_fields=["event_count", "distinct_count", "updated_at"])
    return 1
