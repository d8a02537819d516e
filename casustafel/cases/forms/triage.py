"""The triage form and its presentation rows.

The form has a verdict and a reason per leaf criterion (fields `verdict_<pk>` and
`reason_<pk>`, the keys the triage services use for their errors), the triage team, and the
decision. Forms only parse input: which fields are required depends on the outcome and on the
evaluation of the criteria, which the services decide.

`criterion_rows` lays the criteria tree out for the page: per criterion its evaluation and,
on leaves, the bound fields (form mode) or the stored verdict (read mode).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.cases import criteria_logic
from casustafel.cases.forms.referrals import DateInput
from casustafel.cases.models import CriterionVerdict, Routing, Verdict
from casustafel.cases.services.triage import VerdictInput
from casustafel.lib.forms import missing_version_message
from casustafel.meeting_types.models import MeetingType

RESULT_BADGE = {
    criteria_logic.MEETS: "ct-badge--ok",
    criteria_logic.DOES_NOT_MEET: "ct-badge--danger",
    criteria_logic.UNKNOWN: "ct-badge--warning",
}
COMBINATOR_SHORT = {criteria_logic.ALL: _("EN"), criteria_logic.ANY: _("OF")}
COMBINATOR_RULE = {
    criteria_logic.ALL: _("alle onderdelen moeten voldoen"),
    criteria_logic.ANY: _("één onderdeel is genoeg"),
}


class DecisionRequired:
    """A field shown as required (the service requires it when deciding, per outcome) that the
    form itself does not enforce, so the weighing can be saved half-way."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:  # type: ignore[attr-defined]
            return
        super().validate(value)  # type: ignore[misc]


class DecisionChoiceField(DecisionRequired, forms.ChoiceField):
    pass


class DecisionCharField(DecisionRequired, forms.CharField):
    pass


class DecisionDateField(DecisionRequired, forms.DateField):
    pass


class DecisionModelChoiceField(DecisionRequired, forms.ModelChoiceField):
    pass


