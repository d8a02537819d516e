"""The reports' only write: the audit event of an export."""

from __future__ import annotations

from django.db import transaction

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import audit_record
from casustafel.organisations.models import SafetyHouse
from casustafel.reporting.selectors import Period

EXPORT_FORMATS = ("csv", "xlsx")


@transaction.atomic
def report_export_record(
    *, actor: Actor, house: SafetyHouse, period: Period, file_format: str, threshold: int
) -> AuditEvent:
    """Record that a report was exported, before the file is sent: the house, the period, the
    format and the threshold. No case or person id: the file holds aggregates only."""
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=house,
        changes={
            "report": [
                None,
                {
                    "date_from": period.start.isoformat(),
                    "date_to": period.end.isoformat(),
                    "format": file_format,
                    "threshold": threshold,
                },
            ]
        },
    )
