"""Reads for retention and destruction (issue 4, point 6): the retention term a closing case
(or a referral decided without a case) gets, who may see the retention pages, the cases and
referrals due for destruction and the destruction records.

Referrals that never become a case are kept until:
- decided without a case (stepped down, referred to the RIEC, rejected): `Referral.retention_until`,
  the decision day plus the term of its meeting type, set at the decision like a closing case's;
- a draft, or a referral waiting for the answer to an information request: the day of its last
  activity (`with_last_activity`) plus `REFERRAL_STALE_MONTHS` months (`stale_keep_until`).
  Computed, not stored: any activity moves it.

The retention pages show case and referral ids, meeting types, municipalities and dates, no
personal data. They are scoped to the house of the membership the user acts for (privacy
officers and process directors of that house; drafts only for the privacy officer); the pages of
one case or referral, with extension reasons, write a read event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, DateTimeField, F, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.types import AnyUser
from casustafel.cases.models import (
    Case,
    CaseParty,
    CaseStatus,
    InformationRequest,
    LifeDomainProblem,
    PriorAction,
    Referral,
    ReferralStatus,
)
from casustafel.lib.dates import add_months
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Membership, Role, SafetyHouse
from casustafel.privacy.covenant.selectors import covenant_rules_for
from casustafel.privacy.retention.models import Destruction, DestructionBasis, RetentionExtension, RetentionSource

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


# A referral decided without a case that names no meeting type: the meeting types' own default.
DEFAULT_RETENTION_YEARS = int(MeetingType._meta.get_field("retention_years").default)  # type: ignore[arg-type]


def referral_retention_term_for(referral: Referral, *, on: dt.date) -> RetentionTerm:
    """The term a referral decided without a case on `on` is kept: as for a case of its
    (requested) meeting type (`retention_term_for`); without a meeting type the meeting types'
    default of `DEFAULT_RETENTION_YEARS`."""
    if referral.meeting_type is None:
        return RetentionTerm(years=DEFAULT_RETENTION_YEARS, source=RetentionSource.DEFAULT)
    return retention_term_for(referral.house_id, referral.meeting_type, on=on)


def extension_label(number: int) -> str:
    """'1e verlenging', '2e verlenging', ..."""
    return _("%(number)se verlenging") % {"number": number}


# --- Who may see and do what ----------------------------------------------------------------


def sees_drafts(membership: Membership | None) -> bool:
    """Drafts stay with the referrer: of the retention readers only the privacy officer sees
    that a draft is due (process directors never see drafts anywhere)."""
    return may_extend(membership)


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


def destruction_records(house: SafetyHouse | int, *, include_drafts: bool = True) -> QuerySet[Destruction]:
    records = Destruction.objects.filter(house=house).select_related("meeting_type", "covenant_version", "performed_by")
    if not include_drafts:
        records = records.exclude(basis=DestructionBasis.DRAFT_STALE)
    return records


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


# --- Referrals without a case -------------------------------------------------------------

# Decided without becoming a case: kept for the meeting type's term from the decision day.
DECIDED_WITHOUT_CASE = (ReferralStatus.STEPPED_DOWN, ReferralStatus.REFERRED_RIEC, ReferralStatus.REJECTED)
# Waiting for the referrer (to submit, or to answer): destroyed after REFERRAL_STALE_MONTHS unused.
STALE_STATUSES = (ReferralStatus.DRAFT, ReferralStatus.INFORMATION_REQUESTED)
STALE_BASIS = {
    ReferralStatus.DRAFT: DestructionBasis.DRAFT_STALE,
    ReferralStatus.INFORMATION_REQUESTED: DestructionBasis.QUESTION_UNANSWERED,
}
# What a referral's activity is: a change to it or to any of these rows.
ACTIVITY_MODELS: tuple[type[Model], ...] = (CaseParty, LifeDomainProblem, PriorAction, InformationRequest)
# The month arithmetic clamps month ends (31 → 28): the database filter takes a few days more
# and the exact date is checked in Python.
_MONTH_END_MARGIN = dt.timedelta(days=7)


def stale_months() -> int:
    return int(settings.REFERRAL_STALE_MONTHS)


def with_last_activity(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate `last_activity`: the latest change to the referral, its parties, life-domain
    problems, prior actions and information requests (asked or answered)."""
    latest = [
        Coalesce(
            Subquery(
                model._default_manager.filter(referral=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
            ),
            F("updated_at"),
        )
        for model in ACTIVITY_MODELS
    ]
    return referrals.annotate(last_activity=Greatest("updated_at", *latest, output_field=DateTimeField()))


def stale_keep_until(last_activity: dt.datetime) -> dt.date:
    """A draft or unanswered referral is kept through the day of its last activity plus
    `REFERRAL_STALE_MONTHS` months, and destroyed the day after."""
    return add_months(timezone.localdate(last_activity), stale_months())


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class ReferralRetentionRow:
    """A referral without a case as the retention pages and the job see it: why it is kept,
    from which day, until when (inclusive)."""

    referral: Referral
    basis: str  # a DestructionBasis value
    counted_from: dt.date
    keep_until: dt.date
    today: dt.date

    @property
    def is_stale(self) -> bool:
        return self.basis != DestructionBasis.REFERRAL_DECIDED

    @property
    def basis_label(self) -> str:
        """Why it is kept: the decision (its status), or what it waits for."""
        if self.basis == DestructionBasis.REFERRAL_DECIDED:
            return str(self.referral.get_status_display())  # type: ignore[attr-defined]
        if self.basis == DestructionBasis.DRAFT_STALE:
            return _("Concept, niet ingediend")
        return _("Wacht op antwoord op een informatievraag")

    @property
    def days_left(self) -> int:
        return (self.keep_until - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def extension_count(self) -> int:
        return int(getattr(self.referral, "extension_count", 0))

    @property
    def extension_text(self) -> str:
        return extension_label(self.extension_count) if self.extension_count else ""

    @property
    def repeated(self) -> bool:
        return self.extension_count > 1


def referral_retention_row(referral: Referral, *, today: dt.date | None = None) -> ReferralRetentionRow | None:
    """Why and until when a referral without a case is kept, or None when no referral rule
    applies: it has a case (the case's term applies), it awaits triage (the house's work), it
    was destroyed, or a decided one has no date yet (the job gives it one).

    A stale-status referral must be annotated by `with_last_activity`."""
    day = today or timezone.localdate()
    if referral.destroyed_at is not None or Case.objects.filter(referral=referral.pk).exists():
        return None
    if referral.status in DECIDED_WITHOUT_CASE:
        if referral.retention_until is None:
            return None
        decided = referral.outcome_at or referral.updated_at
        return ReferralRetentionRow(
            referral=referral,
            basis=DestructionBasis.REFERRAL_DECIDED,
            counted_from=timezone.localdate(decided),
            keep_until=referral.retention_until,
            today=day,
        )
    if referral.status in STALE_STATUSES:
        last_activity: dt.datetime = referral.last_activity  # type: ignore[attr-defined]
        return ReferralRetentionRow(
            referral=referral,
            basis=STALE_BASIS[ReferralStatus(referral.status)],
            counted_from=timezone.localdate(last_activity),
            keep_until=stale_keep_until(last_activity),
            today=day,
        )
    return None


def _extension_count() -> Coalesce:
    """The number of extensions of a referral, as a subquery (no GROUP BY next to the activity
    subqueries)."""
    counted = (
        RetentionExtension.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted), 0)


def _referrals_of_house(house: SafetyHouse | int | None) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(destroyed_at__isnull=True, case__isnull=True)
    if house is not None:
        referrals = referrals.filter(house=house)
    return referrals.select_related("meeting_type", "municipality", "referring_organisation").annotate(
        extension_count=_extension_count()
    )


def _referral_rows(
    house: SafetyHouse | int | None, *, kept_before: dt.date, today: dt.date, include_drafts: bool
) -> list[ReferralRetentionRow]:
    """Referrals without a case whose keep-until date is before `kept_before`, soonest first."""
    decided = _referrals_of_house(house).filter(status__in=DECIDED_WITHOUT_CASE, retention_until__lt=kept_before)
    statuses = STALE_STATUSES if include_drafts else (ReferralStatus.INFORMATION_REQUESTED,)
    cutoff = _start_of(add_months(kept_before, -stale_months()) + _MONTH_END_MARGIN)
    stale = with_last_activity(_referrals_of_house(house).filter(status__in=statuses)).filter(
        last_activity__lt=cutoff  # type: ignore[misc]  # an annotation django-stubs cannot see
    )
    rows = [
        ReferralRetentionRow(
            referral=referral,
            basis=DestructionBasis.REFERRAL_DECIDED,
            counted_from=timezone.localdate(referral.outcome_at or referral.updated_at),
            keep_until=referral.retention_until,  # type: ignore[arg-type]
            today=today,
        )
        for referral in decided
    ]
    for referral in stale:
        keep_until = stale_keep_until(referral.last_activity)  # type: ignore[attr-defined]
        if keep_until < kept_before:
            rows.append(
                ReferralRetentionRow(
                    referral=referral,
                    basis=STALE_BASIS[ReferralStatus(referral.status)],
                    counted_from=timezone.localdate(referral.last_activity),  # type: ignore[attr-defined]
                    keep_until=keep_until,
                    today=today,
                )
            )
    return sorted(rows, key=lambda row: (row.keep_until, row.referral.pk))


def referral_destructions_due(
    house: SafetyHouse | int, *, today: dt.date | None = None, include_drafts: bool = True
) -> list[ReferralRetentionRow]:
    """Referrals without a case of the house whose keep-until date falls within
    `DUE_WITHIN_DAYS` days, and overdue ones, soonest first (two queries)."""
    day = today or timezone.localdate()
    return _referral_rows(
        house, kept_before=day + dt.timedelta(days=DUE_WITHIN_DAYS + 1), today=day, include_drafts=include_drafts
    )


def referrals_past_retention(*, today: dt.date | None = None) -> list[ReferralRetentionRow]:
    """Every referral without a case (all houses) whose keep-until date has passed: the
    periodic job's work, next to `cases_past_retention`."""
    day = today or timezone.localdate()
    return _referral_rows(None, kept_before=day, today=day, include_drafts=True)


def referral_is_past_retention(pk: int, *, today: dt.date | None = None) -> bool:
    """Whether the referral is (still) due: not destroyed, no case, keep-until date passed."""
    day = today or timezone.localdate()
    referral = with_last_activity(Referral.objects.filter(pk=pk, destroyed_at__isnull=True)).first()
    row = referral_retention_row(referral, today=day) if referral else None
    return row is not None and row.keep_until < day


def referrals_without_retention() -> QuerySet[Referral]:
    """Referrals decided without a case that have no keep-until date yet (decided before
    referral retention existed): the job dates them from their decision day first."""
    return (
        Referral.objects.filter(
            status__in=DECIDED_WITHOUT_CASE, case__isnull=True, destroyed_at__isnull=True, retention_until__isnull=True
        )
        .select_related("meeting_type")
        .order_by("pk")
    )


def decided_on(referral: Referral) -> dt.date:
    """The decision day a referral's term counts from."""
    return timezone.localdate(referral.outcome_at or referral.updated_at)


def retention_referrals(house: SafetyHouse | int, *, include_drafts: bool) -> QuerySet[Referral]:
    """Referrals of the house without a case that a referral retention page can show: decided
    without a case, waiting for an answer, drafts (for the privacy officer), or destroyed."""
    statuses = (
        [*DECIDED_WITHOUT_CASE, *STALE_STATUSES]
        if include_drafts
        else [
            *DECIDED_WITHOUT_CASE,
            ReferralStatus.INFORMATION_REQUESTED,
        ]
    )
    return with_last_activity(
        Referral.objects.filter(house=house, status__in=statuses, case__isnull=True)
        .select_related("meeting_type", "municipality", "referring_organisation", "retention__covenant_version")
        .annotate(extension_count=_extension_count())
    )


def get_retention_referral(membership: Membership | None, pk: int) -> Referral:
    """A referral without a case of the acting house, for its retention page; 404 for
    referrals awaiting triage or with a case, other houses, roles without access, and drafts
    for anyone but the privacy officer."""
    house = retention_house(membership)
    return get_object_or_404(retention_referrals(house, include_drafts=sees_drafts(membership)), pk=pk)


def referral_extensions_of(referral: Referral) -> QuerySet[RetentionExtension]:
    return RetentionExtension.objects.filter(referral=referral).select_related("decided_by").order_by("number")


def referral_destruction_of(referral: Referral) -> Destruction | None:
    return (
        Destruction.objects.filter(referral_id=referral.pk, case_id__isnull=True)
        .select_related("covenant_version")
        .first()
    )
