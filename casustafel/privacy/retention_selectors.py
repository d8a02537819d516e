"""Reads for retention and destruction (issue 4, point 6): the retention term a closing case
gets, who may see the retention pages, the cases due for destruction and the destruction
records.

The retention pages show case ids, meeting types, municipalities and dates, no personal data.
They are scoped to the house of the membership the user acts for (privacy officers and process
directors of that house); the case page with extension reasons writes a read event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.types import AnyUser
from casustafel.cases.models import Case, CaseStatus
from casustafel.meetings.models import MeetingType
from casustafel.organisations.models import Membership, Role, SafetyHouse
from casustafel.privacy.models import Destruction, RetentionExtension, RetentionSource
from casustafel.privacy.selectors import covenant_rules_for

# "Show upcoming destructions a month ahead" (issue 4, point 6).
DUE_WITHIN_DAYS = 31
RETENTION_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.PROCESS_DIRECTOR})


# --- The term -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionTerm:
    """The retention term for a case closed on a day, and where it comes from."""

    years: int
    source: str
    covenant_version_id: int | None = None
    covenant_version_number: int | None = None

    @property
    def source_text(self) -> str:
        if self.source == RetentionSource.COVENANT:
            return _("convenant versie %(number)s") % {"number": self.covenant_version_number}
        return _("standaardtermijn van het overlegtype (geen afspraak in een convenant van kracht)")


def retention_term_for(house: SafetyHouse | int, meeting_type: MeetingType, *, on: dt.date) -> RetentionTerm:
    """The term a case of `meeting_type` closed on `on` is kept: the covenant's rule for the
    meeting type in the version in force on that day (WGS: the covenant sets the term), else the
    meeting type's own `retention_years` (5 by default, set by the administrator).
    """
    rules = covenant_rules_for(house, meeting_type, on=on)
    if rules.covered and rules.retention_years is not None:
        return RetentionTerm(
            years=rules.retention_years,
            source=RetentionSource.COVENANT,
            covenant_version_id=rules.version_id,
            covenant_version_number=rules.version_number,
        )
    return RetentionTerm(years=meeting_type.retention_years, source=RetentionSource.MEETING_TYPE)


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` plus whole years; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def extension_label(number: int) -> str:
    """'1e verlenging', '2e verlenging', ..."""
    return _("%(number)se verlenging") % {"number": number}


# --- Who may see and do what ----------------------------------------------------------------


def retention_house(membership: Membership | None) -> SafetyHouse:
    """The house whose retention pages the user may see: privacy officers (who decide
    extensions) and process directors (who close cases and may ask for one). 404 for others."""
    if membership is None or membership.role not in RETENTION_ROLES:
        raise Http404
    return membership.organisation.house


def may_extend(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.PRIVACY_OFFICER


def is_privacy_officer_of(user: AnyUser | None, house_id: int) -> bool:
    """Whether the user is an active privacy officer of the house (the services' check)."""
    if user is None or not user.is_authenticated:
        return False
    return (
        Membership.objects.active().filter(user=user, role=Role.PRIVACY_OFFICER, organisation__house=house_id).exists()
    )


# --- Lists --------------------------------------------------------------------------------


def retention_cases(house: SafetyHouse | int) -> QuerySet[Case]:
    """Closed and destroyed cases of the house with what the retention pages show loaded."""
    return (
        Case.objects.filter(house=house, status__in=[CaseStatus.CLOSED, CaseStatus.DESTROYED])
        .select_related("meeting_type", "municipality")
        .annotate(extension_count=Count("retention_extensions"))
    )


def destructions_due(house: SafetyHouse | int, *, today: dt.date | None = None) -> QuerySet[Case]:
    """Closed cases of the house whose destruction date falls within `DUE_WITHIN_DAYS` days, and
    overdue ones (the periodic job has not run yet), soonest first."""
    day = today or timezone.localdate()
    return (
        retention_cases(house)
        .filter(status=CaseStatus.CLOSED, retention_until__lte=day + dt.timedelta(days=DUE_WITHIN_DAYS))
        .order_by("retention_until", "pk")
    )


def cases_past_retention(*, today: dt.date | None = None) -> QuerySet[Case]:
    """Every closed case (all houses) whose keep-until date has passed: the periodic job's work.
    A case is kept through its `retention_until` day and destroyed from the next day on."""
    day = today or timezone.localdate()
    return Case.objects.filter(status=CaseStatus.CLOSED, retention_until__lt=day).order_by("retention_until", "pk")


def destruction_records(house: SafetyHouse | int) -> QuerySet[Destruction]:
    return Destruction.objects.filter(house=house).select_related("meeting_type", "covenant_version", "performed_by")


def get_retention_case(membership: Membership | None, pk: int) -> Case:
    """A closed or destroyed case of the acting house, for its retention page; 404 for active
    cases, other houses and roles without access."""
    house = retention_house(membership)
    return get_object_or_404(retention_cases(house).select_related("retention__covenant_version"), pk=pk)


def extensions_of(case: Case) -> QuerySet[RetentionExtension]:
    return RetentionExtension.objects.filter(case=case).select_related("decided_by").order_by("number")


def destruction_of(case: Case) -> Destruction | None:
    return Destruction.objects.filter(case_id=case.pk).select_related("covenant_version").first()


def days_until(day: dt.date, *, today: dt.date | None = None) -> int:
    return (day - (today or timezone.localdate())).days


@dataclass(frozen=True)
class RetentionRow:
    """A closed case as the retention pages list it (annotated by `retention_cases`)."""

    case: Case
    today: dt.date

    @property
    def days_left(self) -> int:
        assert self.case.retention_until is not None
        return (self.case.retention_until - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def extension_count(self) -> int:
        return int(getattr(self.case, "extension_count", 0))

    @property
    def extension_text(self) -> str:
        return extension_label(self.extension_count) if self.extension_count else ""

    @property
    def repeated(self) -> bool:
        """Extended more than once: highlighted, so a case is not kept by routine."""
        return self.extension_count > 1


def retention_rows(cases: QuerySet[Case], *, today: dt.date | None = None) -> list[RetentionRow]:
    day = today or timezone.localdate()
    return [RetentionRow(case=case, today=day) for case in cases]


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int


def _plural_label(object_type: str) -> str:
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name_plural)


def destruction_counts(destruction: Destruction) -> tuple[list[CountRow], list[CountRow]]:
    """The deleted and blanked counts of a destruction record with readable names."""
    deleted = [CountRow(_plural_label(key), count) for key, count in sorted(destruction.deleted_counts.items())]
    blanked = [CountRow(_plural_label(key), count) for key, count in sorted(destruction.blanked_counts.items())]
    return deleted, blanked
