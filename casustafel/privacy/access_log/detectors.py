"""Unusual access patterns in the audit trail, highlighted for the privacy officer.

A detector is a function `(PatternScope) -> list[Finding]`; `DETECTORS` lists the ones that run.
Each reads the audit events itself in one bounded query and returns findings that name the
events involved, so the access log can badge those rows and summarise the findings at the top.

1. `many_cases_in_short_time`: browsing many distinct cases within a short window.
2. `read_after_involvement_ended`: a READ of a case by someone whose organisation's involvement
   in that case had ended at that moment (and who was not house staff of the case's house).
3. `many_refusals_in_short_time`: many refused requests (404/403 on case, person and referral
   URLs) by one user within a short window: probing for cases outside one's need-to-know.

The detectors never run per page view. The periodic work (`casustafel tick`) calls
`detect_new_patterns`, which feeds each house's newly sealed events to the detectors (with the
look-back a window needs) and stores what they find as `AuditFinding` rows, extending a finding
that continues. The access log reads those rows (`stored_findings`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import cast

from django.conf import settings
from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casustafel.accounts.models import User
from casustafel.audit.integrity import decode_members
from casustafel.audit.models import AuditAction, AuditChain, AuditEvent, AuditFinding, AuditFindingEvent, AuditSeal
from casustafel.cases.models import Case, CaseInvolvement
from casustafel.organisations.models import CASE_STAFF_ROLES, Organisation, SafetyHouse

# The detectors look back at most this far: the officer narrows the period to look further back.
MAX_PATTERN_DAYS = 31
DEFAULT_PATTERN_DAYS = 7


@dataclass(frozen=True)
class PatternScope:
    """The events the detectors examine (already scoped to the house and filtered on period,
    user and organisation) and the period they cover."""

    events: QuerySet[AuditEvent]
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Finding:
    """One unusual pattern: who, when, what, and which events make it up."""

    kind: str
    badge: str
    description: str
    actor_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    event_ids: frozenset[int]
    case_id: int | None = None
    reference_at: dt.datetime | None = None
    pk: int | None = None  # of the stored `AuditFinding`

    @property
    def action(self) -> str:
        """The action of the events that make up the finding (for the "show these events" link)."""
        return AuditAction.ACCESS_DENIED if self.kind == "many_refusals" else AuditAction.READ


Detector = Callable[[PatternScope], list[Finding]]


# (event id, actor id, case id, time)
_Read = tuple[int, int, int, dt.datetime]


@dataclass
class _Burst:
    actor_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    event_ids: set[int]
    case_ids: set[int]


def _bursts(rows: Iterable[_Read], *, threshold: int, window: dt.timedelta) -> list[_Burst]:
    """Per actor, the stretches in which more than `threshold` distinct cases were read within
    `window`. Overlapping windows merge into one burst. `rows` are (event id, actor id, case id,
    time), sorted by actor and time."""
    bursts: list[_Burst] = []
    for actor_id, group in groupby(rows, key=itemgetter(1)):
        events = list(group)
        counts: Counter[int] = Counter()
        left = 0
        current: _Burst | None = None
        for right, (_pk, _actor, case_id, at) in enumerate(events):
            counts[case_id] += 1
            while at - events[left][3] > window:
                dropped = events[left][2]
                counts[dropped] -= 1
                if not counts[dropped]:
                    del counts[dropped]
                left += 1
            if len(counts) <= threshold:
                continue
            in_window = events[left : right + 1]
            if current is not None and events[left][3] <= current.ends_at:
                current.ends_at = at
            else:
                if current is not None:
                    bursts.append(current)
                current = _Burst(actor_id, events[left][3], at, set(), set())
            current.event_ids.update(row[0] for row in in_window)
            current.case_ids.update(row[2] for row in in_window)
        if current is not None:
            bursts.append(current)
    return bursts


def many_cases_in_short_time(scope: PatternScope) -> list[Finding]:
    """A user who opened more than ACCESS_LOG_ALERT_CASES distinct cases within
    ACCESS_LOG_ALERT_MINUTES minutes: browsing rather than working on one's own cases."""
    threshold: int = settings.ACCESS_LOG_ALERT_CASES
    minutes: int = settings.ACCESS_LOG_ALERT_MINUTES
    rows = (
        scope.events.filter(action=AuditAction.READ, case_id__isnull=False, actor__isnull=False)
        .order_by("actor_id", "occurred_at", "sequence")
        .values_list("pk", "actor_id", "case_id", "occurred_at")
    )
    # case_id__isnull=False above: every row has a case id.
    reads = cast(Iterable[_Read], rows.iterator(chunk_size=2000))
    bursts = _bursts(reads, threshold=threshold, window=dt.timedelta(minutes=minutes))
    if not bursts:
        return []
    names = dict(User.objects.filter(pk__in={b.actor_id for b in bursts}).values_list("pk", "full_name"))
    findings = []
    for burst in bursts:
        count = len(burst.case_ids)
        findings.append(
            Finding(
                kind="many_cases",
                badge=_("Veel casussen kort na elkaar"),
                description=many_cases_description(
                    names.get(burst.actor_id, _("onbekende gebruiker")), count, minutes, threshold
                ),
                actor_id=burst.actor_id,
                starts_at=burst.starts_at,
                ends_at=burst.ends_at,
                event_ids=frozenset(burst.event_ids),
            )
        )
    return findings


