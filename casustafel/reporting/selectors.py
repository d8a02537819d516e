"""Aggregate indicators of one house over a period, suppressed before they leave this module.

Every figure is a count (or a percentage or median derived from counts) over the house's
referrals and cases; no name, free text or id of a case or person is read. Each table is built by a fixed number
of grouped queries whatever the number of referrals. Definitions: docs/indicators.md.

Who may read them: the board, the house manager and the process directors of the house
(`report_house`); everyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from casustafel.cases.models import Case, EntryRoute, Referral, ReferralStatus
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse, Sector
from casustafel.reporting.suppression import Cell, CellState, suppress_group

# Who reads the reports of their house. Secretaries, administrators and privacy officers have
# no steering task; partner professionals see their own referrals and cases instead.
REPORT_ROLES = frozenset({Role.BOARD, Role.HOUSE_MANAGER, Role.PROCESS_DIRECTOR})

DEFAULT_MONTHS = 12
MAX_MONTHS = 60

# The outcome of a referral is its status; the order is the table's.
OUTCOME_STATUSES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.STEPPED_DOWN,
    ReferralStatus.REFERRED_RIEC,
    ReferralStatus.REJECTED,
    ReferralStatus.INFORMATION_REQUESTED,
    ReferralStatus.SUBMITTED,
)
DECIDED_STATUSES = OUTCOME_STATUSES[:4]


def report_house(membership: Membership | None) -> SafetyHouse:
    """The house whose reports the user reads; 404 for every role outside REPORT_ROLES."""
    if membership is None or membership.role not in REPORT_ROLES:
        raise Http404
    return membership.organisation.house


def report_threshold() -> int:
    return int(settings.REPORT_MIN_CELL)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in the house's time zone."""

    start: dt.date
    end: dt.date

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after the period."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        first, last = self.start.replace(day=1), self.end.replace(day=1)
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        return [add_months(first, n) for n in range(count)]

    @property
    def label(self) -> str:
        return _("%(start)s t/m %(end)s") % {
            "start": formats.date_format(self.start, "j F Y"),
            "end": formats.date_format(self.end, "j F Y"),
        }


def default_period(today: dt.date | None = None) -> Period:
    """The last twelve calendar months: from the first of the month eleven months ago up to
    and including today."""
    day = today or timezone.localdate()
    return Period(start=add_months(day, -(DEFAULT_MONTHS - 1)), end=day)


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    description: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    total: Row

    @property
    def withheld(self) -> bool:
        return any(cell.state is CellState.WITHHELD for row in self.rows for cell in row.cells)

    def cell(self, row: int, column: int = 0) -> Cell:
        return self.rows[row].cells[column]


@dataclass(frozen=True)
class Figure:
    """A headline number: a count cell, or a percentage or median shown only when its
    counts may be shown."""

    key: str
    label: str
    display: str
    export_value: int | float | str
    note: str = ""


@dataclass(frozen=True)
class Report:
    house_name: str
    period: Period
    threshold: int
    generated_at: dt.datetime
    figures: list[Figure]
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    def figure(self, key: str) -> Figure:
        return next(figure for figure in self.figures if figure.key == key)


def _table(
    *,
    key: str,
    title: str,
    description: str,
    row_header: str,
    labels: Sequence[str],
    columns: Mapping[str, Sequence[int]],
    threshold: int,
) -> Table:
    """A table whose every column is one suppression group adding up to its total."""
    groups = [suppress_group(values, threshold=threshold) for values in columns.values()]
    rows = [Row(label=label, cells=[group.members[i] for group in groups]) for i, label in enumerate(labels)]
    return Table(
        key=key,
        title=title,
        description=description,
        row_header=row_header,
        columns=list(columns),
        rows=rows,
        total=Row(label=_("Totaal"), cells=[group.total for group in groups]),
    )


