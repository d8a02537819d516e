"""Reads of the access log: the audit events within a privacy officer's house, the filter, and
the rows as the page and the export show them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.audit.models import AuditEvent
from casustafel.organisations.models import (
    Organisation,
    Role,
    SafetyHouse,
)


def house_users(house: SafetyHouse | int) -> QuerySet[User]:
    """Everyone who has or had a membership in the house (ended memberships included: their
    past events stay reviewable)."""
    return User.objects.filter(memberships__organisation__house=house).distinct()


def house_audit_events(house: SafetyHouse | int) -> QuerySet[AuditEvent]:
    """The audit events a privacy officer of the house may review.

    - events done on behalf of one of the house's organisations;
    - events without an organisation (log-in, log-out, MFA) by someone of the house;
    - events without any actor (failed log-ins, lock-outs) on the account of someone of the house.

    Events a user with memberships in two houses did for the other house are left out: they
    belong to that house's privacy officer.
    """
    user_ids = User.objects.filter(memberships__organisation__house=house).values("pk")
    user_ids_text = (
        User.objects.filter(memberships__organisation__house=house)
        .annotate(pk_text=Cast("pk", CharField()))
        .values("pk_text")
    )
    return AuditEvent.objects.filter(
        Q(actor_organisation__house=house)
        | Q(actor_organisation__isnull=True, actor__in=user_ids)
        | Q(
            actor_organisation__isnull=True,
            actor__isnull=True,
            object_type="accounts.user",
            object_id__in=user_ids_text,
        )
    )


@dataclass(frozen=True)
class AccessLogFilter:
    """The filters of the access log; every value optional. Dates are whole days in local time."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user: User | None = None
    organisation: Organisation | None = None
    action: str = ""
    case_id: int | None = None
    person_id: int | None = None

    def period(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The filter period as aware datetimes [start, end)."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=tz) if self.date_from else None
        end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if self.date_to else None
        return start, end

    def apply(self, events: QuerySet[AuditEvent], *, for_patterns: bool = False) -> QuerySet[AuditEvent]:
        """Narrow `events`. For the pattern detectors only the period, user and organisation
        apply: a filter on action or case would hide the very pattern they look for."""
        start, end = self.period()
        if start:
            events = events.filter(occurred_at__gte=start)
        if end:
            events = events.filter(occurred_at__lt=end)
        if self.user:
            # Also what a substitute did on the user's behalf, and failed log-ins on their account.
            events = events.filter(
                Q(actor=self.user)
                | Q(on_behalf_of=self.user)
                | Q(actor__isnull=True, object_type="accounts.user", object_id=str(self.user.pk))
            )
        if self.organisation:
            events = events.filter(actor_organisation=self.organisation)
        if for_patterns:
            return events
        if self.action:
            events = events.filter(action=self.action)
        if self.case_id is not None:
            events = events.filter(case_id=self.case_id)
        if self.person_id is not None:
            events = events.filter(person_id=self.person_id)
        return events

    def as_audit_changes(self) -> dict[str, Any]:
        """The filters as ids and dates only, for the audit event of an export."""
        values: dict[str, Any] = {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "user_id": self.user.pk if self.user else None,
            "organisation_id": self.organisation.pk if self.organisation else None,
            "action": self.action or None,
            "case_id": self.case_id,
            "person_id": self.person_id,
        }
        return {name: value for name, value in values.items() if value is not None}


def access_log_events(house: SafetyHouse | int, log_filter: AccessLogFilter) -> QuerySet[AuditEvent]:
    """The filtered events of the house, newest first, with everything a row shows joined in."""
    return (
        log_filter.apply(house_audit_events(house))
        .select_related("actor", "actor_organisation", "on_behalf_of")
        .order_by("-occurred_at", "-sequence")
    )


@lru_cache(maxsize=256)
def _model_for(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """The name of an audited object's model in the active language ("cases.case" -> "casus")."""
    if not object_type:
        return ""
    model = _model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


@dataclass(frozen=True)
class AccessLogRow:
    """One audit event as the access log shows it, with the unusual patterns it is part of."""

    event: AuditEvent
    findings: list[Any]

    @property
    def user_name(self) -> str:
        return self.event.actor.full_name if self.event.actor else ""

    @property
    def role(self) -> str:
        return role_label(self.event.actor_role)

    @property
    def on_behalf_of_name(self) -> str:
        return self.event.on_behalf_of.full_name if self.event.on_behalf_of else ""

    @property
    def object_label(self) -> str:
        return object_type_label(self.event.object_type)


def access_log_rows(events: Any, findings: list[Any]) -> list[AccessLogRow]:
    """Wrap the events of one page; `findings` (from the detectors) badge the rows they name."""
    by_event: dict[int, list[Any]] = {}
    for finding in findings:
        for event_id in finding.event_ids:
            by_event.setdefault(event_id, []).append(finding)
    return [AccessLogRow(event=event, findings=by_event.get(event.pk, [])) for event in events]