# What the referral's own pages record as read (the referral, a party's person page).
REFERRAL_PAGE_OBJECTS = ("cases.referral", "cases.person")


def many_refusals_in_short_time(scope: PatternScope) -> list[Finding]:
    """A user refused (404 or 403 on a case, person or referral URL) more than
    ACCESS_LOG_ALERT_REFUSALS times within ACCESS_LOG_ALERT_REFUSAL_MINUTES minutes: trying
    ids, or links to cases outside one's need-to-know."""
    threshold: int = settings.ACCESS_LOG_ALERT_REFUSALS
    minutes: int = settings.ACCESS_LOG_ALERT_REFUSAL_MINUTES
    rows = (
        scope.events.filter(action=AuditAction.ACCESS_DENIED, actor__isnull=False)
        .order_by("actor_id", "occurred_at", "sequence")
        .values_list("pk", "actor_id", "pk", "occurred_at")
    )
    # Every refusal counts: the "distinct" key of each row is its own id.
    refusals = cast(Iterable[_Read], rows.iterator(chunk_size=2000))
    bursts = _bursts(refusals, threshold=threshold, window=dt.timedelta(minutes=minutes))
    names = (
        dict(User.objects.filter(pk__in={b.actor_id for b in bursts}).values_list("pk", "full_name")) if bursts else {}
    )
    return [
        Finding(
            kind="many_refusals",
            badge=_("Veel geweigerde verzoeken"),
            description=refusals_description(
                names.get(burst.actor_id, _("onbekende gebruiker")), len(burst.event_ids), minutes, threshold
            ),
            actor_id=burst.actor_id,
            starts_at=burst.starts_at,
            ends_at=burst.ends_at,
            event_ids=frozenset(burst.event_ids),
        )
        for burst in bursts
    ]


def refusals_description(name: str, count: int, minutes: int, threshold: int) -> str:
    return ngettext(
        "%(name)s werd %(count)d keer geweigerd binnen %(minutes)d minuten (drempel: meer dan %(threshold)d).",
        "%(name)s werd %(count)d keer geweigerd binnen %(minutes)d minuten (drempel: meer dan %(threshold)d).",
        count,
    ) % {"name": name, "count": count, "minutes": minutes, "threshold": threshold}


def many_cases_description(name: str, count: int, minutes: int, threshold: int) -> str:
    return ngettext(
        "%(name)s opende %(count)d casus binnen %(minutes)d minuten (drempel: meer dan %(threshold)d).",
        "%(name)s opende %(count)d verschillende casussen binnen %(minutes)d minuten (drempel: meer dan %(threshold)d).",
        count,
    ) % {"name": name, "count": count, "minutes": minutes, "threshold": threshold}


def _reader_organisations() -> Q:
    """Involvements of an organisation the reader had access through: the organisation the
    event was done for, or, during a substitution, one of the absent colleague's."""
    return Q(organisation=OuterRef("actor_organisation")) | Q(organisation__memberships__user=OuterRef("on_behalf_of"))