def submitted_referrals(house: SafetyHouse, period: Period) -> QuerySet[Referral]:
    """The cohort: referrals of the house submitted within the period (drafts never count)."""
    return (
        Referral.objects.filter(house=house, submitted_at__gte=period.starts_at, submitted_at__lt=period.ends_at)
        .exclude(status=ReferralStatus.DRAFT)
        .order_by()
    )


def _counts(queryset: QuerySet[Referral], field_name: str) -> dict[object, int]:
    return {row[field_name]: row["n"] for row in queryset.values(field_name).annotate(n=Count("pk"))}


def _route_table(cohort: QuerySet[Referral], threshold: int) -> Table:
    counts = _counts(cohort, "entry_route")
    return _table(
        key="entry_route",
        title=_("Aanmeldingen per instroomroute"),
        description=_("Aanmeldingen ingediend in de periode, naar de route waarlangs ze binnenkwamen."),
        row_header=_("Instroomroute"),
        labels=[str(label) for label in EntryRoute.labels],
        columns={_("Aanmeldingen"): [counts.get(value, 0) for value in EntryRoute.values]},
        threshold=threshold,
    )


OUTCOME_LABELS = {
    ReferralStatus.ACCEPTED: _lazy("Aangenomen"),
    ReferralStatus.STEPPED_DOWN: _lazy("Afgeschaald naar lokaal"),
    ReferralStatus.REFERRED_RIEC: _lazy("Doorverwezen naar het RIEC"),
    ReferralStatus.REJECTED: _lazy("Niet aangenomen"),
    ReferralStatus.INFORMATION_REQUESTED: _lazy("Meer informatie gevraagd (wacht op antwoord)"),
    ReferralStatus.SUBMITTED: _lazy("Nog geen besluit"),
}


def _outcome_table(cohort: QuerySet[Referral], threshold: int) -> Table:
    counts = _counts(cohort, "status")
    return _table(
        key="outcome",
        title=_("Aanmeldingen per uitkomst van de triage"),
        description=_("Dezelfde aanmeldingen, naar hun uitkomst vandaag."),
        row_header=_("Uitkomst"),
        labels=[str(OUTCOME_LABELS[status]) for status in OUTCOME_STATUSES],
        columns={_("Aanmeldingen"): [counts.get(status.value, 0) for status in OUTCOME_STATUSES]},
        threshold=threshold,
    )


def _municipality_table(house: SafetyHouse, cohort: QuerySet[Referral], threshold: int) -> Table:
    counts = _counts(cohort, "municipality")
    municipalities = [
        (pk, name)
        for pk, name, active in Organisation.objects.filter(house=house, sector=Sector.MUNICIPALITY)
        .order_by("name", "pk")
        .values_list("pk", "name", "is_active")
        if active or counts.get(pk)
    ]
    known = {pk for pk, _name in municipalities}
    # A municipality of another house cannot be chosen; anything unknown counts as "not filled in".
    unknown = sum(n for pk, n in counts.items() if pk not in known)
    return _table(
        key="municipality",
        title=_("Aanmeldingen per woongemeente"),
        description=_("Dezelfde aanmeldingen, naar de woongemeente in de aanmelding."),
        row_header=_("Woongemeente"),
        labels=[name for _pk, name in municipalities] + [_("Niet ingevuld")],
        columns={_("Aanmeldingen"): [counts.get(pk, 0) for pk, _name in municipalities] + [unknown]},
        threshold=threshold,
    )


def _month_table(cohort: QuerySet[Referral], period: Period, threshold: int) -> Table:
    rows = cohort.annotate(month=TruncMonth("submitted_at")).values("month").annotate(n=Count("pk"))
    counts: dict[dt.date, int] = {}
    for row in rows:
        month = row["month"]
        day = timezone.localtime(month).date() if isinstance(month, dt.datetime) else month
        counts[day.replace(day=1)] = counts.get(day.replace(day=1), 0) + row["n"]
    months = period.months()
    return _table(
        key="month",
        title=_("Aanmeldingen per maand"),
        description=_(
            "Dezelfde aanmeldingen, naar de maand van indienen (de eerste en laatste maand kunnen deels in de periode vallen)."
        ),
        row_header=_("Maand"),
        labels=[formats.date_format(month, "F Y") for month in months],
        columns={_("Aanmeldingen"): [counts.get(month, 0) for month in months]},
        threshold=threshold,
    )


