"""The start page: what needs my attention today, for the role I act in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_list
from casustafel.cases.models import Case, CaseParty, PartyRole
from casustafel.dashboards.selectors import AttentionSection, attention_for


def _shown_subjects(sections: list[AttentionSection]) -> tuple[list[int], list[int]]:
    """The cases and the persons the sections name (their main persons)."""
    case_ids: list[int] = []
    person_ids: set[int] = set()
    unloaded: set[int] = set()  # referrals whose main persons the section did not load
    for section in sections:
        for item in section.items:
            if isinstance(item, Case):
                case_ids.append(item.pk)
            # Referrals carry their main persons; cases and questions through their referral,
            # read only when the section loaded it (never one query per row).
            holder: Any = item
            if not hasattr(item, "subject_parties"):
                cached = getattr(item, "_state", None) and item._state.fields_cache.get("referral")
                holder = cached
                if cached is None:
                    if isinstance(item, Case):
                        unloaded.add(item.referral_id)
                    continue
            parties = getattr(holder, "subject_parties", None)
            if parties is None:
                if isinstance(item, Case):
                    unloaded.add(item.referral_id)
                continue
            person_ids.update(party.person_id for party in parties)
    if unloaded:
        person_ids.update(
            CaseParty.objects.filter(
                referral_id__in=unloaded, role=PartyRole.SUBJECT, person__isnull=False
            ).values_list("person_id", flat=True)
        )
    return case_ids, sorted(person_ids)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers that ask /favicon.ico get the icon the pages link to."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    sections = attention_for(request.user, request.acting)
    case_ids, person_ids = _shown_subjects(sections)
    # The page names the main person of each referral and case listed: one READ event linked to
    # every one of them, as every list writes (none when it names nobody).
    audit_list(actor=Actor.from_request(request), case_ids=case_ids, person_ids=person_ids)
    return render(request, "dashboards/start.html", {"sections": sections})
