"""Reads of the access log: the audit events within a privacy officer's house, the filter, and
the rows as the page and the export show them."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.selectors import events_about
from casustafel.cases.models import Person
from casustafel.organisations.models import (
    Membership,
    Organisation,
    Role,
    SafetyHouse,
)


def house_users(house: SafetyHouse | int) -> QuerySet[User]:
    """Everyone who has or had a membership in the house (ended memberships included: their
    past events stay reviewable)."""
    return User.objects.filter(memberships__organisation__house=house).distinct()


USER_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class UserCandidate:
    pk: int
    name: str
    organisations: tuple[str, ...]


def house_user_search(house: SafetyHouse | int, query: str, *, exclude: int | None = None) -> list[UserCandidate]:
    """People of the house (ended memberships included, as in `house_users`) whose name, e-mail
    address or organisation contains every typed word: at most USER_SEARCH_LIMIT, in one query.
    The access log's user filter offers these instead of a list of the whole house."""
    words = query.split()
    if not words:
        return []
    memberships = (
        Membership.objects.filter(organisation__house=house)
        .select_related("user", "organisation")
        .order_by("user__full_name", "user_id", "organisation__name")
    )
    if exclude is not None:
        memberships = memberships.exclude(user_id=exclude)
    for word in words[:5]:
        memberships = memberships.filter(
            Q(user__full_name__icontains=word) | Q(user__email__icontains=word) | Q(organisation__name__icontains=word)
        )
    found: dict[int, UserCandidate] = {}
    # A person has a few memberships at most; the slice bounds the rows read however many match.
    for membership in memberships[: USER_SEARCH_LIMIT * 3]:
        known = found.get(membership.user_id)
        if known is None:
            if len(found) == USER_SEARCH_LIMIT:
                break
            found[membership.user_id] = UserCandidate(
                pk=membership.user_id,
                name=membership.user.full_name or membership.user.email,
                organisations=(membership.organisation.name,),
            )
        elif membership.organisation.name not in known.organisations:
            found[membership.user_id] = UserCandidate(
                pk=known.pk, name=known.name, organisations=(*known.organisations, membership.organisation.name)
            )
    return list(found.values())


def _house_accounts(house: SafetyHouse | int) -> Q:
    """Installation events (no house: log-in, log-out, MFA, failed log-ins) that concern an
    account of someone of the house."""
    user_ids = User.objects.filter(memberships__organisation__house=house).values("pk")
    user_ids_text = (
        User.objects.filter(memberships__organisation__house=house)
        .annotate(pk_text=Cast("pk", CharField()))
        .values("pk_text")
    )
    return Q(actor__in=user_ids) | Q(actor__isnull=True, object_type="accounts.user", object_id__in=user_ids_text)


def installation_events_of(house: SafetyHouse | int) -> QuerySet[AuditEvent]:
    """Events of the installation's chain (no house) about accounts of the house's people."""
    return AuditEvent.objects.filter(house__isnull=True).filter(_house_accounts(house))


def house_audit_events(house: SafetyHouse | int) -> QuerySet[AuditEvent]:
    """The audit events a privacy officer of the house may review.

    - events of the house's own chain (`AuditEvent.house`: done for one of its organisations,
      or by a system job on one of its cases or referrals);
    - events of the installation (log-in, log-out, MFA) by someone of the house, and failed
      log-ins and lock-outs on the account of someone of the house.

    Events a user with memberships in two houses did for the other house are left out: they
    belong to that house's privacy officer. The access log's pages read the two parts
    separately (`access_log_page`), each along its own index.
    """
    return AuditEvent.objects.filter(Q(house=house) | (Q(house__isnull=True) & _house_accounts(house)))


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
    # Persons found by the audited search by name or BSN (`access_log_person_search`).
    person_ids: tuple[int, ...] = ()

    @property
    def persons(self) -> tuple[int, ...]:
        return (*((self.person_id,) if self.person_id is not None else ()), *self.person_ids)

    @property
    def only_house_events(self) -> bool:
        """Whether the filter leaves out the installation's events (which have no organisation,
        case or person)."""
        return self.organisation is not None or self.case_id is not None or bool(self.persons)

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
            # Also lists and searches that showed the case, and refused attempts to open it.
            events = events.filter(sequence__in=events_about(case_ids=[self.case_id], attempts=True).values("sequence"))
        if self.persons:
            events = events.filter(sequence__in=events_about(person_ids=self.persons, attempts=True).values("sequence"))
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


def merged_person_ids(person_id: int) -> tuple[int, ...]:
    """The registrations merged into a person: their events are the person's too."""
    return tuple(Person.objects.filter(merged_into_id=person_id).values_list("pk", flat=True))


def access_log_events(house: SafetyHouse | int, log_filter: AccessLogFilter) -> QuerySet[AuditEvent]:
    """The filtered events of the house, newest first, with everything a row shows joined in."""
    return _with_rows(log_filter.apply(house_audit_events(house))).order_by("-occurred_at", "-sequence")


