"""Forms of the covenant administration. Forms only parse input; the services validate the
business rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.lib.forms import VersionedForm
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation, SafetyHouse, Sector
from casustafel.privacy.covenant.models import (
    CovenantMeetingRule,
    CovenantVersion,
    InformationCategory,
    LegalBasis,
    Visibility,
)
from casustafel.privacy.covenant.selectors import meeting_types_without_rule


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        suffix = "" if obj.is_active else f" ({_('niet actief')})"
        return f"{obj.name} – {obj.get_sector_display()}{suffix}"


class CovenantVersionForm(VersionedForm):
    """The general part of a draft: effective date, approval, change note, purposes, participants."""

    effective_from = forms.DateField(
        label=_("Geldig vanaf"),
        required=False,
        widget=DateInput(),
        help_text=_("De dag waarop deze versie ingaat. Nodig om te publiceren."),
    )
    approval_note = forms.CharField(
        label=_("Ondertekend / vastgesteld"),
        max_length=300,
        required=False,
        help_text=_("Door wie en wanneer, bijv. 'Ondertekend door de stuurgroep op 12 maart 2025'."),
    )
    change_note = forms.CharField(
        label=_("Toelichting op de wijziging"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat is er veranderd ten opzichte van de vorige versie, en waarom."),
    )
    purposes = forms.CharField(
        label=_("Doelen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Waarvoor gegevens worden verwerkt; één doel per regel."),
    )
    participants = OrganisationChoiceField(
        label=_("Deelnemende organisaties"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "De organisaties die het convenant hebben ondertekend. Alleen zij mogen informatie inbrengen of zien."
        ),
    )

    def __init__(self, *args: Any, house: SafetyHouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        field.queryset = Organisation.objects.filter(house=house).order_by("-is_active", "name")  # type: ignore[attr-defined]

    @classmethod
    def for_version(cls, version: CovenantVersion, data: Any = None) -> CovenantVersionForm:
        return cls(
            data,
            house=version.covenant.house,
            initial={
                "effective_from": version.effective_from,
                "approval_note": version.approval_note,
                "change_note": version.change_note,
                "purposes": version.purposes,
                "participants": list(version.participants.values_list("organisation_id", flat=True)),
                "version": version.version,
            },
        )


class CovenantRuleAddForm(forms.Form):
    meeting_type = forms.ModelChoiceField(
        label=_("Overlegtype"), queryset=MeetingType.objects.none(), empty_label=_("Kies een overlegtype")
    )

    def __init__(self, *args: Any, version: CovenantVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].queryset = meeting_types_without_rule(version)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class GridCell:
    sector_label: str
    category_label: str
    contribute: forms.BoundField
    visibility: forms.BoundField


@dataclass(frozen=True)
class GridRow:
    category_label: str
    cells: list[GridCell]


def _cell_name(kind: str, sector: str, category: str) -> str:
    return f"{kind}__{sector}__{category}"


class CovenantRuleForm(VersionedForm):
    """The agreements for one meeting type: legal basis, retention and the sector × category grid."""

    legal_basis = forms.ChoiceField(label=_("Grondslag"), choices=LegalBasis.choices)
    legal_basis_detail = forms.CharField(
        label=_("Toelichting grondslag"),
        max_length=300,
        required=False,
        help_text=_("Artikel of toelichting; verplicht bij 'Anders, namelijk'."),
    )
    retention_years = forms.IntegerField(
        label=_("Bewaartermijn (jaren na afsluiten)"),
        min_value=1,
        max_value=20,
        help_text=_("Hoe lang casussen van dit overleg na afsluiten worden bewaard."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for sector in Sector.values:
            for category in InformationCategory.values:
                self.fields[_cell_name("contribute", sector, category)] = forms.BooleanField(
                    label=_("mag inbrengen"), required=False
                )
                self.fields[_cell_name("visibility", sector, category)] = forms.ChoiceField(
                    label=_("mag inzien"), choices=Visibility.choices, initial=Visibility.NONE
                )

    @classmethod
    def for_rule(cls, rule: CovenantMeetingRule, data: Any = None) -> CovenantRuleForm:
        initial: dict[str, Any] = {
            "legal_basis": rule.legal_basis,
            "legal_basis_detail": rule.legal_basis_detail,
            "retention_years": rule.retention_years,
            "version": rule.version,
        }
        for cell in rule.category_rules.all():
            initial[_cell_name("contribute", cell.sector, cell.category)] = cell.may_contribute
            initial[_cell_name("visibility", cell.sector, cell.category)] = cell.visibility
        return cls(data, initial=initial)

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("legal_basis", "legal_basis_detail", "retention_years")]

    def grid(self) -> list[GridRow]:
        """Rows per information category, one cell per sector, for the template."""
        rows = []
        for category, category_label in InformationCategory.choices:
            cells = [
                GridCell(
                    sector_label=str(sector_label),
                    category_label=str(category_label),
                    contribute=self[_cell_name("contribute", sector, category)],
                    visibility=self[_cell_name("visibility", sector, category)],
                )
                for sector, sector_label in Sector.choices
            ]
            rows.append(GridRow(category_label=str(category_label), cells=cells))
        return rows

    def cells(self) -> dict[tuple[str, str], tuple[bool, str]]:
        data = self.cleaned_data
        return {
            (sector, category): (
                bool(data.get(_cell_name("contribute", sector, category))),
                data.get(_cell_name("visibility", sector, category)) or Visibility.NONE,
            )
            for sector in Sector.values
            for category in InformationCategory.values
        }