class PersonChoiceField(DecisionModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


class TeamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


class TriageForm(forms.Form):
    """The weighing and the decision of one referral."""

    # The browser must not block a half-way save; the services say what is missing, per field.
    use_required_attribute = False

    referral_version = forms.IntegerField(widget=forms.HiddenInput)
    triage = forms.IntegerField(widget=forms.HiddenInput, required=False)
    triage_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    criteria_version = forms.IntegerField(widget=forms.HiddenInput)
    # Checked against the house's members, never rendered as one list of them: the page shows
    # the chosen ones and a search (`cases/partials/triage_team_picker.html`).
    team_members = TeamChoiceField(
        label=_("Triageteam"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = DecisionChoiceField(label=_("Uitkomst"), choices=Routing.choices, widget=forms.RadioSelect)
    outcome_reason = DecisionCharField(
        label=_("Reden voor de aanmelder"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("De aanmelder ziet de uitkomst en deze reden op de aanmelding. Schrijf zakelijk en kort."),
    )
    urgency_override = forms.BooleanField(
        label=_("Urgentie: aannemen ondanks dat niet alle criteria zijn voldaan"), required=False
    )
    urgency_justification = DecisionCharField(
        label=_("Onderbouwing urgentie"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij een urgentie-uitzondering: waarom neemt het huis deze casus toch aan?"),
    )
    meeting_type = DecisionModelChoiceField(
        label=_("Overlegtype"),
        queryset=MeetingType.objects.none(),
        help_text=_("Bij aannemen: in welk overleg de casus wordt besproken."),
    )
    process_director = PersonChoiceField(
        label=_("Procesregisseur"),
        queryset=User.objects.none(),
        help_text=_("Bij aannemen: wie de procesregie voert."),
    )
    first_meeting_date = DecisionDateField(
        label=_("Eerste overleg"), widget=DateInput(), help_text=_("Bij aannemen: de datum.")
    )
    question = DecisionCharField(
        label=_("Vraag aan de aanmelder"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bij 'meer informatie nodig': welke informatie ontbreekt nog?"),
    )

    def __init__(
        self,
        *args: Any,
        leaves: Iterable[criteria_logic.Node],
        team_choices: QuerySet[User],
        meeting_types: QuerySet[MeetingType],
        process_directors: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.leaves = list(leaves)
        self.fields["team_members"].queryset = team_choices  # type: ignore[attr-defined]
        self.fields["meeting_type"].queryset = meeting_types  # type: ignore[attr-defined]
        self.fields["process_director"].queryset = process_directors  # type: ignore[attr-defined]
        for leaf in self.leaves:
            self.fields[f"verdict_{leaf.key}"] = DecisionChoiceField(
                label=_("Oordeel over %(code)s") % {"code": leaf.code},
                choices=Verdict.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{leaf.key}"] = DecisionCharField(
                label=_("Onderbouwing bij %(code)s") % {"code": leaf.code},
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("In een paar woorden, ook bij 'onbekend'."),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("triage") is not None and cleaned.get("triage_version") is None:
            # A saved triage without its version would skip the conflict check.
            self.add_error(None, missing_version_message())
        return cleaned

    def verdicts(self) -> dict[int, VerdictInput]:
        """The verdicts entered, per leaf criterion pk (from cleaned data)."""
        return {
            int(leaf.key): VerdictInput(
                verdict=self.cleaned_data.get(f"verdict_{leaf.key}") or "",
                reason=self.cleaned_data.get(f"reason_{leaf.key}") or "",
            )
            for leaf in self.leaves
        }

    def raw_verdicts(self) -> dict[int | str, str]:
        """The verdicts as typed (also when the form is invalid), for the live evaluation."""
        values: dict[int | str, str] = {}
        for leaf in self.leaves:
            value = self.data.get(self.add_prefix(f"verdict_{leaf.key}"), "")
            if value in Verdict.values:
                values[leaf.key] = value
        return values

    def decision(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "outcome": data.get("outcome") or "",
            "outcome_reason": data.get("outcome_reason") or "",
            "urgency_override": bool(data.get("urgency_override")),
            "urgency_justification": data.get("urgency_justification") or "",
            "meeting_type": data.get("meeting_type"),
            "process_director": data.get("process_director"),
            "first_meeting_date": data.get("first_meeting_date"),
            "question": data.get("question") or "",
        }


class FirstContactForm(forms.Form):
    """Record when the house first contacted the referrer."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label=_("Tijdstip van het eerste contact"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leeg laten als het contact nu is."),
    )


@dataclass
class CriterionRow:
    """One criterion on the page, with its evaluation and (on leaves) fields or stored verdict."""

    evaluation: criteria_logic.Evaluation
    depth: int
    verdict_field: BoundField | None = None
    reason_field: BoundField | None = None
    stored: CriterionVerdict | None = None
    children: list[CriterionRow] = field(default_factory=list)

    @property
    def node(self) -> criteria_logic.Node:
        return self.evaluation.node

    @property
    def result(self) -> str:
        return self.evaluation.result

    @property
    def result_label(self) -> str:
        return str(Verdict(self.evaluation.result).label)

    @property
    def badge_class(self) -> str:
        return RESULT_BADGE[self.evaluation.result]

    @property
    def combinator_short(self) -> str:
        return str(COMBINATOR_SHORT.get(self.node.combinator or criteria_logic.ALL, "")) if self.children else ""

    @property
    def combinator_rule(self) -> str:
        return str(COMBINATOR_RULE.get(self.node.combinator or criteria_logic.ALL, "")) if self.children else ""

    @property
    def blocking_codes(self) -> list[str]:
        return [child.node.code for child in self.evaluation.blocking]

    @property
    def heading_level(self) -> int:
        return min(3 + self.depth, 6)

    @property
    def answered(self) -> str:
        """The verdict given on this leaf so far ('' when none), as typed or stored."""
        if self.verdict_field is not None:
            value = self.verdict_field.value()
            return value if value in Verdict.values else ""
        return self.stored.verdict if self.stored is not None else ""

    @property
    def answered_label(self) -> str:
        return str(Verdict(self.answered).label) if self.answered else ""

    @property
    def answered_badge(self) -> str:
        return RESULT_BADGE.get(self.answered, "")


def criterion_rows(
    evaluation: criteria_logic.Evaluation,
    *,
    form: TriageForm | None = None,
    stored: Mapping[int, CriterionVerdict] | None = None,
) -> list[CriterionRow]:
    """The rows of the top-level criteria (children nested) for a version's evaluation."""

    def build(item: criteria_logic.Evaluation, depth: int) -> CriterionRow:
        row = CriterionRow(evaluation=item, depth=depth)
        if item.node.is_leaf:
            if form is not None:
                row.verdict_field = form[f"verdict_{item.node.key}"]
                row.reason_field = form[f"reason_{item.node.key}"]
            if stored is not None:
                row.stored = stored.get(int(item.node.key))
        row.children = [build(child, depth + 1) for child in item.children]
        return row

    return [build(child, 0) for child in evaluation.children]


@dataclass(frozen=True)
class EvaluationSummary:
    """The whole version's evaluation in one badge and one sentence."""

    result: str
    label: str
    badge_class: str
    sentence: str

    @property
    def is_met(self) -> bool:
        return self.result == criteria_logic.MEETS


def verdict_tally(leaves: Iterable[criteria_logic.Node], values: Mapping[int | str, str]) -> dict[str, list[str]]:
    """The codes of the leaf criteria per verdict given so far, and those not weighed yet: the
    sticky summary beside the criteria."""
    tally: dict[str, list[str]] = {"meets": [], "unknown": [], "does_not_meet": [], "open": []}
    for leaf in leaves:
        verdict = values.get(leaf.key) or values.get(str(leaf.key)) or ""
        tally[verdict if verdict in tally else "open"].append(leaf.code)
    return tally


def summarise(evaluation: criteria_logic.Evaluation) -> EvaluationSummary:
    if evaluation.result == criteria_logic.MEETS:
        sentence = _("De aanmelding voldoet aan de criteria.")
    elif evaluation.result == criteria_logic.DOES_NOT_MEET:
        sentence = _(
            "De aanmelding voldoet niet aan de criteria. Aannemen kan alleen als urgentie-uitzondering, met onderbouwing."
        )
    else:
        sentence = _("Nog niet te bepalen: één of meer criteria zijn onbekend of nog niet gewogen.")
    return EvaluationSummary(
        result=evaluation.result,
        label=str(Verdict(evaluation.result).label),
        badge_class=RESULT_BADGE[evaluation.result],
        sentence=str(sentence),
    )
