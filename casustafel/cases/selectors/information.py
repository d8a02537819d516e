"""Reads of a case's information (facts, concerns, attachments) for one viewer. What the viewer
sees of each item is decided in `casustafel.privacy.provenance.access`; this module only lists and wraps.

A restricted item reaches the template as a notice without the item itself, so no template can
show its content by mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from casustafel.cases.models import Attachment, Case, CaseFact, Person
from casustafel.organisations.models import Organisation
from casustafel.privacy.provenance.access import Access, CaseViewer, notice_text, visible_items, with_access


@dataclass(frozen=True)
class InformationItem:
    """One line on the information page: the item itself when the viewer sees it in full, or
    only the notice (organisation and date) when it is restricted."""

    kind: str  # "fact" or "attachment"
    created_at: dt.datetime
    organisation: Organisation
    fact: CaseFact | None = None
    attachment: Attachment | None = None

    @property
    def is_notice(self) -> bool:
        return self.fact is None and self.attachment is None

    @property
    def notice(self) -> str:
        return notice_text(self.organisation)


def _wrap(kind: str, item: CaseFact | Attachment) -> InformationItem:
    full = getattr(item, "access", Access.NONE) == Access.FULL
    return InformationItem(
        kind=kind,
        created_at=item.created_at,
        organisation=item.organisation,
        fact=item if full and isinstance(item, CaseFact) else None,
        attachment=item if full and isinstance(item, Attachment) else None,
    )


def case_information(viewer: CaseViewer) -> list[InformationItem]:
    """The case's facts, concerns and attachments the viewer sees (in full or as a notice),
    newest first, in two queries whatever their number."""
    facts = visible_items(CaseFact.objects.all(), viewer).select_related("organisation", "person", "added_by")
    attachments = visible_items(Attachment.objects.all(), viewer).select_related("organisation", "person", "added_by")
    items = [_wrap("fact", fact) for fact in facts] + [_wrap("attachment", doc) for doc in attachments]
    return sorted(items, key=lambda item: item.created_at, reverse=True)


def case_persons(case: Case) -> list[Person]:
    """The persons of the case (parties of its referral), for the "betreft" choice."""
    return [party.person for party in case.referral.parties.all()]


def get_fact_for_viewer(viewer: CaseViewer, pk: int) -> CaseFact:
    """A fact of the viewer's case that they see in full; 404 otherwise."""
    fact = get_object_or_404(with_access(CaseFact.objects.select_related("case"), viewer), pk=pk)
    if fact.access != Access.FULL:  # type: ignore[attr-defined]
        raise Http404
    return fact


def get_attachment_for_viewer(viewer: CaseViewer, pk: int) -> Attachment:
    """An attachment of the viewer's case that they see in full; 404 otherwise (a notice does
    not entitle to the file)."""
    attachment = get_object_or_404(with_access(Attachment.objects.select_related("case"), viewer), pk=pk)
    if attachment.access != Access.FULL:  # type: ignore[attr-defined]
        raise Http404
    return attachment
