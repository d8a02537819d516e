"""Helpers for privacy tests: a published covenant, and audit events as a persona would leave them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import audit_record
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Membership, Organisation, SafetyHouse
from casustafel.privacy.covenant.selectors import draft_of
from casustafel.privacy.covenant.services import (
    covenant_rule_add,
    covenant_version_draft,
    covenant_version_publish,
    covenant_version_update,
)
from casustafel.privacy.models import CovenantVersion

APPROVAL_NOTE = "Ondertekend door de stuurgroep op 3 maart 2025"


def complete_draft(
    house: SafetyHouse,
    *,
    participants: Iterable[Organisation],
    meeting_types: Iterable[MeetingType] = (),
    effective_from: dt.date | None = None,
    change_note: str = "Aangepast aan de WGS.",
) -> CovenantVersion:
    """A draft that can be published: the existing draft or a new one, filled in."""
    actor = Actor.system()
    draft = covenant_version_draft(actor=actor, house=house)
    covered = set(draft.meeting_rules.values_list("meeting_type_id", flat=True))
    for meeting_type in meeting_types:
        if meeting_type.pk not in covered:
            covenant_rule_add(actor=actor, version=draft, meeting_type=meeting_type)
    return covenant_version_update(
        actor=actor,
        version=draft,
        expected_version=None,
        effective_from=effective_from or timezone.localdate(),
        approval_note=APPROVAL_NOTE,
        change_note=change_note,
        purposes=draft.purposes,
        participants=list(participants),
    )


def publish_covenant(
    house: SafetyHouse,
    *,
    participants: Iterable[Organisation],
    meeting_types: Iterable[MeetingType] = (),
    effective_from: dt.date | None = None,
) -> CovenantVersion:
    """Publish a covenant version for the house through the services (system actor)."""
    draft = complete_draft(house, participants=participants, meeting_types=meeting_types, effective_from=effective_from)
    return covenant_version_publish(actor=Actor.system(), version=draft)


def ensure_draft(house: SafetyHouse, **kwargs: object) -> CovenantVersion:
    """The house's draft, made complete (for publish/discard matrix tests)."""
    existing = draft_of(house)
    if existing is not None:
        return existing
    return complete_draft(house, **kwargs)  # type: ignore[arg-type]


def log_event(
    membership: Membership | None,
    action: str = AuditAction.READ,
    *,
    user: object = None,
    case_id: int | None = None,
    person_id: int | None = None,
    obj: object = None,
    on_behalf_of: object = None,
) -> AuditEvent:
    """An audit event as `membership`'s user acting for its organisation would leave it (or,
    without a membership, as `user` without one: log-in events; with neither: the system)."""
    actor = Actor(
        user=membership.user if membership is not None else user,  # type: ignore[arg-type]
        membership=membership,
        on_behalf_of=on_behalf_of,  # type: ignore[arg-type]
    )
    return audit_record(actor=actor, action=action, obj=obj, case_id=case_id, person_id=person_id)  # type: ignore[arg-type]