def read_after_involvement_ended(scope: PatternScope) -> list[Finding]:
    """Reads of a case at a moment when the reader's organisation was no longer involved in
    it: an organisation that has finished its part should not look any more (need-to-know is
    bounded in time). Reads by the process directors and secretaries of the case's house, who
    see every case, are not flagged; nor are reads by organisations that were never involved,
    nor the referring organisation reading its own referral.
    One finding per reader and case; one query for the events, one for the names."""
    ended = CaseInvolvement.objects.filter(
        _reader_organisations(), case_id=OuterRef("case_id"), ended_at__lte=OuterRef("occurred_at")
    )
    involved_then = CaseInvolvement.objects.filter(
        _reader_organisations(),
        Q(ended_at__isnull=True) | Q(ended_at__gt=OuterRef("occurred_at")),
        case_id=OuterRef("case_id"),
        started_at__lte=OuterRef("occurred_at"),
    )
    house_staff = Case.objects.filter(pk=OuterRef("case_id"), house=OuterRef("actor_organisation__house"))
    # The referring organisation keeps its own referral (and its parties) for the retention
    # term: reading it is no read of the case (issue 7, point 3).
    own_referral = Case.objects.filter(
        pk=OuterRef("case_id"), referral__referring_organisation=OuterRef("actor_organisation")
    )
    rows = (
        scope.events.filter(action=AuditAction.READ, case_id__isnull=False, actor__isnull=False)
        .filter(Exists(ended))
        .exclude(Exists(involved_then))
        .exclude(Q(actor_role__in=CASE_STAFF_ROLES) & Exists(house_staff))
        .exclude(Q(object_type__in=REFERRAL_PAGE_OBJECTS) & Exists(own_referral))
        .annotate(ended_at=Subquery(ended.order_by("-ended_at").values("ended_at")[:1]))
        .order_by("actor_id", "case_id", "occurred_at", "sequence")
        .values_list("pk", "actor_id", "case_id", "occurred_at", "ended_at")
    )
    # case_id__isnull=False above: every row has a case id.
    reads = cast(Iterable[tuple[int, int, int, dt.datetime, dt.datetime]], rows)
    groups: dict[tuple[int, int], list[tuple[int, dt.datetime, dt.datetime]]] = {}
    for pk, actor_id, case_id, occurred_at, ended_at in reads:
        groups.setdefault((actor_id, case_id), []).append((pk, occurred_at, ended_at))
    if not groups:
        return []
    names = dict(User.objects.filter(pk__in={actor for actor, _case in groups}).values_list("pk", "full_name"))
    findings = []
    for (actor_id, case_id), events in groups.items():
        count = len(events)
        findings.append(
            Finding(
                kind="after_involvement",
                badge=_("Na einde betrokkenheid"),
                description=after_involvement_description(
                    names.get(actor_id, _("onbekende gebruiker")), case_id, count, events[0][2]
                ),
                actor_id=actor_id,
                starts_at=events[0][1],
                ends_at=events[-1][1],
                event_ids=frozenset(pk for pk, _at, _ended in events),
                case_id=case_id,
                reference_at=events[0][2],
            )
        )
    return findings


def after_involvement_description(name: str, case_id: int, count: int, ended_at: dt.datetime) -> str:
    return _(
        "%(name)s opende casus %(case)d %(count)d keer nadat de betrokkenheid van de organisatie "
        "was beëindigd (op %(ended)s)."
    ) % {
        "name": name,
        "case": case_id,
        "count": count,
        "ended": date_format(timezone.localtime(ended_at), "j F Y H:i"),
    }


DETECTORS: tuple[Detector, ...] = (many_cases_in_short_time, read_after_involvement_ended, many_refusals_in_short_time)


def detect_patterns(scope: PatternScope, detectors: Iterable[Detector] = DETECTORS) -> list[Finding]:
    """Run every detector over the scope; findings newest first."""
    findings = [finding for detector in detectors for finding in detector(scope)]
    return sorted(findings, key=lambda finding: finding.starts_at, reverse=True)


