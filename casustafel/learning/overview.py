"""Effort next to value for one span (the page "Inspanning en waarde"): built from the grouped
queries of `selectors_reporting` plus the names of the organisations and actions they mention.

Hours are shown per direction (more work, less work) and per evidence (measured, estimated,
felt) and never added across evidence or turned into money: seed 004 asks for a value case, not
a business case. The time the system observed (attendance x planned minutes of the agenda
parts) stands in its own column. These are hours of organisations, not counts of people or
cases, so no small-count suppression applies (docs/indicators.md says why).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from django_stubs_ext import StrOrPromise

from casustafel.learning.models import EffortDirection, Evidence, ImprovementAction, ValueRating
from casustafel.learning.selectors_reporting import (
    ActionEffortValue,
    effort_next_to_value,
    effort_rows,
    observed_attendance,
)
from casustafel.organisations.models import Organisation, SafetyHouse

COLUMNS = [(direction, evidence) for direction in EffortDirection.values for evidence in Evidence.values]
COLUMN_LABELS: dict[tuple[str, str], StrOrPromise] = {
    (EffortDirection.MORE, Evidence.MEASURED): _("Meerwerk, gemeten"),
    (EffortDirection.MORE, Evidence.ESTIMATED): _("Meerwerk, geschat"),
    (EffortDirection.MORE, Evidence.FELT): _("Meerwerk, gevoelsmatig"),
    (EffortDirection.LESS, Evidence.MEASURED): _("Minderwerk, gemeten"),
    (EffortDirection.LESS, Evidence.ESTIMATED): _("Minderwerk, geschat"),
    (EffortDirection.LESS, Evidence.FELT): _("Minderwerk, gevoelsmatig"),
}


@dataclass
class OrganisationRow:
    organisation: str
    observed_hours: Decimal = Decimal(0)
    hours: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def cells(self) -> list[Decimal]:
        return [self.hours.get(column, Decimal(0)) for column in COLUMNS]


@dataclass
class ActionRow:
    action: ImprovementAction | None
    organisation: str
    item: ActionEffortValue

    def cells(self) -> list[Decimal]:
        return [self.item.total(direction, evidence) for direction, evidence in COLUMNS]


@dataclass
class Overview:
    organisations: list[OrganisationRow]
    actions: list[ActionRow]
    narratives: list[ValueRating]
    columns: list[tuple[str, str]] = field(default_factory=lambda: list(COLUMNS))

    @property
    def column_labels(self) -> list[str]:
        return [str(COLUMN_LABELS[column]) for column in self.columns]


def effort_overview_for(house: SafetyHouse, start: dt.date, end: dt.date) -> Overview:
    names = dict(Organisation.objects.filter(house=house).values_list("pk", "name"))
    by_organisation: dict[int, OrganisationRow] = {}
    for row in effort_rows(house, start, end):
        org_id = int(row["organisation_id"])  # type: ignore[call-overload]
        item = by_organisation.setdefault(org_id, OrganisationRow(organisation=names.get(org_id, "?")))
        key = (str(row["direction"]), str(row["evidence"]))
        item.hours[key] = item.hours.get(key, Decimal(0)) + Decimal(str(row["hours"]))
    observed: dict[int, int] = defaultdict(int)
    for row in observed_attendance(house, start, end):
        observed[int(row["organisation_id"])] += int(row["minutes"] or 0)  # type: ignore[call-overload]
    for org_id, minutes in observed.items():
        item = by_organisation.setdefault(org_id, OrganisationRow(organisation=names.get(org_id, "?")))
        item.observed_hours = (Decimal(minutes) / 60).quantize(Decimal("0.1"))
    items = effort_next_to_value(house, start, end)
    ids = [i.action_id for i in items if i.action_id is not None]
    plans = {a.pk: a for a in ImprovementAction.objects.filter(pk__in=ids).select_related("plan")}
    return Overview(
        organisations=sorted(by_organisation.values(), key=lambda row: row.organisation),
        actions=[
            ActionRow(
                action=plans.get(i.action_id) if i.action_id else None,
                organisation=names.get(i.organisation_id, "?"),
                item=i,
            )
            for i in items
        ],
        narratives=list(
            ValueRating.objects.filter(action__plan__house=house, year__gte=start.year, year__lte=end.year)
            .select_related("action", "organisation")
            .order_by("action__title", "-year", "organisation__name", "aspect")
        ),
    )
