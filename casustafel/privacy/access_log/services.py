"""The audit events of the access-log viewer itself: searches on a case or person, and exports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import audit_record
from casustafel.organisations.models import SafetyHouse


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
