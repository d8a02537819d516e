"""Forms of the criteria administration: a set's name, a draft version's settings, and one
criterion. Forms only parse input; the services validate the business rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.lib.forms import VersionedForm
from casustafel.meeting_types.models import Combinator, CriteriaSetVersion, Criterion
from casustafel.organisations.models import Organisation

COMBINATOR_CHOICES = [("", _("Geen onderdelen (het criterium krijgt zelf een oordeel)")), *Combinator.choices]


class CriteriaSetForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"), max_length=120, help_text=_("Bijv. Criteria voor behandeling in het veiligheidshuis.")
    )


class CriteriaVersionForm(VersionedForm):
    """How a draft joins its top-level criteria, where it comes from, and what changed; the
    hidden `version` is the draft's version the form was loaded with."""

    combinator = forms.ChoiceField(
        label=_("Toelating"),
        choices=Combinator.choices,
        widget=forms.RadioSelect,
        help_text=_("Moeten alle criteria gelden (EN), of is één genoeg (OF)?"),
    )
    source = forms.CharField(
        label=_("Bron"), max_length=200, required=False, help_text=_("Bijv. Werkinstructie maart 2014.")
    )
    change_note = forms.CharField(
        label=_("Toelichting op de wijziging"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat is er veranderd en waarom? Verplicht vanaf versie 2; getoond bij elke versie."),
    )

    @classmethod
    def for_version(cls, version: CriteriaSetVersion, data: Any = None) -> CriteriaVersionForm:
        return cls(
            data,
            prefix="version",
            initial={
                "combinator": version.combinator,
                "source": version.source,
                "change_note": version.change_note,
                "version": version.version,
            },
        )


class CriterionForm(VersionedForm):
    """One criterion: code, short label, full text, and whether it has parts (EN/OF); the
    hidden `version` is the criterion's `revision` the form was loaded with."""

    code = forms.CharField(label=_("Code"), max_length=12, help_text=_("Bijv. a, b, a1."))
    label = forms.CharField(label=_("Korte omschrijving"), max_length=300)
    text = forms.CharField(
        label=_("Volledige tekst"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De tekst zoals het huis die heeft vastgesteld; getoond bij de triage."),
    )
    combinator = forms.ChoiceField(
        label=_("Samenstelling"),
        choices=COMBINATOR_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Heeft het criterium onderdelen, kies dan of alle onderdelen of minstens één moet gelden."),
    )
    position = forms.IntegerField(
        label=_("Volgorde"), min_value=0, max_value=999, required=False, help_text=_("Lager staat eerder.")
    )

    @classmethod
    def for_criterion(cls, criterion: Criterion, data: Any = None) -> CriterionForm:
        return cls(
            data,
            initial={
                "code": criterion.code,
                "label": criterion.label,
                "text": criterion.text,
                "combinator": criterion.combinator,
                "position": criterion.position,
                "version": criterion.revision,
            },
        )


class CriterionAddForm(CriterionForm):
    """A new criterion, at the top level or as a part of a criterion with EN/OF."""

    parent = forms.ModelChoiceField(
        label=_("Onderdeel van"),
        queryset=Criterion.objects.none(),
        required=False,
        empty_label=_("Geen: een criterium op het bovenste niveau"),
        help_text=_("Alleen criteria met een samenstelling (EN/OF) kunnen onderdelen hebben."),
    )
    version = None  # type: ignore[assignment]  # a new criterion has nothing to conflict with
    field_order = ["parent", "code", "label", "text", "combinator", "position"]

    def __init__(self, *args: Any, version: CriteriaSetVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = version.criteria.order_by("position", "pk")  # type: ignore[attr-defined]


class CaseloadCapForm(forms.Form):
    """The cap of one municipality; empty removes it."""

    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=Organisation.objects.none())
    max_active_cases = forms.IntegerField(
        label=_("Maximaal aantal actieve casussen"),
        min_value=0,
        max_value=10000,
        required=False,
        help_text=_("Laat leeg om het plafond voor deze gemeente te verwijderen."),
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
