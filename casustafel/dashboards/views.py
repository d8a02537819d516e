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
from casustafel.cases.models import Case
from casustafel.dashboards.selectors import AttentionSection, attention_for


def _shown_subjects(sections: list[AttentionSection]) -> tuple[list[int], list[int]]:
    """The cases and the persons the sections name (their main persons)."""
    case_ids: list[int] = []
    person_ids: list[int] = []
    for section in sections:
        for item in section.items:
            # Referrals carry their main persons; cases and questions through their referral.
            holder: Any = item if hasattr(item, "subject_parties") else getattr(item, "referral", None)
            parties = getattr(holder, "subject_parties", None)
            if parties is None:
                continue
            if isinstance(item, Case):
                case_ids.append(item.pk)
            person_ids.extend(party.person_id for party in parties)
    return case_ids, sorted(set(person_ids))


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