def _with_rows(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return events.select_related("actor", "actor_organisation", "on_behalf_of")


def access_log_streams(house: SafetyHouse | int, log_filter: AccessLogFilter) -> list[QuerySet[AuditEvent]]:
    """The filtered events in two parts, each served by its own index: the house's chain
    (`audit_house_time`) and the installation's events about the house's accounts
    (`audit_installation_time`), the latter only when the filter can match them."""
    streams = [_with_rows(log_filter.apply(AuditEvent.objects.filter(house=house)))]
    if not log_filter.only_house_events:
        streams.append(_with_rows(log_filter.apply(installation_events_of(house))))
    return streams


@dataclass(frozen=True)
class Cursor:
    """A position in the log (keyset pagination): the time and sequence of an event."""

    occurred_at: dt.datetime
    sequence: int

    @classmethod
    def of(cls, event: AuditEvent) -> Cursor:
        return cls(event.occurred_at, event.sequence)

    def encode(self) -> str:
        micros = int(self.occurred_at.timestamp()) * 1_000_000 + self.occurred_at.microsecond
        return f"{micros}-{self.sequence}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor in a URL, or None for anything malformed or out of range."""
        try:
            micros, sequence = (int(part) for part in (text or "").split("-", 1))
            when = dt.datetime.fromtimestamp(micros // 1_000_000, tz=dt.UTC).replace(microsecond=micros % 1_000_000)
        except (ValueError, OverflowError, OSError):
            return None
        return cls(when, sequence) if 0 < sequence < 2**63 else None


@dataclass(frozen=True)
class AccessLogPage:
    """One page of the log, newest first, and where the pages before and after it start."""

    events: list[AuditEvent]
    newer: Cursor | None
    older: Cursor | None


def _before(cursor: Cursor) -> Q:
    # The redundant `lte` lets the database seek straight to the cursor in the time index.
    return Q(occurred_at__lte=cursor.occurred_at) & (
        Q(occurred_at__lt=cursor.occurred_at) | Q(sequence__lt=cursor.sequence)
    )


def _after(cursor: Cursor) -> Q:
    return Q(occurred_at__gte=cursor.occurred_at) & (
        Q(occurred_at__gt=cursor.occurred_at) | Q(sequence__gt=cursor.sequence)
    )


def _key(event: AuditEvent) -> tuple[dt.datetime, int]:
    return event.occurred_at, event.sequence


def access_log_page(
    house: SafetyHouse | int,
    log_filter: AccessLogFilter,
    *,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    size: int = 50,
) -> AccessLogPage:
    """A page of the filtered log by keyset pagination: each part is read along its index from
    the cursor, `size + 1` rows at most, and the parts are merged. No count of the whole log is
    ever made, so a page costs the same on a trail of fifty million events as on a small one.

    Args:
        older_than: the page after this position (the "Oudere" link); default the newest page.
        newer_than: the page before this position (the "Nieuwere" link).
    """
    streams = access_log_streams(house, log_filter)
    if newer_than is not None:
        rows = [
            event
            for stream in streams
            for event in stream.filter(_after(newer_than)).order_by("occurred_at", "sequence")[: size + 1]
        ]
        rows.sort(key=_key)
        more_newer = len(rows) > size
        shown = list(reversed(rows[:size]))
        return AccessLogPage(
            events=shown,
            newer=Cursor.of(shown[0]) if shown and more_newer else None,
            older=Cursor.of(shown[-1]) if shown else None,
        )
    rows = []
    for stream in streams:
        if older_than is not None:
            stream = stream.filter(_before(older_than))
        rows.extend(stream.order_by("-occurred_at", "-sequence")[: size + 1])
    rows.sort(key=_key, reverse=True)
    shown = rows[:size]
    return AccessLogPage(
        events=shown,
        newer=Cursor.of(shown[0]) if shown and older_than is not None else None,
        older=Cursor.of(shown[-1]) if len(rows) > size else None,
    )


def access_log_export_rows(
    house: SafetyHouse | int, log_filter: AccessLogFilter, *, up_to: int
) -> tuple[int, Iterator[AuditEvent]]:
    """The filtered events up to sequence `up_to`, newest first, for the export: their number
    and an iterator that streams them (the parts merged in order)."""
    streams = [stream.filter(sequence__lte=up_to) for stream in access_log_streams(house, log_filter)]
    count = sum(stream.count() for stream in streams)
    iterators = [stream.order_by("-occurred_at", "-sequence").iterator(chunk_size=500) for stream in streams]
    return count, heapq.merge(*iterators, key=_key, reverse=True)


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

    @property
    def refusal_status(self) -> int | None:
        """For a refused request: the answer it got (404 or 403). Its `changes` hold only the
        status, the view and ids, so this much is safe to show."""
        if self.event.action != AuditAction.ACCESS_DENIED or not isinstance(self.event.changes, dict):
            return None
        status = self.event.changes.get("status")
        return status if isinstance(status, int) else None


def access_log_rows(events: Any, findings: list[Any], links: dict[int, list[Any]] | None = None) -> list[AccessLogRow]:
    """Wrap the events of one page; the findings badge the rows they name (`links`: event id
    to findings, as stored by the periodic work; otherwise the findings' own event ids)."""
    by_event: dict[int, list[Any]] = dict(links or {})
    if links is None:
        for finding in findings:
            for event_id in finding.event_ids:
                by_event.setdefault(event_id, []).append(finding)
    return [AccessLogRow(event=event, findings=by_event.get(event.pk, [])) for event in events]
