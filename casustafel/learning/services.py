"""Writes of the learning cycle live per topic: `services_assessment.py` (self-assessment
rounds and answers), `services_improvement.py` (plans, actions, feedback, value ratings) and
`services_effort.py` (the effort ledger). This module holds what they share."""

from __future__ import annotations

from django.db import models

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import audit_record


def learning_view_record(*, actor: Actor, obj: models.Model, page: str, **what: object) -> AuditEvent:
    """Audit a view of an added-up page (results of a round, effort next to value), as the
    reports audit theirs: who looked at which figures, when."""
    return audit_record(
        actor=actor, action=AuditAction.READ, obj=obj, changes={"report": [None, {"page": page, **what}]}
    )
