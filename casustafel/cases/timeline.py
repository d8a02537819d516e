"""The timeline of a case (tijdlijn): one chronological view across partners of everything that
happened, each entry shown only as far as the viewer may see it.

Every app contributes its own entries: a *source* is a function that, given the case and the
viewer (`privacy.access.CaseViewer`), returns the entries that viewer may see, at the level they
may see them (``full``: title and detail; ``notice``: only the neutral title). Apps register their
sources when Django starts (`AppConfig.ready`), so the timeline page lives here in `cases` while
meetings, plans and escalations, which sit above it, fill it without `cases` importing them. Each
source decides visibility for its own data, with the same rules as its own pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django_stubs_ext import StrOrPromise

from casustafel.accounts.models import User
from casustafel.cases.models import Case, CaseFact, CaseInvolvement, CaseStatus, Referral, ReferralStatus, Triage
from casustafel.organisations.models import Organisation
from casustafel.privacy.provenance.access import Access, CaseViewer, notice_text, visible_items


@dataclass(frozen=True)
class TimelineEntry:
    """One event on the timeline. `title` is always shown to whoever gets the entry; `detail`
    only when `access` is full. `organisation` is who did it or whose it is (for the filter)."""

    at: dt.datetime
    kind: str
    title: str
    detail: str = ""
    organisation: Organisation | None = None
    access: Access = Access.FULL
    url: str = ""


Source = Callable[[Case, CaseViewer, User], Iterable[TimelineEntry]]

# kind -> label, in the order the filter shows them
_kinds: dict[str, StrOrPromise] = {}
_sources: list[Source] = []


def register_timeline_source(kinds: dict[str, StrOrPromise], source: Source) -> None:
    """Add a source and the kinds of entry it gives (key -> label for the kind filter)."""
    _kinds.update(kinds)
    if source not in _sources:
        _sources.append(source)


def timeline_kinds() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in _kinds.items()]


def case_timeline(
    case: Case,
    viewer: CaseViewer,
    user: User,
    *,
    organisation_id: int | None = None,
    kinds: Iterable[str] = (),
) -> list[TimelineEntry]:
    """The case's entries for this viewer, oldest first, optionally only of one organisation
    and of some kinds."""
    wanted = set(kinds)
    entries = [
        entry
        for source in _sources
        for entry in source(case, viewer, user)
        if (not wanted or entry.kind in wanted)
        and (organisation_id is None or (entry.organisation is not None and entry.organisation.pk == organisation_id))
    ]
    return sorted(entries, key=lambda entry: entry.at)


# --- The case's own entries: referral, triage, involvements, information, closing ----------

REFERRAL, TRIAGE, CASE, INFORMATION = "referral", "triage", "case", "information"


def _cases_source(case: Case, viewer: CaseViewer, user: User) -> list[TimelineEntry]:
    referral = Referral.objects.select_related("referring_organisation", "previous_case").get(pk=case.referral_id)
    entries = []
    if referral.submitted_at:
        entries.append(
            TimelineEntry(
                at=referral.submitted_at,
                kind=REFERRAL,
                title=_("Aangemeld door %(organisation)s (%(route)s)")
                % {"organisation": referral.referring_organisation.name, "route": referral.get_entry_route_display()},
                organisation=referral.referring_organisation,
            )
        )
    if referral.previous_case_id and viewer.is_staff:
        entries.append(
            TimelineEntry(
                at=referral.submitted_at or case.opened_at,
                kind=REFERRAL,
                title=_("Heraanmelding: eerdere episode is casus %(pk)s") % {"pk": referral.previous_case_id},
                url=reverse("cases:case_timeline", args=[referral.previous_case_id]),
            )
        )
    for triage in Triage.objects.filter(referral=referral, decided_at__isnull=False).exclude(outcome=""):
        assert triage.decided_at is not None
        entries.append(
            TimelineEntry(
                at=triage.decided_at,
                kind=TRIAGE,
                title=_("Triage: %(outcome)s") % {"outcome": triage.get_outcome_display()},
                detail=triage.outcome_reason if viewer.is_staff else "",
                organisation=None,
            )
        )
    entries.append(TimelineEntry(at=case.opened_at, kind=CASE, title=_("Casus geopend")))
    for involvement in CaseInvolvement.objects.filter(case=case).select_related("organisation"):
        entries.append(
            TimelineEntry(
                at=involvement.started_at,
                kind=CASE,
                title=_("%(organisation)s betrokken") % {"organisation": involvement.organisation.name},
                detail=involvement.reason,
                organisation=involvement.organisation,
            )
        )
        if involvement.ended_at:
            entries.append(
                TimelineEntry(
                    at=involvement.ended_at,
                    kind=CASE,
                    title=_("%(organisation)s niet meer betrokken") % {"organisation": involvement.organisation.name},
                    detail=involvement.end_reason,
                    organisation=involvement.organisation,
                )
            )
    facts = visible_items(CaseFact.objects.select_related("organisation"), viewer)
    for fact in facts:
        full = fact.access == Access.FULL.value  # type: ignore[attr-defined]
        entries.append(
            TimelineEntry(
                at=fact.created_at,
                kind=INFORMATION,
                title=(
                    _("%(kind)s van %(organisation)s")
                    % {"kind": fact.get_kind_display(), "organisation": fact.organisation.name}
                    if full
                    else notice_text(fact.organisation)
                ),
                detail=fact.text if full else "",
                organisation=fact.organisation,
                access=Access.FULL if full else Access.NOTICE,
            )
        )
    if case.status != CaseStatus.ACTIVE and case.closed_at:
        entries.append(
            TimelineEntry(
                at=case.closed_at,
                kind=CASE,
                title=_("Casus afgesloten: %(reason)s")
                % {"reason": case.get_close_reason_kind_display() or _("reden niet gekozen")},
                detail=case.close_reason if viewer.is_staff else "",
            )
        )
    for later in Referral.objects.filter(previous_case=case, status__in=_SUBMITTED).only("pk", "submitted_at"):
        if viewer.is_staff and later.submitted_at:
            entries.append(
                TimelineEntry(
                    at=later.submitted_at,
                    kind=REFERRAL,
                    title=_("Opnieuw aangemeld (aanmelding %(pk)s)") % {"pk": later.pk},
                )
            )
    return entries


_SUBMITTED = [status for status in ReferralStatus.values if status != ReferralStatus.DRAFT]

register_timeline_source(
    {
        REFERRAL: gettext_lazy("Aanmelding"),
        TRIAGE: gettext_lazy("Triage"),
        CASE: gettext_lazy("Casus en betrokken organisaties"),
        INFORMATION: gettext_lazy("Informatie"),
    },
    _cases_source,
)