def pattern_period(
    start: dt.datetime | None, end: dt.datetime | None, *, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """The period the detectors examine: the filter period, but at most MAX_PATTERN_DAYS ending
    at its end; without a filter the last DEFAULT_PATTERN_DAYS days."""
    ends_at = min(end, now) if end else now
    if start is None:
        start = ends_at - dt.timedelta(days=DEFAULT_PATTERN_DAYS)
    starts_at = max(start, ends_at - dt.timedelta(days=MAX_PATTERN_DAYS))
    return starts_at, ends_at


# --- Stored findings: computed by the periodic work, read by the access log -------------------

# How far back a window detector must look before the first new event to see a whole window.
LOOKBACK: dict[Detector, Callable[[], dt.timedelta]] = {
    many_cases_in_short_time: lambda: dt.timedelta(minutes=settings.ACCESS_LOG_ALERT_MINUTES),
    many_refusals_in_short_time: lambda: dt.timedelta(minutes=settings.ACCESS_LOG_ALERT_REFUSAL_MINUTES),
}
EXAMINE_CHUNK = 5000


def _examine(house_id: int, sequences: list[int], detectors: Iterable[Detector]) -> int:
    from casustafel.privacy.access_log.services import finding_store

    new = AuditEvent.objects.filter(sequence__in=sequences)
    span = new.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    if span["first"] is None:
        return 0
    actors = list(new.exclude(actor=None).order_by().values_list("actor_id", flat=True).distinct())
    stored = 0
    for detector in detectors:
        lookback = LOOKBACK.get(detector)
        if lookback is None:
            scope = PatternScope(events=new, starts_at=span["first"], ends_at=span["last"])
        else:
            starts_at = span["first"] - lookback()
            events = AuditEvent.objects.filter(
                house_id=house_id, actor_id__in=actors, occurred_at__gte=starts_at, occurred_at__lte=span["last"]
            )
            scope = PatternScope(events=events, starts_at=starts_at, ends_at=span["last"])
        for finding in detector(scope):
            stored += finding_store(house_id=house_id, finding=finding)
    return stored


def detect_new_patterns(*, detectors: Iterable[Detector] = DETECTORS) -> int:
    """Run the detectors over every house's events sealed since the last run and store what
    they find (the periodic work; idempotent). Returns the number of findings added or extended."""
    detectors = tuple(detectors)
    stored = 0
    chains = AuditChain.objects.filter(house__isnull=False, examined_number__lt=F("sealed_number")).order_by("pk")
    for chain in chains:
        seals = list(
            AuditSeal.objects.filter(chain=chain, number__gt=chain.examined_number, number__lte=chain.sealed_number)
            .order_by("number")
            .values_list("number", "members")
        )
        if not seals:
            continue
        sequences = sorted(sequence for _number, members in seals for sequence in decode_members(members))
        for start in range(0, len(sequences), EXAMINE_CHUNK):
            stored += _examine(chain.house_id, sequences[start : start + EXAMINE_CHUNK], detectors)  # type: ignore[arg-type]
        AuditChain.objects.filter(pk=chain.pk).update(examined_number=seals[-1][0])
    return stored


def _present(row: AuditFinding, name: str) -> Finding:
    if row.kind == "many_refusals":
        badge = _("Veel geweigerde verzoeken")
        description = refusals_description(
            name, row.event_count, settings.ACCESS_LOG_ALERT_REFUSAL_MINUTES, settings.ACCESS_LOG_ALERT_REFUSALS
        )
    elif row.kind == "after_involvement":
        badge = _("Na einde betrokkenheid")
        description = after_involvement_description(
            name, row.case_id or 0, row.event_count, row.reference_at or row.starts_at
        )
    else:
        badge = _("Veel casussen kort na elkaar")
        description = many_cases_description(
            name, row.distinct_count, settings.ACCESS_LOG_ALERT_MINUTES, settings.ACCESS_LOG_ALERT_CASES
        )
    return Finding(
        kind=row.kind,
        badge=badge,
        description=description,
        actor_id=row.actor_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        event_ids=frozenset(),
        case_id=row.case_id,
        reference_at=row.reference_at,
        pk=row.pk,
    )


def stored_findings(
    house: SafetyHouse | int,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    user: User | None = None,
    organisation: Organisation | None = None,
    limit: int = 100,
) -> list[Finding]:
    """The stored findings of the house that overlap the period (newest first), for the user
    and organisation filtered on. One query."""
    rows = AuditFinding.objects.filter(house=house, ends_at__gte=starts_at, starts_at__lt=ends_at).select_related(
        "actor"
    )
    if user is not None:
        rows = rows.filter(actor=user)
    if organisation is not None:
        rows = rows.filter(
            Exists(AuditFindingEvent.objects.filter(finding=OuterRef("pk"), event__actor_organisation=organisation))
        )
    return [
        _present(row, row.actor.full_name if row.actor else _("onbekende gebruiker"))
        for row in rows.order_by("-starts_at")[:limit]
    ]


def finding_links(event_ids: Iterable[int], findings: Iterable[Finding]) -> dict[int, list[Finding]]:
    """Per event of a page, the shown findings it is part of (one query)."""
    by_pk = {finding.pk: finding for finding in findings if finding.pk is not None}
    links: dict[int, list[Finding]] = {}
    if not by_pk:
        return links
    for event_id, finding_id in AuditFindingEvent.objects.filter(
        event_id__in=list(event_ids), finding_id__in=list(by_pk)
    ).values_list("event_id", "finding_id"):
        links.setdefault(event_id, []).append(by_pk[finding_id])
    return links


def examined_until(house: SafetyHouse | int) -> dt.datetime | None:
    """When the newest seal the detectors examined was made (the findings are that fresh)."""
    return (
        AuditSeal.objects.filter(chain__house=house, number=F("chain__examined_number"))
        .values_list("sealed_at", flat=True)
        .first()
    )
