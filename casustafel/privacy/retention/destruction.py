"""What destroying a case (or a referral that never became a case) does to each kind of
record, found generically.

`purge_case` walks every model with a foreign key (or one-to-one) to the case and to its
referral, through `_meta.related_objects`, and treats each by its `POLICIES` entry;
`purge_referral` does the same walk for a referral without a case:

- **delete** (the default, for every model not listed): the rows go, with everything that
  cascades from them; files they hold are removed after the transaction commits (a
  `FileField`, or a remover registered in `FILE_REMOVERS`). A model someone adds later with a
  foreign key to `Case` or `Referral` (facts, attachments, agenda items...) is therefore
  destroyed with the case unless it is listed here.
- **blank**: the row stays (its non-personal fields feed the reports: life domains, triage
  outcomes, which organisations were involved) and the listed free-text fields are emptied and
  person links cleared; the walk continues into the rows related to it (a triage's verdicts).
- **keep**: the row stays as it is (it holds no personal data: how the retention term was set).

Persons linked from any row touched are returned as candidates for anonymisation; the service
anonymises those no longer referenced from anything else. This module only changes the rows;
the audited services `case_destroy` and `referral_destroy` (retention/services.py) call it
inside their transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.deletion import Collector

from casustafel.cases.models import Case, Person, Referral


@dataclass(frozen=True)
class Policy:
    action: str  # "delete", "blank" or "keep"
    values: Mapping[str, Any] = field(default_factory=dict)


DELETE = Policy("delete")
KEEP = Policy("keep")


def blank(*fields: str, clear: tuple[str, ...] = ()) -> Policy:
    """Empty the text `fields` and set the nullable foreign keys in `clear` to NULL."""
    return Policy("blank", {**dict.fromkeys(fields, ""), **dict.fromkeys(clear)})


# Per model ("app_label.model"): what destruction does to rows related to the destroyed case
# or referral. Models not listed are deleted.
POLICIES: dict[str, Policy] = {
    "cases.caseparty": DELETE,
    "cases.lifedomainproblem": blank("description", "source", clear=("person",)),
    "cases.prioraction": blank("description", "by_whom", "period", "result", "source"),
    "cases.informationrequest": blank("question", "answer"),
    "cases.triage": blank("outcome_reason", "urgency_justification"),
    "cases.criterionverdict": blank("reason"),
    "cases.caseinvolvement": blank("reason", "end_reason"),
    "privacy.caseretention": KEEP,
    "privacy.referralretention": KEEP,
    "privacy.retentionextension": blank("reason"),
    # The plan side keeps its rows without their text: agreements done on time, goals achieved,
    # phases, case direction, escalations and follow-up answers are indicators (reporting).
    "plans.phasemove": blank("reason"),
    "plans.minimumrequirement": blank("what", "if_not_met", "end_reason"),
    "plans.requirementcheck": blank("note"),
    "plans.agreement": blank("what", "justification", "decline_reason", "continues_with"),
    "plans.agreementupdate": blank("result"),
    "plans.actionplan": blank("common_goal", "problem", "household_summary"),
    "plans.goal": blank("title", "criterion", "evidence"),
    "plans.directionassignment": Policy(
        "blank", {"reason": "", "decline_reason": "", "end_reason": "", "excluded_tasks": []}
    ),
    "plans.directiontaskcheck": blank("note"),
    "plans.closureplan": blank("continues", "if_it_goes_wrong", "last_safety_justification"),
    "plans.followup": blank("note"),
    "escalations.escalation": blank("question", "outcome"),
    "escalations.escalationstage": blank("question", "answer"),
    # Meetings: the agenda item, its parts and the attendance stay (which organisations were
    # invited and came feeds the reports); what was written about the clients goes.
    "meetings.agendaitem": KEEP,
    "meetings.agendaitempart": blank("title"),
    "meetings.invitation": blank("decline_reason"),
    "meetings.attendance": KEEP,
    "meetings.clientparticipation": blank("not_invited_reason", "client_input", "trusted_person", "debrief_notes"),
    # The discussion row (timer, guide version) and the scores stay for the outcome indicators
    # (safety score at the first and the last discussion); why a score was given goes. The
    # participant (a professional, unique per discussion part) stays, as agreements keep their
    # owners.
    "meetings.discussion": KEEP,
    "meetings.safetyscore": blank("justification"),
}

# The referral's own free text (the case row itself keeps only ids, dates and codes; its close
# reason is emptied by the service).
REFERRAL_BLANK = {"concern": "", "concern_source": "", "consent_note": ""}


def _remove_attachment_file(obj: models.Model) -> None:
    from casustafel.cases.attachment_storage import remove_stored

    remove_stored(obj.storage_name)  # type: ignore[attr-defined]


# Models whose bytes live outside a FileField: how to remove the file of one row.
FILE_REMOVERS: dict[str, Callable[[models.Model], None]] = {
    "cases.attachment": _remove_attachment_file,
}


@dataclass
class PurgeResult:
    """What a purge did, in counts per model ("app_label.model") and what is left to do."""

    deleted: Counter[str] = field(default_factory=Counter)
    blanked: Counter[str] = field(default_factory=Counter)
    # Every row deleted or blanked, by model label: their audit events get their changes blanked.
    touched: dict[str, set[str]] = field(default_factory=dict)
    person_ids: set[int] = field(default_factory=set)
    file_removals: list[Callable[[], None]] = field(default_factory=list)

    def touch(self, obj: models.Model) -> None:
        self.touched.setdefault(obj._meta.label_lower, set()).add(str(obj.pk))
        for model_field in obj._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is Person:
                person_id = getattr(obj, model_field.attname)
                if person_id is not None:
                    self.person_ids.add(person_id)


def policy_for(model: type[models.Model]) -> Policy:
    return POLICIES.get(model._meta.label_lower, DELETE)


def _file_removals(obj: models.Model) -> list[Callable[[], None]]:
    removals: list[Callable[[], None]] = []
    remover = FILE_REMOVERS.get(obj._meta.label_lower)
    if remover is not None:
        removals.append(lambda obj=obj: remover(obj))  # type: ignore[misc]
    for model_field in obj._meta.concrete_fields:
        if isinstance(model_field, models.FileField):
            file = getattr(obj, model_field.name)
            if file and file.name:
                storage, name = file.storage, file.name
                removals.append(lambda storage=storage, name=name: storage.delete(name))  # type: ignore[misc]
    return removals


def _delete(queryset: models.QuerySet[Any], result: PurgeResult) -> None:
    """Delete the rows and everything that cascades from them, counting per model and
    remembering their files. PROTECT/RESTRICT references raise, rolling back the destruction."""
    collector = Collector(using=queryset.db, origin=queryset)
    collector.collect(queryset)  # type: ignore[arg-type]  # a QuerySet is what Django itself passes
    doomed: list[models.Model] = [obj for instances in collector.data.values() for obj in instances]
    for fast in collector.fast_deletes:
        doomed.extend(fast)
    for obj in doomed:
        result.touch(obj)
        result.file_removals.extend(_file_removals(obj))
    _total, per_model = collector.delete()
    for label, count in per_model.items():
        if count:
            result.deleted[label.lower()] += count


def _purge_related(instance: models.Model, result: PurgeResult, *, skip: frozenset[type[models.Model]]) -> None:
    for rel in instance._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or model in skip:
            continue
        if rel.many_to_many:
            # A model pointing at the case through a many-to-many: only the links go.
            through = rel.through  # type: ignore[attr-defined]
            links = through._base_manager.filter(**{rel.field.m2m_reverse_field_name(): instance})  # type: ignore[attr-defined]
            count, _per_model = links.delete()
            if count:
                result.deleted[through._meta.label_lower] += count
            continue
        queryset = model._base_manager.filter(**{rel.field.name: instance})
        policy = policy_for(model)
        if policy.action == "delete":
            if queryset.exists():
                _delete(queryset, result)
            continue
        rows = list(queryset)
        if not rows:
            continue
        for row in rows:
            result.touch(row)
        if policy.action == "blank":
            queryset.update(**policy.values)
            result.blanked[model._meta.label_lower] += len(rows)
        for row in rows:
            _purge_related(row, result, skip=skip | {type(instance)})


def purge_referral(referral: Referral, result: PurgeResult | None = None) -> PurgeResult:
    """Delete or blank everything about `referral` (parties, problems, prior actions,
    questions, triages; see the module docstring) and empty its own free text. The referral
    row stays with its non-personal fields (house, route, status, municipality, dates), which
    the reports count; a case of the referral is not touched (`purge_case` does that)."""
    result = result or PurgeResult()
    _purge_related(referral, result, skip=frozenset({Case}))
    result.touch(referral)
    Referral._base_manager.filter(pk=referral.pk).update(**REFERRAL_BLANK)
    return result


def purge_case(case: Case) -> PurgeResult:
    """Delete or blank everything about `case` and its referral (see the module docstring).
    The case and referral rows stay with their non-personal fields; the caller empties their
    free text, anonymises persons and records the destruction."""
    result = PurgeResult()
    _purge_related(case, result, skip=frozenset())
    return purge_referral(case.referral, result)


def person_still_referenced(person: Person) -> bool:
    """Whether any row still points at the person (a party in another referral, a fact in
    another case...), other than duplicates merged into them."""
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if model is Person or rel.many_to_many or not isinstance(model, type):
            continue
        if model._base_manager.filter(**{rel.field.name: person}).exists():
            return True
    return False
