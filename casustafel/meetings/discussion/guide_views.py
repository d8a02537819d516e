"""Editing a discussion guide (administrators of the house): a draft copy of the version in
use, its phases, parts and questions changed one form at a time, then published as the next
version. Published versions never change; a discussion keeps the version it began on.

Every form carries the draft's version: a change by another administrator since the page was
loaded is refused with the user's input kept, and the form then holds the current version, so
saving again overwrites knowingly.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meeting_types.guide_services import (
    guide_part_update,
    guide_phase_update,
    guide_question_update,
    guide_version_draft,
    guide_version_publish,
)
from casustafel.meeting_types.models import (
    DiscussionGuide,
    DiscussionGuideVersion,
    GuidePart,
    GuidePhase,
    GuideQuestion,
    MeetingType,
)
from casustafel.meetings.forms.meeting_types import GuidePartForm, GuidePhaseForm, GuidePublishForm, GuideQuestionForm
from casustafel.meetings.selectors.meeting_types import get_meeting_type_for_admin

FORMS: dict[str, Any] = {"fase": GuidePhaseForm, "onderdeel": GuidePartForm, "vraag": GuideQuestionForm}


def _guide(request: AuthenticatedHttpRequest, pk: int) -> tuple[MeetingType, DiscussionGuide]:
    meeting_type = get_meeting_type_for_admin(request.user, pk)
    return meeting_type, get_object_or_404(DiscussionGuide, meeting_type=meeting_type)


def _draft(guide: DiscussionGuide) -> DiscussionGuideVersion:
    draft = guide.versions.filter(published_at__isnull=True).first()
    if draft is None:
        raise Http404
    return draft


def _initial(kind: str, obj: Any, version: int) -> dict[str, Any]:
    if kind == "fase":
        return {"title": obj.title, "version": version}
    if kind == "onderdeel":
        return {"title": obj.title, "intro": obj.intro, "version": version}
    return {"text": obj.text, "prompts": "\n".join(obj.prompts), "version": version}


def _render(
    request: AuthenticatedHttpRequest,
    meeting_type: MeetingType,
    draft: DiscussionGuideVersion,
    bound: dict[tuple[str, int], Any] | None = None,
    publish_form: GuidePublishForm | None = None,
) -> HttpResponse:
    """The draft with a form per phase, part and question (`bound`: the one that failed, with
    what the user typed)."""
    bound = bound or {}
    phases = list(draft.phases.prefetch_related("parts__questions").order_by("position", "pk"))

    def form(kind: str, obj: Any) -> Any:
        return bound.get((kind, obj.pk)) or FORMS[kind](
            initial=_initial(kind, obj, draft.version), prefix=f"{kind}-{obj.pk}"
        )

    tree = [
        {
            "phase": phase,
            "form": form("fase", phase),
            "parts": [
                {
                    "part": part,
                    "form": form("onderdeel", part),
                    "questions": [{"question": q, "form": form("vraag", q)} for q in part.questions.all()],
                }
                for part in phase.parts.all()
            ],
        }
        for phase in phases
    ]
    context = {
        "meeting_type": meeting_type,
        "draft": draft,
        "tree": tree,
        "publish_form": publish_form or GuidePublishForm(initial={"version": draft.version}),
    }
    return render(request, "meetings/guide_draft.html", context)


@login_required
def guide_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the draft to edit. POST: make it (a copy of the version in use), or reopen it."""
    meeting_type, guide = _guide(request, pk)
    if request.method == "POST":
        guide_version_draft(actor=Actor.from_request(request), guide=guide)
        return redirect("meetings:guide_draft", meeting_type.pk)
    return _render(request, meeting_type, _draft(guide))


def _lookup(draft: DiscussionGuideVersion, kind: str, obj_pk: int) -> Any:
    if kind == "fase":
        return get_object_or_404(GuidePhase, pk=obj_pk, version=draft)
    if kind == "onderdeel":
        return get_object_or_404(GuidePart, pk=obj_pk, phase__version=draft)
    if kind == "vraag":
        return get_object_or_404(GuideQuestion, pk=obj_pk, part__phase__version=draft)
    raise Http404


def _save(actor: Actor, kind: str, obj: Any, form: Any) -> None:
    data, expected = form.cleaned_data, form.cleaned_data["version"]
    if kind == "fase":
        guide_phase_update(actor=actor, phase=obj, expected_version=expected, title=data["title"])
    elif kind == "onderdeel":
        guide_part_update(actor=actor, part=obj, expected_version=expected, title=data["title"], intro=data["intro"])
    else:
        guide_question_update(
            actor=actor, question=obj, expected_version=expected, text=data["text"], prompts=form.prompt_list()
        )


def _with_version(data: QueryDict, prefix: str, version: int) -> QueryDict:
    copy = data.copy()
    copy[f"{prefix}-version" if prefix else "version"] = str(version)
    return copy


@require_POST
@login_required
def guide_draft_change(request: AuthenticatedHttpRequest, pk: int, kind: str, obj_pk: int) -> HttpResponse:
    """Save one phase, part or question of the draft."""
    meeting_type, guide = _guide(request, pk)
    draft = _draft(guide)
    obj = _lookup(draft, kind, obj_pk)
    prefix = f"{kind}-{obj.pk}"
    form = FORMS[kind](request.POST, prefix=prefix)
    if form.is_valid():
        try:
            _save(Actor.from_request(request), kind, obj, form)
        except ConflictError as exc:
            draft.refresh_from_db()
            form = FORMS[kind](_with_version(request.POST, prefix, draft.version), prefix=prefix)
            form.is_valid()
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Opgeslagen in het concept."))
            return redirect(reverse("meetings:guide_draft", args=[meeting_type.pk]) + f"#{prefix}")
    draft.refresh_from_db()
    return _render(request, meeting_type, draft, bound={(kind, obj.pk): form})


@require_POST
@login_required
def guide_draft_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting_type, guide = _guide(request, pk)
    draft = _draft(guide)
    form = GuidePublishForm(request.POST)
    if form.is_valid():
        try:
            published = guide_version_publish(
                actor=Actor.from_request(request),
                version=draft,
                expected_version=form.cleaned_data["version"],
                change_note=form.cleaned_data["change_note"],
            )
        except ConflictError as exc:
            draft.refresh_from_db()
            form = GuidePublishForm(_with_version(request.POST, "", draft.version))
            form.is_valid()
            add_service_errors(form, exc)
        except ValidationError as exc:  # a service error too: already published
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Versie %(number)s is in gebruik; besprekingen die nu beginnen volgen haar.")
                % {"number": published.number},
            )
            return redirect("meetings:meeting_type_guide", meeting_type.pk)
    return _render(request, meeting_type, draft, publish_form=form)
