"""The live screen as blocks: per guide question its answer field and one block per structured
capture (a list of what was recorded and the form to add to it). A save re-renders only its
own block, so nothing typed elsewhere on the page is touched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms

from casustafel.accounts.models import User
from casustafel.cases.models import CaseInvolvement
from casustafel.cases.selectors.information import case_persons
from casustafel.meeting_types.models import Capture, GuideQuestion
from casustafel.meetings.discussion.forms import (
    AgreementForm,
    AnswerForm,
    EntryForm,
    FactForm,
    PhaseMoveForm,
    RequirementForm,
    ScoreForm,
)
from casustafel.meetings.discussion.selectors import LiveItem, PartView, QuestionView
from casustafel.meetings.models import EntryKind
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Organisation
from casustafel.privacy.provenance.access import case_viewer

ENTRY_CAPTURES: dict[str, str] = {
    Capture.CONCERNS: EntryKind.CONCERN,
    Capture.STRENGTHS: EntryKind.STRENGTH,
    Capture.NEEDS: EntryKind.NEED,
    Capture.INCIDENTS: EntryKind.INCIDENT,
    Capture.RISKS: EntryKind.RISK,
    Capture.BRAINSTORM: EntryKind.IDEA,
    Capture.PRIORITIES: EntryKind.PRIORITY,
    Capture.INTERVENTIONS: EntryKind.INTERVENTION,
}


@dataclass
class Block:
    capture: str
    question: GuideQuestion
    form: forms.Form
    items: list[Any] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return f"block-{self.question.pk}-{self.capture}"

    @property
    def prefix(self) -> str:
        return f"q{self.question.pk}{self.capture}"

    @property
    def entry_kind(self) -> str:
        return ENTRY_CAPTURES.get(self.capture, "")


@dataclass
class Table:
    """Who is at the table for this item: the organisations that may bring in facts, monitor
    a bodemeis or take an agreement, and their people."""

    organisations: list[Organisation]
    owners: list[User]


def table_for(live: LiveItem) -> Table:
    involved = list(
        Organisation.objects.filter(
            pk__in=CaseInvolvement.objects.current().filter(case=live.item.case).values("organisation")
        ).order_by("name")
    )
    office = Organisation.objects.filter(house=live.item.case.house_id, is_house_office=True).first()
    organisations = involved + ([office] if office else [])
    owners = sorted(
        {
            m.user
            for m in Membership.objects.active()
            .filter(organisation__in=organisations, role__in=CASE_WORKER_ROLES)
            .select_related("user")
        },
        key=lambda u: u.full_name,
    )
    return Table(organisations=organisations, owners=owners)


def build_form(
    capture: str, question: GuideQuestion, live: LiveItem, table: Table, data: Any = None, user: User | None = None
) -> forms.Form:
    prefix = f"q{question.pk}{capture}"
    if capture in ENTRY_CAPTURES:
        return EntryForm(data, prefix=prefix, kind=ENTRY_CAPTURES[capture], organisations=table.organisations)
    if capture == Capture.SCORES:
        return ScoreForm(data, prefix=prefix, organisations=table.organisations)
    if capture == Capture.FACTS:
        viewer = case_viewer(user, live.item.case) if user else None
        initial = {"legal_basis": viewer.rules.legal_basis} if viewer and viewer.covered else {}
        return FactForm(
            data,
            prefix=prefix,
            organisations=table.organisations,
            persons=case_persons(live.item.case),
            initial=initial,
        )
    if capture == Capture.PHASE:
        return PhaseMoveForm(data, prefix=prefix)
    if capture == Capture.REQUIREMENTS:
        return RequirementForm(data, prefix=prefix, organisations=table.organisations)
    if capture == Capture.AGREEMENTS:
        return AgreementForm(data, prefix=prefix, organisations=table.organisations, owners=table.owners)
    raise ValueError(capture)


def block_items(capture: str, view: QuestionView, live: LiveItem) -> list[Any]:
    if capture in ENTRY_CAPTURES:
        return [e for e in view.entries if e.kind == ENTRY_CAPTURES[capture]]
    by_capture: dict[str, list[Any]] = {
        Capture.SCORES: live.scores,
        Capture.FACTS: live.facts,
        Capture.PHASE: live.phase_moves,
        Capture.REQUIREMENTS: live.requirements,
        Capture.AGREEMENTS: live.agreements,
    }
    return by_capture.get(capture, [])


@dataclass
class QuestionBlocks:
    view: QuestionView
    answer_form: AnswerForm
    blocks: list[Block]


@dataclass
class PartBlocks:
    view: PartView
    questions: list[QuestionBlocks]


def page_blocks(live: LiveItem, table: Table, user: User, *, bound: Block | None = None) -> list[PartBlocks]:
    """Every part, question and block of the screen; `bound` replaces the block it stands for
    (a form with the user's input and its errors)."""
    result = []
    for part_view in live.guide_parts:
        questions = []
        for view in part_view.questions:
            answer = view.answer
            answer_form = AnswerForm(
                prefix=f"a{view.question.pk}",
                initial={"text": answer.text if answer else "", "version": answer.version if answer else None},
            )
            blocks = []
            for capture in view.question.captures:
                if bound is not None and bound.question.pk == view.question.pk and bound.capture == capture:
                    blocks.append(bound)
                    continue
                blocks.append(
                    Block(
                        capture=capture,
                        question=view.question,
                        form=build_form(capture, view.question, live, table, user=user),
                        items=block_items(capture, view, live),
                    )
                )
            questions.append(QuestionBlocks(view=view, answer_form=answer_form, blocks=blocks))
        result.append(PartBlocks(view=part_view, questions=questions))
    return result


def find_block(parts: list[PartBlocks], question_pk: int, capture: str) -> Block | None:
    for part in parts:
        for question in part.questions:
            for block in question.blocks:
                if block.question.pk == question_pk and block.capture == capture:
                    return block
    return None
