"""Output indicators: what comes in, what triage decides, which cases the house handles and
discusses, persons apart from episodes. Definitions: docs/indicators.md."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as Choose
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions.datetime import TruncBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from casustafel.cases.models import Case, EntryRoute, Referral, ReferralStatus
from casustafel.meetings.models import AgendaItem, MeetingStatus
from casustafel.organisations.models import SafetyHouse
from casustafel.reporting.cube import TOTAL, TimeMode
from casustafel.reporting.grid import GridPeriod
from casustafel.reporting.indicators.base import ChartSpec, Context, Result, register
from casustafel.reporting.indicators.counts import CountIndicator
from casustafel.reporting.indicators.figures import cell_figure, share_figure
from casustafel.reporting.tables import Table

DECIDED = (
    (ReferralStatus.ACCEPTED, _lazy("Aangenomen")),
    (ReferralStatus.STEPPED_DOWN, _lazy("Afgeschaald naar lokaal")),
    (ReferralStatus.REFERRED_RIEC, _lazy("Doorverwezen naar het RIEC")),
    (ReferralStatus.REJECTED, _lazy("Niet aangenomen")),
)


def _tables(*tables: Table | None) -> list[Table]:
    return [table for table in tables if table is not None]


class ReferralsByRoute(CountIndicator):
    key = "referrals_route"
    categories = tuple((value, label) for value, label in EntryRoute.choices)
    when = "submitted_at"

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Referral.objects.filter(house=house, submitted_at__isnull=False).exclude(status=ReferralStatus.DRAFT)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return F("entry_route")

    def compute(self, ctx: Context) -> Result:
        months = self.month_table(
            ctx,
            title=_("Aanmeldingen per maand"),
            description=_("Dezelfde aanmeldingen, naar de maand van indienen."),
        )
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Aanmeldingen"), self.cell(ctx)),
            tables=_tables(
                self.category_table(
                    ctx,
                    title=_("Aanmeldingen per instroomroute"),
                    description=_("Aanmeldingen ingediend in de periode, naar de route waarlangs ze binnenkwamen."),
                    row_header=_("Instroomroute"),
                    column=_("Aanmeldingen"),
                ),
                self.scope_table(
                    ctx,
                    kind="g",
                    title=_("Aanmeldingen per woongemeente"),
                    description=_("Dezelfde aanmeldingen, naar de woongemeente in de aanmelding."),
                    columns=[(TOTAL, _("Aanmeldingen"))],
                )
                if ctx.scope.is_house
                else None,
                months,
            ),
            chart=ChartSpec(table=months.key, axis_title=_("Aanmeldingen")) if months else None,
        )


class TriageDecisions(CountIndicator):
    key = "triage_decisions"
    categories = DECIDED
    when = "outcome_at"

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Referral.objects.filter(
            house=house, status__in=[status for status, _label in DECIDED], outcome_at__isnull=False
        )

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return F("status")

    def compute(self, ctx: Context) -> Result:
        table = self.category_table(
            ctx,
            title=_("Besluiten van de triage"),
            description=_(
                "Aanmeldingen waarover de triage in de periode besloot, naar het besluit. Meer informatie vragen is "
                "geen besluit: de klok loopt door."
            ),
            row_header=_("Besluit"),
            column=_("Aanmeldingen"),
        )
        accepted = self.cell(ctx, ReferralStatus.ACCEPTED)
        return Result(
            key=self.key,
            headline=share_figure(
                self.key, _("Aangenomen (van de besluiten)"), accepted, self.cell(ctx), note=_("van de besluiten")
            ),
            tables=[table],
        )


class CasesOpened(CountIndicator):
    key = "cases_opened"
    categories = (("first", _lazy("Eerste episode")), ("re_entry", _lazy("Heraanmelding (nieuwe episode)")))
    when = "opened_at"
    case_field = "pk"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Case.objects.filter(house=house)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Choose(When(referral__previous_case__isnull=False, then=Value("re_entry")), default=Value("first"))

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Casussen geopend"), self.cell(ctx)),
            tables=_tables(
                self.category_table(
                    ctx,
                    title=_("Casussen geopend"),
                    description=_(
                        "Casussen die de triage in de periode opende. Een heraanmelding (een nieuwe aanmelding voor een "
                        "persoon van een afgesloten casus) is een nieuwe episode van dezelfde persoon."
                    ),
                    row_header=_("Soort"),
                    column=_("Casussen"),
                ),
                self.scope_table(
                    ctx,
                    kind="m",
                    title=_("Casussen geopend per overlegtype"),
                    description=_("Dezelfde casussen, naar hun overlegtype."),
                    columns=[(TOTAL, _("Geopend"))],
                )
                if ctx.scope.is_house
                else None,
            ),
            drillable=True,
        )


class Caseload(CountIndicator):
    """Active at the end of the period (a snapshot)."""

    key = "caseload_end"
    mode = TimeMode.SNAPSHOT
    categories = ()
    case_field = "pk"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Case.objects.filter(house=house)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Value(TOTAL)

    def at_moment(self, moment: Any) -> Q:
        return Q(opened_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Actieve casussen aan het eind van de periode"), self.cell(ctx)),
            tables=_tables(
                self.scope_table(
                    ctx,
                    kind="m",
                    title=_("Actieve casussen aan het eind van de periode, per overlegtype"),
                    description=_("Casussen geopend vóór het eind van de periode en toen nog niet afgesloten."),
                    columns=[(TOTAL, _("Actief"))],
                )
                if ctx.scope.is_house
                else None,
                self.scope_table(
                    ctx,
                    kind="g",
                    title=_("Actieve casussen aan het eind van de periode, per woongemeente"),
                    description=_("Dezelfde casussen, naar de woongemeente van de casus."),
                    columns=[(TOTAL, _("Actief"))],
                )
                if ctx.scope.is_house
                else None,
            ),
            drillable=True,
        )


class CaseloadDuring(CountIndicator):
    """Episodes handled during the period: the caseload of seed 003's Tabel 3 (every case in
    which coordination was done), counted per episode."""

    key = "caseload_during"
    mode = TimeMode.SPANNING
    categories = ()
    case_field = "pk"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Case.objects.filter(house=house)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Value(TOTAL)

    def during(self, period: GridPeriod) -> Q:
        return Q(opened_at__lt=period.ends_at) & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.starts_at))

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Caseload (episodes in behandeling)"), self.cell(ctx)),
            tables=_tables(
                self.scope_table(
                    ctx,
                    kind="g",
                    title=_("Caseload per woongemeente"),
                    description=_(
                        "Casussen die ergens in de periode actief waren (episodes): een persoon met twee episodes telt twee keer."
                    ),
                    columns=[(TOTAL, _("Episodes"))],
                )
                if ctx.scope.is_house
                else None,
            ),
            drillable=True,
        )


class Discussed(CountIndicator):
    """Cases discussed in a held meeting, persons apart from episodes.

    An episode is a case. A person's episodes are linked by re-entry (`Referral.previous_case`):
    of the episodes discussed in a period, those followed by a later episode of the same person
    that was also discussed in the period are "earlier episodes"; the rest are the persons, each
    counted once, at their latest episode (so persons add up over municipalities and meeting
    types, where a person who moved counts where they live now)."""

    key = "cases_discussed"
    mode = TimeMode.DISTINCT
    categories = (
        ("person", _lazy("Personen (laatste episode in de periode)")),
        ("earlier", _lazy("Eerdere episode van dezelfde persoon")),
    )
    when = "meeting__starts_at"
    distinct_field = "case_id"
    g_field = "case__municipality_id"
    m_field = "case__meeting_type_id"
    case_field = "case_id"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return AgendaItem.objects.filter(meeting__house=house, meeting__status=MeetingStatus.HELD)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        assert trunc is not None, "a distinct count is cut per period"
        later = (
            AgendaItem.objects.filter(
                case__referral__previous_case=OuterRef("case_id"), meeting__status=MeetingStatus.HELD
            )
            .annotate(later_bucket=trunc("meeting__starts_at"))
            .filter(later_bucket=OuterRef("bucket"))
        )
        return Choose(When(Exists(later), then=Value("earlier")), default=Value("person"))

    def compute(self, ctx: Context) -> Result:
        persons = self.cell(ctx, "person")
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Casussen besproken (episodes)"), self.cell(ctx)),
            tables=_tables(
                self.category_table(
                    ctx,
                    title=_("Besproken: personen en episodes"),
                    description=_(
                        "Casussen besproken in een gehouden overleg in de periode. Het totaal telt episodes; een persoon "
                        "met twee besproken episodes telt één keer als persoon."
                    ),
                    row_header=_("Geteld als"),
                    column=_("Casussen"),
                ),
                self.scope_table(
                    ctx,
                    kind="m",
                    title=_("Besproken casussen per overlegtype"),
                    description=_("Personen en episodes naar het overlegtype van de casus."),
                    columns=[("person", _("Personen")), (TOTAL, _("Episodes"))],
                )
                if ctx.scope.is_house
                else None,
                self.scope_table(
                    ctx,
                    kind="g",
                    title=_("Besproken casussen per woongemeente"),
                    description=_("Personen en episodes naar de woongemeente van de casus."),
                    columns=[("person", _("Personen")), (TOTAL, _("Episodes"))],
                )
                if ctx.scope.is_house
                else None,
            ),
            notes=[_("Personen: %(cell)s.") % {"cell": persons.display}],
            drillable=True,
        )


for _computation in (
    ReferralsByRoute(),
    TriageDecisions(),
    CasesOpened(),
    Caseload(),
    CaseloadDuring(),
    Discussed(),
):
    register(_computation)