def _first_contact_table(cohort: QuerySet[Referral], now: dt.datetime, threshold: int) -> Table:
    counts = cohort.aggregate(
        total=Count("pk"),
        met=Count("pk", filter=Q(first_contact_at__isnull=False, first_contact_at__lte=F("first_contact_due_at"))),
        missed=Count(
            "pk",
            filter=Q(first_contact_at__gt=F("first_contact_due_at"))
            | Q(first_contact_at__isnull=True, first_contact_due_at__lt=now),
        ),
    )
    running = counts["total"] - counts["met"] - counts["missed"]
    return _table(
        key="first_contact",
        title=_("Norm eerste contact"),
        description=_(
            "Dezelfde aanmeldingen: nam het huis contact op met de aanmelder binnen de norm van het overlegtype (standaard 48 uur)?"
        ),
        row_header=_("Eerste contact"),
        labels=[_("Binnen de norm"), _("Na de norm, of de norm is verstreken"), _("Nog geen contact, termijn loopt")],
        columns={_("Aanmeldingen"): [counts["met"], counts["missed"], running]},
        threshold=threshold,
    )


def _case_table(house: SafetyHouse, period: Period, threshold: int) -> Table:
    starts_at, ends_at = period.starts_at, period.ends_at
    rows = (
        Case.objects.filter(house=house, opened_at__lt=ends_at)
        .order_by()
        .values("meeting_type")
        .annotate(
            opened=Count("pk", filter=Q(opened_at__gte=starts_at)),
            closed=Count("pk", filter=Q(closed_at__gte=starts_at, closed_at__lt=ends_at)),
            active=Count("pk", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=ends_at)),
        )
    )
    counts = {row["meeting_type"]: row for row in rows}
    meeting_types = [
        (pk, name)
        for pk, name, active in MeetingType.objects.filter(house=house)
        .order_by("name", "pk")
        .values_list("pk", "name", "is_active")
        if active or pk in counts
    ]
    empty = {"opened": 0, "closed": 0, "active": 0}
    return _table(
        key="cases",
        title=_("Casussen per overlegtype"),
        description=_(
            "Casussen geopend en afgesloten in de periode, en actief aan het eind ervan. Vernietigde casussen tellen mee als afgesloten."
        ),
        row_header=_("Overlegtype"),
        labels=[name for _pk, name in meeting_types],
        columns={
            _("Geopend"): [counts.get(pk, empty)["opened"] for pk, _name in meeting_types],
            _("Afgesloten"): [counts.get(pk, empty)["closed"] for pk, _name in meeting_types],
            _("Actief aan het eind"): [counts.get(pk, empty)["active"] for pk, _name in meeting_types],
        },
        threshold=threshold,
    )


def _number(value: float) -> str:
    return formats.number_format(round(value, 1), decimal_pos=1, use_l10n=True)


def _cell_figure(key: str, label: str, cell: Cell, note: str = "") -> Figure:
    return Figure(key=key, label=label, display=cell.display, export_value=cell.export_value, note=note)


def _first_contact_figure(table: Table) -> Figure:
    met, missed = table.cell(0), table.cell(1)
    label = _("Eerste contact binnen de norm")
    if not (met.visible and missed.visible):
        hidden = str(_("afgeschermd"))
        return Figure(key="first_contact_rate", label=label, display=hidden, export_value=hidden)
    judged = (met.value or 0) + (missed.value or 0)
    if not judged:
        return Figure(key="first_contact_rate", label=label, display="–", export_value="")
    rate = 100 * (met.value or 0) / judged
    return Figure(
        key="first_contact_rate",
        label=label,
        display=f"{_number(rate)}%",
        export_value=round(rate, 1),
        note=_("van de aanmeldingen waarvan de termijn voorbij is of waar contact was"),
    )


