"""The dashboard's choice of period and scope (a GET form: the address can be shared), and the
writes of the catalogue, outside figures and the annual report's narrative.

Periods are chosen from the grid only (completed years, quarters and months): no free dates,
so no two reports can differ by a few days (reporting/grid.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation, SafetyHouse, Sector
from casustafel.reporting.cube import HOUSE
from casustafel.reporting.grid import Grain, GridPeriod, default_period, period_choices
from casustafel.reporting.indicators.base import Scope, house_scope, parse_scope
from casustafel.reporting.models import (
    FigureStatus,
    IndicatorKind,
    IndicatorUnit,
    NarrativeSection,
    PublishGrain,
    TargetDirection,
)


def _period_options() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (str(_("Jaren")), [(p.key, p.label) for p in period_choices(Grain.YEAR)]),
        (str(_("Kwartalen")), [(p.key, p.label) for p in period_choices(Grain.QUARTER)]),
        (str(_("Maanden")), [(p.key, p.label) for p in period_choices(Grain.MONTH)]),
    ]


def scope_options(house: SafetyHouse) -> list[Any]:
    municipalities = Organisation.objects.filter(house=house, sector=Sector.MUNICIPALITY).order_by("name", "pk")
    meeting_types = MeetingType.objects.filter(house=house).order_by("name", "pk")
    return [
        (HOUSE, str(_("Heel het huis"))),
        (str(_("Woongemeente")), [(f"g:{m.pk}", m.name) for m in municipalities]),
        (str(_("Overlegtype")), [(f"m:{t.pk}", t.name) for t in meeting_types]),
    ]


class DashboardForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Periode"),
        help_text=_("Alleen afgelopen jaren, kwartalen en maanden: cijfers van een lopende periode veranderen nog."),
        error_messages={"invalid_choice": _("Kies een afgelopen jaar, kwartaal of maand uit de lijst.")},
    )
    scope = forms.ChoiceField(
        label=_("Voor"),
        error_messages={"invalid_choice": _("Kies het huis, een gemeente of een overlegtype uit de lijst.")},
    )

    def __init__(self, data: Any = None, *, house: SafetyHouse, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"period": default_period().key, "scope": HOUSE})
        super().__init__(data, **kwargs)
        self.house = house
        cast(forms.ChoiceField, self.fields["period"]).choices = _period_options()
        cast(forms.ChoiceField, self.fields["scope"]).choices = scope_options(house)

    def chosen_period(self) -> GridPeriod:
        if not self.is_bound or not self.is_valid():
            return default_period()
        return GridPeriod.parse(self.cleaned_data["period"])

    def chosen_scope(self) -> Scope:
        if not self.is_bound or not self.is_valid():
            return house_scope(self.house)
        return parse_scope(self.house, self.cleaned_data["scope"])


class IndicatorForm(forms.Form):
    """A new version of an indicator's definition."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Naam"), max_length=200)
    kind = forms.ChoiceField(label=_("Soort"), choices=IndicatorKind.choices)
    counts = forms.CharField(label=_("Wat telt het"), widget=forms.Textarea(attrs={"rows": 3, "class": "ct-prose"}))
    numerator = forms.CharField(label=_("Teller"), required=False, max_length=500)
    denominator = forms.CharField(label=_("Noemer"), required=False, max_length=500)
    unit = forms.ChoiceField(label=_("Eenheid"), choices=IndicatorUnit.choices)
    source_name = forms.CharField(label=_("Bron"), max_length=300)
    grain = forms.ChoiceField(label=_("Periode"), choices=PublishGrain.choices)
    target = forms.DecimalField(
        label=_("Streefwaarde"),
        required=False,
        max_digits=9,
        decimal_places=2,
        # A text box that takes the Dutch decimal comma ("7,5"); a number input refuses it in
        # some browsers and drops what was typed in others.
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": _("Vul een getal in, bijv. 80 of 7,5.")},
    )
    target_direction = forms.ChoiceField(
        label=_("De streefwaarde is"), choices=[("", "—"), *TargetDirection.choices], required=False
    )
    owner = forms.CharField(label=_("Eigenaar"), max_length=200)
    reason = forms.CharField(label=_("Waarom deze wijziging"), max_length=300)


class ExternalIndicatorForm(forms.Form):
    key = forms.CharField(label=_("Sleutel"), max_length=60, help_text=_("Bijv. 'politie_incidenten'."))
    name = forms.CharField(label=_("Naam"), max_length=200)
    kind = forms.ChoiceField(label=_("Soort"), choices=IndicatorKind.choices)
    counts = forms.CharField(label=_("Wat telt het"), widget=forms.Textarea(attrs={"rows": 3, "class": "ct-prose"}))
    unit = forms.ChoiceField(label=_("Eenheid"), choices=IndicatorUnit.choices)
    source_name = forms.CharField(label=_("Bron"), max_length=300)
    grain = forms.ChoiceField(label=_("Periode"), choices=PublishGrain.choices, initial=PublishGrain.YEAR)
    owner = forms.CharField(label=_("Eigenaar"), max_length=200)


class ExternalFigureForm(forms.Form):
    """Every rule is checked by `external_figure_record`, so all its Dutch messages show at once."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    period = forms.CharField(
        label=_("Periode"), max_length=7, required=False, help_text=_("Bijv. 2025, 2025-Q3 of 2025-07.")
    )
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Heel het huis"),
    )
    value = forms.CharField(label=_("Waarde"), required=False, max_length=20)
    not_known = forms.BooleanField(label=_("Niet bekend (de bron heeft geen cijfer)"), required=False)
    source = forms.CharField(label=_("Bron"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=FigureStatus.choices)
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=500)

    def __init__(self, *args: Any, house: SafetyHouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = Organisation.objects.filter(house=house, sector=Sector.MUNICIPALITY).order_by("name")


class SectionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Tekst"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "ct-prose"}),
        help_text=_("Over het jaar van het huis; nooit over een persoon of een casus."),
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            (p.year, str(p.year)) for p in period_choices(Grain.YEAR)
        ]


SECTION_TITLES = dict(NarrativeSection.choices)
ZERO = Decimal(0)
