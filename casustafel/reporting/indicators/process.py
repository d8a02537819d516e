"""Process indicators: how fast the house works (days from referral to triage, first meeting,
closure), the first-contact norm, agreements kept, case direction, escalations, attendance of
crucial partners and client participation. Definitions: docs/indicators.md."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db.models import Case as Choose
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncTime
from django.db.models.functions.datetime import TruncBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from casustafel.cases.models import Case, Referral, ReferralStatus
from casustafel.escalations.models import EscalationStage, EscalationStep
from casustafel.meetings.models import AgendaItem, Attendance, AttendanceStatus, Invitation, MeetingStatus
from casustafel.organisations.models import Membership, SafetyHouse
from casustafel.plans.models import Agreement, AgreementEnd, AgreementResponse, DirectionAssignment, DirectionStatus
from casustafel.reporting.cube import TOTAL, TimeMode
from casustafel.reporting.indicators.base import Context, Result, register
from casustafel.reporting.indicators.counts import CountIndicator
from casustafel.reporting.indicators.figures import cell_figure, median_figure, share_figure
from casustafel.reporting.indicators.output import TriageDecisions
from casustafel.reporting.tables import Table


def _present(*tables: Table | None) -> list[Table]:
    return [table for table in tables if table is not None]


class _Median:
    """A median duration over the units of a period and scope; its count comes from the cube
    that publishes the same units, so the rule "at least threshold" reads a published count."""

    key: ClassVar[str]
    label: ClassVar[Any]
    what: ClassVar[Any]
    start: ClassVar[str]
    end: ClassVar[str]
    g_field: ClassVar[str] = "municipality_id"
    m_field: ClassVar[str] = "meeting_type_id"
    drillable = False

    def units(self, ctx: Context) -> QuerySet[Any]:
        raise NotImplementedError

    def compute(self, ctx: Context) -> Result:
        units = self.units(ctx).filter(ctx.scope.filter(self.g_field, self.m_field))
        count = units.count()
        figure = median_figure(
            self.key,
            str(self.label),
            units,
            start=self.start,
            end=self.end,
            count=count,
            threshold=ctx.threshold,
            what=str(self.what),
        )
        return Result(key=self.key, headline=figure)


class DaysToDecision(_Median):
    key = "days_to_triage"
    label = _lazy("Mediane doorlooptijd van aanmelding tot besluit van de triage")
    what = _lazy("besluiten")
    start, end = "submitted_at", "outcome_at"

    def units(self, ctx: Context) -> QuerySet[Any]:
        return (
            TriageDecisions()
            .units(ctx.house)
            .filter(outcome_at__gte=ctx.period.starts_at, outcome_at__lt=ctx.period.ends_at, submitted_at__isnull=False)
        )


class DaysToFirstMeeting(_Median):
    key = "days_to_first_meeting"
    label = _lazy("Mediane doorlooptijd van aanmelding tot de eerste bespreking")
    what = _lazy("casussen")
    start, end = "referral__submitted_at", "first_discussed"

    def units(self, ctx: Context) -> QuerySet[Any]:
        # Only a case discussed in a held meeting of the period can have its first discussion
        # then: the test keeps the grouping to those cases instead of every case of the house.
        # A case is only ever on its own house's agenda (`meetings.services`: `_item_errors`).
        in_period = AgendaItem.objects.filter(
            case=OuterRef("pk"),
            meeting__house=ctx.house,
            meeting__status=MeetingStatus.HELD,
            meeting__starts_at__gte=ctx.period.starts_at,
            meeting__starts_at__lt=ctx.period.ends_at,
        )
        return (
            Case.objects.filter(Exists(in_period), house=ctx.house)
            .annotate(
                first_discussed=Min(
                    "agenda_items__meeting__starts_at",
                    filter=Q(agenda_items__meeting__status=MeetingStatus.HELD),
                )
            )
            .filter(first_discussed__gte=ctx.period.starts_at, first_discussed__lt=ctx.period.ends_at)
        )


class DaysToClosure(_Median):
    key = "days_to_closure"
    label = _lazy("Mediane doorlooptijd van aanmelding tot afsluiten")
    what = _lazy("afgesloten casussen")
    start, end = "referral__submitted_at", "closed_at"

    def units(self, ctx: Context) -> QuerySet[Any]:
        return Case.objects.filter(
            house=ctx.house, closed_at__gte=ctx.period.starts_at, closed_at__lt=ctx.period.ends_at
        )


class FirstContact(CountIndicator):
    """Referrals whose first-contact deadline fell in the period: was the referrer contacted in
    time? Judged at the deadline, so a completed period never changes."""

    key = "first_contact"
    categories = (
        ("within", _lazy("Binnen de norm")),
        ("late", _lazy("Na de norm, of geen contact")),
    )
    when = "first_contact_due_at"

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Referral.objects.filter(house=house, first_contact_due_at__isnull=False).exclude(
            status=ReferralStatus.DRAFT
        )

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Choose(
            When(first_contact_at__lte=F("first_contact_due_at"), then=Value("within")), default=Value("late")
        )

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=share_figure(
                self.key,
                _("Eerste contact binnen de norm"),
                self.cell(ctx, "within"),
                self.cell(ctx),
                note=_("van de aanmeldingen waarvan de termijn in de periode afliep"),
            ),
            tables=[
                self.category_table(
                    ctx,
                    title=_("Norm eerste contact"),
                    description=_(
                        "Aanmeldingen waarvan de termijn voor het eerste contact (standaard 48 uur na indienen) in de "
                        "periode afliep: nam het huis op tijd contact op met de aanmelder?"
                    ),
                    row_header=_("Eerste contact"),
                    column=_("Aanmeldingen"),
                )
            ],
        )


def _agreement_outcome() -> Any:
    """On time: done by the end of the due date (or by the due hour, for the Actie-overleg)."""
    by_due = Q(due_time__isnull=True, ended_date__lte=F("due_date")) | Q(due_time__isnull=False) & (
        Q(ended_date__lt=F("due_date")) | Q(ended_date=F("due_date"), ended_time__lte=F("due_time"))
    )
    return Choose(
        When(response=AgreementResponse.DECLINED, then=Value("declined")),
        When(Q(end=AgreementEnd.DONE) & by_due, then=Value("on_time")),
        When(Q(end__in=[AgreementEnd.CANCELLED, AgreementEnd.CONTINUES]) & by_due, then=Value("ended_early")),
        default=Value("late"),
    )


class AgreementsOnTime(CountIndicator):
    """Agreements whose due date fell in the period, by what had happened by then. An agreement
    declined and later accepted counts by its later fate; one still declined does not count as
    late (the responsible organisation never took it on: the case director reassigns it)."""

    key = "agreements_on_time"
    categories = (
        ("on_time", _lazy("Op tijd uitgevoerd")),
        ("late", _lazy("Niet op tijd (later of nog niet uitgevoerd)")),
        ("ended_early", _lazy("Vervallen vóór de termijn (casus afgesloten)")),
        ("declined", _lazy("Geweigerd door de organisatie")),
    )
    when = "due_date"
    when_is_date = True
    g_field = "case__municipality_id"
    m_field = "case__meeting_type_id"
    case_field = "case_id"
    organisation_field = "organisation_id"
    organisation_categories = ("on_time", "late")
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        zone = timezone.get_current_timezone()
        return Agreement.objects.filter(case__house=house).annotate(
            ended_date=TruncDate("ended_at", tzinfo=zone), ended_time=TruncTime("ended_at", tzinfo=zone)
        )

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return _agreement_outcome()

    def compute(self, ctx: Context) -> Result:
        on_time, late = self.cell(ctx, "on_time"), self.cell(ctx, "late")
        judged = (on_time.value or 0) + (late.value or 0)
        headline = share_figure(
            self.key,
            _("Afspraken op tijd uitgevoerd"),
            on_time,
            _judged_cell(on_time, late, judged),
            note=_("van de afspraken die in de periode af moesten zijn"),
        )
        return Result(
            key=self.key,
            headline=headline,
            tables=_present(
                self.category_table(
                    ctx,
                    title=_("Afspraken met de uiterste datum in de periode"),
                    description=_(
                        "Naar wat er op de uiterste datum (en het uur, bij het Actie-overleg) mee gebeurd was."
                    ),
                    row_header=_("Afloop"),
                    column=_("Afspraken"),
                ),
                self.organisation_table(
                    ctx,
                    title=_("Afspraken op tijd per organisatie"),
                    description=_("Per verantwoordelijke organisatie, ook organisaties die het huis hebben verlaten."),
                ),
            ),
            drillable=True,
        )


def _judged_cell(on_time: Any, late: Any, judged: int) -> Any:
    """The denominator of the on-time rate, as a cell shown only when both parts are."""
    from casustafel.reporting.suppression import hidden_cell, visible_cell

    if on_time.visible and late.visible:
        return visible_cell(judged, on_time.threshold)
    return hidden_cell(on_time.state if not on_time.visible else late.state, on_time.threshold)


class AgreementsOverdue(CountIndicator):
    """Open agreements past their due date at the end of the period (a snapshot)."""

    key = "agreements_overdue"
    mode = TimeMode.SNAPSHOT
    categories = (("overdue", _lazy("Over de termijn")),)
    g_field = "case__municipality_id"
    m_field = "case__meeting_type_id"
    case_field = "case_id"
    organisation_field = "organisation_id"
    organisation_categories = ("overdue",)
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Agreement.objects.filter(case__house=house)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Value("overdue")

    def at_moment(self, moment: dt.datetime) -> Q:
        day = timezone.localdate(moment)
        declined = Q(response=AgreementResponse.DECLINED, responded_at__lt=moment)
        return (
            Q(created_at__lt=moment, due_date__lt=day)
            & (Q(ended_at__isnull=True) | Q(ended_at__gte=moment))
            & ~declined
        )

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Afspraken over de termijn aan het eind van de periode"), self.cell(ctx)),
            tables=_present(
                self.organisation_table(
                    ctx,
                    title=_("Afspraken over de termijn per organisatie"),
                    description=_(
                        "Openstaande afspraken waarvan de uiterste datum aan het eind van de periode voorbij was."
                    ),
                )
            ),
            drillable=True,
        )


class CasesWithoutDirector(CountIndicator):
    """Active cases without a case director at the end of the period: no accepted assignment
    in force then, or its director no longer worked for the organisation then."""

    key = "cases_without_director"
    mode = TimeMode.SNAPSHOT
    categories = ()
    case_field = "pk"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Case.objects.filter(house=house)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Value(TOTAL)

    def at_moment(self, moment: dt.datetime) -> Q:
        day = timezone.localdate(moment)
        member = Membership.objects.filter(
            user=OuterRef("director"), organisation=OuterRef("organisation"), start_date__lte=day
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        directed = DirectionAssignment.objects.filter(
            case=OuterRef("pk"),
            status__in=[DirectionStatus.ACCEPTED, DirectionStatus.ENDED],
            responded_at__lt=moment,
        ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=moment), Exists(member))
        active = Q(opened_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
        return Q(active, ~Exists(directed))

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Actieve casussen zonder casusregisseur"), self.cell(ctx)),
            tables=_present(
                self.scope_table(
                    ctx,
                    kind="m",
                    title=_("Actieve casussen zonder casusregisseur, per overlegtype"),
                    description=_(
                        "Aan het eind van de periode: geen geaccepteerde casusregie, of de casusregisseur werkte toen niet "
                        "meer bij de organisatie."
                    ),
                    columns=[(TOTAL, _("Zonder casusregisseur"))],
                )
                if ctx.scope.is_house
                else None
            ),
            drillable=True,
        )


class Escalations(CountIndicator):
    """Escalation steps reached in the period (each stage that started), and how long a step
    lasted (until the next step or the end of the escalation)."""

    key = "escalations"
    categories = tuple((value, label) for value, label in EscalationStep.choices)
    when = "started_at"
    g_field = "escalation__case__municipality_id"
    m_field = "escalation__case__meeting_type_id"
    case_field = "escalation__case_id"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return EscalationStage.objects.filter(escalation__case__house=house)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return F("step")

    def compute(self, ctx: Context) -> Result:
        table = self.category_table(
            ctx,
            title=_("Escalaties per stap"),
            description=_(
                "Stappen van escalaties die in de periode begonnen: de zes stappen bij onenigheid over casusregie, en de "
                "niveaus bij een afspraak over de termijn, een bodemeis of een vastgelopen casus."
            ),
            row_header=_("Stap"),
            column=_("Begonnen"),
        )
        return Result(
            key=self.key,
            headline=cell_figure(self.key, _("Escalatiestappen begonnen"), self.cell(ctx)),
            tables=[table],
            drillable=True,
        )


class EscalationDuration(_Median):
    key = "escalation_duration"
    label = _lazy("Mediane duur van een escalatiestap")
    what = _lazy("afgeronde stappen")
    start, end = "started_at", "ended"
    g_field = "escalation__case__municipality_id"
    m_field = "escalation__case__meeting_type_id"

    def units(self, ctx: Context) -> QuerySet[Any]:
        from django.db.models import Subquery
        from django.db.models.functions import Coalesce

        following = (
            EscalationStage.objects.filter(escalation=OuterRef("escalation"), started_at__gt=OuterRef("started_at"))
            .order_by("started_at")
            .values("started_at")[:1]
        )
        return (
            EscalationStage.objects.filter(escalation__case__house=ctx.house)
            .annotate(ended=Coalesce(Subquery(following), F("escalation__resolved_at")))
            .filter(ended__isnull=False, ended__gte=ctx.period.starts_at, ended__lt=ctx.period.ends_at)
        )


def _best_attendance() -> Coalesce:
    """What the invitation's organisation did at the item, the best of its parts (present, then
    absent with notice, then without), or "not_recorded": one probe of the invitation's
    attendance rows. Three EXISTS tests made PostgreSQL hash the whole attendance table per
    status (bench/README.md, issue 12); the category keys are the attendance statuses."""
    rank = Choose(
        When(status=AttendanceStatus.PRESENT, then=Value(0)),
        When(status=AttendanceStatus.ABSENT_WITH_NOTICE, then=Value(1)),
        default=Value(2),
    )
    best = (
        Attendance.objects.filter(invitation=OuterRef("pk")).annotate(rank=rank).order_by("rank").values("status")[:1]
    )
    return Coalesce(Subquery(best), Value("not_recorded"))


class CrucialAttendance(CountIndicator):
    """Invitations of crucial partners to items of meetings held in the period: did the
    organisation come (to any part of the item)?"""

    key = "crucial_attendance"
    categories = (
        ("present", _lazy("Aanwezig")),
        ("absent_notice", _lazy("Afwezig met bericht")),
        ("absent_no_notice", _lazy("Afwezig zonder bericht")),
        ("not_recorded", _lazy("Niet vastgelegd")),
    )
    when = "item__meeting__starts_at"
    g_field = "item__case__municipality_id"
    m_field = "item__case__meeting_type_id"
    case_field = "item__case_id"
    organisation_field = "organisation_id"
    organisation_categories = ("present", "absent_notice", "absent_no_notice")
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return Invitation.objects.filter(
            item__meeting__house=house, item__meeting__status=MeetingStatus.HELD, is_crucial=True
        )

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return _best_attendance()

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=share_figure(
                self.key,
                _("Cruciale partners aanwezig"),
                self.cell(ctx, "present"),
                self.cell(ctx),
                note=_("van de uitnodigingen van cruciale partners"),
            ),
            tables=_present(
                self.category_table(
                    ctx,
                    title=_("Aanwezigheid van cruciale partners"),
                    description=_("Uitnodigingen van cruciale partners voor agendapunten van gehouden overleggen."),
                    row_header=_("Aanwezigheid"),
                    column=_("Uitnodigingen"),
                ),
                self.organisation_table(
                    ctx,
                    title=_("Aanwezigheid van cruciale partners per organisatie"),
                    description=_("Hoe vaak elke cruciale partner er was, en hoe vaak niet."),
                ),
            ),
            drillable=True,
        )


class ClientParticipation(CountIndicator):
    """Agenda items of meetings held in the period, by how far the clients took part. The
    meetings record how clients take part (on site or online), not a roll call: "took part"
    means a way of taking part was recorded."""

    key = "client_participation"
    categories = (
        ("not_invited", _lazy("Cliënten niet uitgenodigd")),
        ("invited", _lazy("Uitgenodigd, geen deelname vastgelegd")),
        ("took_part", _lazy("Deelgenomen, nog geen nabespreking")),
        ("debriefed", _lazy("Nabesproken met de cliënten")),
        ("not_recorded", _lazy("Niets vastgelegd")),
    )
    when = "meeting__starts_at"
    g_field = "case__municipality_id"
    m_field = "case__meeting_type_id"
    case_field = "case_id"
    drillable = True

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        return AgendaItem.objects.filter(meeting__house=house, meeting__status=MeetingStatus.HELD)

    def category(self, trunc: type[TruncBase] | None = None) -> Any:
        return Choose(
            When(client_participation__isnull=True, then=Value("not_recorded")),
            When(client_participation__clients_invited=False, then=Value("not_invited")),
            When(client_participation__debrief_on__isnull=False, then=Value("debriefed")),
            When(~Q(client_participation__mode=""), then=Value("took_part")),
            default=Value("invited"),
        )

    def compute(self, ctx: Context) -> Result:
        return Result(
            key=self.key,
            headline=share_figure(
                self.key,
                _("Agendapunten met uitgenodigde cliënten"),
                _sum_cells(self.cell(ctx, "invited"), self.cell(ctx, "took_part"), self.cell(ctx, "debriefed")),
                self.cell(ctx),
                note=_("van de besproken agendapunten"),
            ),
            tables=[
                self.category_table(
                    ctx,
                    title=_("Cliëntparticipatie"),
                    description=_(
                        "Agendapunten van gehouden overleggen, naar hoe ver de cliënten meededen: uitgenodigd, deelgenomen "
                        "(op locatie of online vastgelegd) en nabesproken."
                    ),
                    row_header=_("Cliënten"),
                    column=_("Agendapunten"),
                )
            ],
            drillable=True,
        )


def _sum_cells(*cells: Any) -> Any:
    """The sum of published cells, itself published only when every part is."""
    from casustafel.reporting.suppression import hidden_cell, visible_cell

    threshold = cells[0].threshold
    if all(cell.visible for cell in cells):
        return visible_cell(sum(cell.value or 0 for cell in cells), threshold)
    return hidden_cell(next(cell.state for cell in cells if not cell.visible), threshold)


for _computation in (
    DaysToDecision(),
    DaysToFirstMeeting(),
    DaysToClosure(),
    FirstContact(),
    AgreementsOnTime(),
    AgreementsOverdue(),
    CasesWithoutDirector(),
    Escalations(),
    EscalationDuration(),
    CrucialAttendance(),
    ClientParticipation(),
):
    register(_computation)