def _median_days(decided: QuerySet[Referral], count: int) -> float:
    """The median of (outcome - submission) in days, sorted by the database: two rows read,
    however many decisions there are."""
    durations = (
        decided.annotate(duration=ExpressionWrapper(F("outcome_at") - F("submitted_at"), output_field=DurationField()))
        .order_by("duration")
        .values_list("duration", flat=True)
    )
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])
    return sum(duration.total_seconds() for duration in middle) / len(middle) / 86400


def _median_figure(cohort: QuerySet[Referral], outcome: Table, threshold: int) -> Figure:
    decided = cohort.filter(status__in=DECIDED_STATUSES, outcome_at__isnull=False, submitted_at__isnull=False)
    count = decided.count()
    label = _("Mediane doorlooptijd tot besluit")
    if count < threshold:
        text = _("niet getoond (minder dan %(threshold)s besluiten)") % {"threshold": threshold}
        return Figure(key="median_days", label=label, display=text, export_value=text)
    median = _median_days(decided, count)
    decided_cells = [outcome.cell(i) for i in range(len(DECIDED_STATUSES))]
    # The number of decisions is shown only where the outcome table shows it anyway.
    note = (
        _("dagen, over %(count)s besluiten") % {"count": count}
        if all(cell.visible for cell in decided_cells)
        else _("dagen")
    )
    return Figure(
        key="median_days",
        label=label,
        display=f"{_number(median)}",
        export_value=round(median, 1),
        note=note,
    )


def _headline(
    cohort: QuerySet[Referral], routes: Table, outcome: Table, first_contact: Table, cases: Table, threshold: int
) -> list[Figure]:
    return [
        _cell_figure("referrals", _("Aanmeldingen"), routes.total.cells[0]),
        _cell_figure("accepted", _("Aangenomen"), outcome.cell(0)),
        _first_contact_figure(first_contact),
        _median_figure(cohort, outcome, threshold),
        _cell_figure("active_cases", _("Actieve casussen aan het eind van de periode"), cases.total.cells[2]),
    ]


def build_report(house: SafetyHouse, period: Period, *, now: dt.datetime | None = None) -> Report:
    """Every indicator of the house over the period, suppressed (about ten queries)."""
    threshold = report_threshold()
    moment = now or timezone.now()
    cohort = submitted_referrals(house, period)
    routes = _route_table(cohort, threshold)
    outcome = _outcome_table(cohort, threshold)
    first_contact = _first_contact_table(cohort, moment, threshold)
    cases = _case_table(house, period, threshold)
    tables = [
        routes,
        outcome,
        _municipality_table(house, cohort, threshold),
        _month_table(cohort, period, threshold),
        first_contact,
        cases,
    ]
    return Report(
        house_name=house.name,
        period=period,
        threshold=threshold,
        generated_at=moment,
        figures=_headline(cohort, routes, outcome, first_contact, cases, threshold),
        tables=tables,
    )


def headline_figures(house: SafetyHouse, *, now: dt.datetime | None = None) -> list[Figure]:
    """The board's start page: the headline figures of the default period, from only the
    tables they are suppressed with (seven grouped queries; the municipality and month tables
    are left out)."""
    threshold = report_threshold()
    cohort = submitted_referrals(house, default_period())
    routes = _route_table(cohort, threshold)
    outcome = _outcome_table(cohort, threshold)
    first_contact = _first_contact_table(cohort, now or timezone.now(), threshold)
    cases = _case_table(house, default_period(), threshold)
    return _headline(cohort, routes, outcome, first_contact, cases, threshold)


def all_cells(report: Report) -> Iterable[Cell]:
    for table in report.tables:
        for row in [*table.rows, table.total]:
            yield from row.cells
