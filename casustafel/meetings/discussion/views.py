"""The live meeting screen (chair and minute-taker) and the minutes (web page and PDF).

Thin views: access through `selectors` (404 outside scope, 403 for house staff who may see the
meeting but not record in it), the form, the service, then the block or page. htmx saves answer
with only the block they change (status 200 with the errors and the typed input when refused);
without JavaScript every form posts and comes back to the page.

Opening an item writes one READ audit event; saves write their change and its audit event in
one transaction (the services) and no READ event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_read, audit_record
from casustafel.cases.selectors.cases import substituted_user_for
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meeting_types.guide_services import default_guide_spec, discussion_guide_install, published_version
from casustafel.meeting_types.models import (
    Capture,
    DiscussionGuide,
    GuidePart,
    GuidePhase,
    GuideQuestion,
    SafetyPhase,
)
from casustafel.meetings.discussion import services
from casustafel.meetings.discussion.blocks import Block, block_items, build_form, page_blocks, table_for
from casustafel.meetings.discussion.forms import AnswerForm, EntryForm, FactForm, ScoreForm
from casustafel.meetings.discussion.pdf import minutes_pdf_response
from casustafel.meetings.discussion.selectors import (
    LiveItem,
    get_live_item,
    get_live_meeting,
    get_minutes_item,
    get_minutes_meeting,
    live_agenda,
    live_item,
    minutes_document,
    part_attendance,
)
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemPart,
    AttendanceStatus,
    Discussion,
    DiscussionEntry,
    Invitation,
    SafetyScore,
)
from casustafel.meetings.selectors.meeting_types import get_meeting_type_for_admin
from casustafel.meetings.services.attendance import attendance_record


def _actor(request: AuthenticatedHttpRequest, item: AgendaItem) -> Actor:
    """The actor; house staff see every case in their own right, others may be substitutes."""
    if getattr(item, "recorder_is_staff", False):
        return Actor.from_request(request)
    return Actor.from_request(request, on_behalf_of=substituted_user_for(request.user, item.case))


def _item_url(item: AgendaItem, anchor: str = "") -> str:
    url = reverse("meetings:live_item", args=[item.meeting_id, item.pk])
    return f"{url}#{anchor}" if anchor else url


def _open(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> tuple[AgendaItem, Discussion]:
    item = get_live_item(request.user, meeting_pk, item_pk)
    return item, services.discussion_open(actor=_actor(request, item), item=item)


# --- The agenda and the item screen -------------------------------------------------------------


@require_GET
@login_required
def live_meeting(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    """The agenda as the chair runs it: each item with its time used against time planned."""
    meeting = get_live_meeting(request.user, meeting_pk)
    agenda = live_agenda(meeting)
    audit_record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        obj=meeting,
        changes={"case_ids": [None, [item.case_id for item, _used, _start in agenda]]},
    )
    return render(request, "meetings/live/meeting.html", {"meeting": meeting, "agenda": agenda})


def _render_item(
    request: AuthenticatedHttpRequest,
    item: AgendaItem,
    live: LiveItem,
    *,
    bound: Block | None = None,
    status: int = 200,
) -> HttpResponse:
    table = table_for(live)
    agenda = live_agenda(item.meeting)
    context = {
        "number": next(
            n for n, (agenda_item, _used, _start) in enumerate(agenda, start=1) if agenda_item.pk == item.pk
        ),
        "item": item,
        "meeting": item.meeting,
        "live": live,
        "parts": page_blocks(live, table, request.user, bound=bound),
        "other_phases": [
            (value, label)
            for value, label in SafetyPhase.choices
            if value != (live.guide_phase.safety_phase if live.guide_phase else "")
        ],
        "is_chair": request.user.pk == item.meeting.chair_id,
        "agenda": agenda,
        "attendance": part_attendance(live.part),
        "attendance_statuses": AttendanceStatus.choices,
        "approved": services.minutes_approved(item.meeting),
    }
    return render(request, "meetings/live/item.html", context, status=status)


@require_GET
@login_required
def live_item_page(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    """One item in live mode: the guide of the case's phase, every answer and entry of the part
    being recorded. Writes one READ audit event."""
    item, discussion = _open(request, meeting_pk, item_pk)
    live = live_item(request.user, item, discussion, wanted_phase=request.GET.get("fase", ""))
    audit_read(actor=_actor(request, item), obj=item.case, case_id=item.case_id)
    return _render_item(request, item, live)


@require_POST
@login_required
def live_timer(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    """Start, stop or resume the item's clock. With htmx only the clock comes back, so nothing
    typed elsewhere on the screen is lost."""
    item, discussion = _open(request, meeting_pk, item_pk)
    discussion = services.discussion_timer(
        actor=_actor(request, item), discussion=discussion, run=request.POST.get("run") == "1"
    )
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(_item_url(item))
    context = {
        "item": item,
        "meeting": item.meeting,
        "live": {"discussion": discussion, "elapsed": services.elapsed_seconds(discussion)},
        "approved": services.minutes_approved(item.meeting),
    }
    return render(request, "meetings/live/partials/timer.html", context)


@require_POST
@login_required
def live_part(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item, discussion = _open(request, meeting_pk, item_pk)
    part = get_object_or_404(AgendaItemPart, pk=request.POST.get("part") or 0, item=item)
    services.discussion_part_select(actor=_actor(request, item), discussion=discussion, part=part)
    return redirect(_item_url(item))


@require_POST
@login_required
def live_skip(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int, guide_part_pk: int) -> HttpResponse:
    item, discussion = _open(request, meeting_pk, item_pk)
    guide_part = get_object_or_404(GuidePart, pk=guide_part_pk, phase__version=discussion.guide_version_id or 0)
    services.part_skip(
        actor=_actor(request, item),
        discussion=discussion,
        guide_part=guide_part,
        skipped=request.POST.get("skip") == "1",
    )
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(_item_url(item, f"part-{guide_part.pk}"))
    # With htmx only this part (and its line in the side column) comes back: what is being
    # typed in the other parts stays.
    live = live_item(request.user, item, discussion, wanted_phase=guide_part.phase.safety_phase)
    part = next(p for p in page_blocks(live, table_for(live), request.user) if p.view.guide_part.pk == guide_part.pk)
    context = {
        "item": item,
        "meeting": item.meeting,
        "live": live,
        "part": part,
        "is_chair": True,
        "oob": True,
        "approved": False,
    }
    return render(request, "meetings/live/partials/part.html", context)


@require_POST
@login_required
def live_attendance(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    """Record who is at the part being discussed, per invited organisation."""
    item, discussion = _open(request, meeting_pk, item_pk)
    part = discussion.current_part or item.parts.order_by("position", "pk").first()
    invitation = get_object_or_404(Invitation, pk=request.POST.get("invitation") or 0, item=item)
    version = request.POST.get("version", "")
    error = ""
    try:
        attendance_record(
            actor=_actor(request, item),
            part=part,  # type: ignore[arg-type]
            invitation=invitation,
            status=request.POST.get("status", ""),
            expected_version=int(version) if version.isdigit() else None,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect(_item_url(item, "attendance"))
    context = {
        "item": item,
        "meeting": item.meeting,
        "attendance": part_attendance(part),  # type: ignore[arg-type]
        "attendance_statuses": AttendanceStatus.choices,
        "attendance_error": error,
        "approved": services.minutes_approved(item.meeting),
    }
    return render(request, "meetings/live/partials/attendance.html", context)


# --- Field-level saves --------------------------------------------------------------------------


def _question(discussion: Discussion, pk: Any) -> GuideQuestion:
    return get_object_or_404(
        GuideQuestion.objects.select_related("part"), pk=pk or 0, part__phase__version=discussion.guide_version_id or 0
    )


@require_POST
@login_required
def live_answer(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int, question_pk: int) -> HttpResponse:
    """Save one answer as typed. The htmx answer is the field's status line and its new
    version only; the textarea is never replaced. A conflict keeps the typed text in the field
    and shows the other version under it; autosave then waits until the user saves on purpose."""
    item = get_live_item(request.user, meeting_pk, item_pk, for_save=True)
    discussion = _discussion_of(item)
    # The service checks that the question belongs to the discussion's guide version.
    question = get_object_or_404(GuideQuestion.objects.select_related("part__phase"), pk=question_pk)
    part = discussion.current_part or item.parts.order_by("position", "pk").first()
    form = AnswerForm(request.POST, prefix=f"a{question.pk}")
    if not form.is_valid() or part is None:
        raise Http404
    expected = form.cleaned_data["version"]
    if request.POST.get("resolve") and request.POST.get("conflict_version", "").isdigit():
        expected = int(request.POST["conflict_version"])
    context: dict[str, Any] = {"question": question, "saved_at": None, "conflict": None, "other": None}
    try:
        answer = services.answer_save(
            actor=_actor(request, item),
            discussion=discussion,
            part=part,
            question=question,
            text=form.cleaned_data["text"],
            expected_version=expected,
        )
        context.update(saved_at=timezone.now(), version=answer.version)
    except ConflictError as exc:
        current = discussion.answers.filter(part=part, question=question).first()
        context.update(conflict=exc.message, other=current, version=None)
    except ValidationError as exc:
        context.update(error=" ".join(exc.messages), version=expected)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(_item_url(item, f"question-{question.pk}"))
    return render(request, "meetings/live/partials/answer_status.html", context)


def _discussion_of(item: AgendaItem) -> Discussion:
    try:
        return item.discussion
    except Discussion.DoesNotExist as exc:
        raise Http404 from exc


def _block_response(
    request: AuthenticatedHttpRequest,
    item: AgendaItem,
    discussion: Discussion,
    question: GuideQuestion,
    capture: str,
    form: Any,
) -> HttpResponse:
    """The block again: a fresh form after a save, the bound form with its errors otherwise."""
    live = live_item(request.user, item, discussion, wanted_phase=request.POST.get("fase", ""))
    table = table_for(live)
    view = next((q for p in live.guide_parts for q in p.questions if q.question.pk == question.pk), None)
    saved = form is None
    if saved:
        form = build_form(capture, question, live, table, user=request.user)
    block = Block(capture=capture, question=question, form=form, items=block_items(capture, view, live) if view else [])
    if not request.htmx:  # type: ignore[attr-defined]
        if saved:
            return redirect(_item_url(item, block.dom_id))
        return _render_item(request, item, live, bound=block)
    return render(
        request,
        "meetings/live/partials/block.html",
        {"block": block, "live": live, "item": item, "meeting": item.meeting, "saved": saved},
    )


def _capture_post(
    request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int
) -> tuple[AgendaItem, Discussion, GuideQuestion, str, AgendaItemPart]:
    item = get_live_item(request.user, meeting_pk, item_pk)
    discussion = _discussion_of(item)
    question = _question(discussion, request.POST.get("question"))
    capture = request.POST.get("capture", "")
    if capture not in question.captures:
        raise Http404
    part = discussion.current_part or item.parts.order_by("position", "pk").first()
    if part is None:
        raise Http404
    return item, discussion, question, capture, part


@require_POST
@login_required
def live_capture(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    """Add to one block: an entry, a score, a fact, a phase move, a bodemeis or an agreement."""
    item, discussion, question, capture, part = _capture_post(request, meeting_pk, item_pk)
    live = live_item(request.user, item, discussion)
    form = build_form(capture, question, live, table_for(live), data=request.POST, user=request.user)
    if not form.is_valid():
        return _block_response(request, item, discussion, question, capture, form)
    try:
        _save_capture(_actor(request, item), discussion, part, question, capture, form)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _block_response(request, item, discussion, question, capture, form)
    return _block_response(request, item, discussion, question, capture, None)


def _save_capture(
    actor: Actor, discussion: Discussion, part: AgendaItemPart, question: GuideQuestion, capture: str, form: Any
) -> None:
    data = form.cleaned_data
    common: dict[str, Any] = {"actor": actor, "discussion": discussion, "part": part}
    if isinstance(form, EntryForm):
        services.entry_add(**common, question=question, kind=form.entry_kind, **form.values())
    elif isinstance(form, ScoreForm):
        existing = SafetyScore.objects.filter(
            discussion=discussion, part=part, participant__iexact=(data["participant"] or "").strip()
        ).first()
        services.score_record(
            **common,
            participant=data["participant"] or "",
            organisation=data["organisation"],
            score=data["score"],
            justification=data["justification"] or "",
            expected_version=data["version"] if existing else None,
        )
    elif isinstance(form, FactForm):
        services.picture_fact_add(
            **common,
            organisation=data["organisation"],
            text=data["text"],
            source=data["source"] or "",
            provenance=form.provenance(),
            person=data.get("person"),
        )
    elif capture == Capture.PHASE:
        services.discussion_phase_move(**common, to_phase=data["to_phase"], reason=data["reason"] or "")
    elif capture == Capture.REQUIREMENTS:
        services.discussion_requirement_add(
            **common, what=data["what"] or "", monitor=data["monitor"], if_not_met=data["if_not_met"] or ""
        )
    elif capture == Capture.AGREEMENTS:
        services.discussion_agreement_add(
            **common,
            organisation=data["organisation"],
            owner=data["owner"],
            what=data["what"] or "",
            due_date=data["due_date"],
            due_time=data["due_time"],
            kind=data["kind"] or "",
            justification=data["justification"] or "",
        )


@require_POST
@login_required
def live_entry_remove(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int, entry_pk: int) -> HttpResponse:
    item = get_live_item(request.user, meeting_pk, item_pk)
    discussion = _discussion_of(item)
    entry = get_object_or_404(DiscussionEntry.objects.select_related("question"), pk=entry_pk, discussion=discussion)
    version = request.POST.get("version", "")
    services.entry_remove(
        actor=_actor(request, item), entry=entry, expected_version=int(version) if version.isdigit() else None
    )
    question = entry.question
    if question is None or not request.htmx:  # type: ignore[attr-defined]
        return redirect(_item_url(item))
    capture = next(c for c, k in _entry_captures() if k == entry.kind)
    return _block_response(request, item, discussion, question, capture, None)


def _entry_captures() -> list[tuple[str, str]]:
    from casustafel.meetings.discussion.blocks import ENTRY_CAPTURES

    return [(str(c), str(k)) for c, k in ENTRY_CAPTURES.items()]


# --- Minutes ------------------------------------------------------------------------------------


def _audit_minutes(
    request: AuthenticatedHttpRequest, obj: Any, case_ids: list[int], action: str = AuditAction.READ
) -> None:
    audit_record(
        actor=Actor.from_request(request),
        action=action,
        obj=obj,
        case_id=case_ids[0] if len(case_ids) == 1 else None,
        changes={"case_ids": [None, case_ids]},
    )


@require_GET
@login_required
def minutes_page(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    """The minutes of the meeting as the user may read them; other items as time slots."""
    meeting, readable = get_minutes_meeting(request.user, meeting_pk)
    document = minutes_document(request.user, meeting, readable)
    _audit_minutes(request, meeting, [entry.item.case_id for entry in document.items if entry.readable])
    return render(
        request,
        "meetings/minutes/meeting.html",
        {"document": document, "meeting": meeting, "is_chair": request.user.pk == meeting.chair_id},
    )


@require_GET
@login_required
def minutes_item_page(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item, readable = get_minutes_item(request.user, meeting_pk, item_pk)
    document = minutes_document(request.user, item.meeting, {item.pk: readable}, only_item=item.pk)
    audit_read(actor=_actor(request, item), obj=item.case, case_id=item.case_id)
    return render(request, "meetings/minutes/item.html", {"document": document, "meeting": item.meeting, "item": item})


@require_GET
@login_required
def minutes_pdf(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting, readable = get_minutes_meeting(request.user, meeting_pk)
    document = minutes_document(request.user, meeting, readable)
    _audit_minutes(request, meeting, [e.item.case_id for e in document.items if e.readable], AuditAction.EXPORT)
    return minutes_pdf_response(document, filename=f"verslag-overleg-{meeting.pk}.pdf")


@require_GET
@login_required
def minutes_item_pdf(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item, readable = get_minutes_item(request.user, meeting_pk, item_pk)
    document = minutes_document(request.user, item.meeting, {item.pk: readable}, only_item=item.pk)
    _audit_minutes(request, item, [item.case_id], AuditAction.EXPORT)
    return minutes_pdf_response(
        document, filename=f"verslag-overleg-{item.meeting_id}-punt-{document.items[0].number}.pdf"
    )


@require_POST
@login_required
def minutes_approve(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    """The chair approves the minutes; the readers get an in-app notice with the link."""
    meeting, _readable = get_minutes_meeting(request.user, meeting_pk)
    if request.user.pk != meeting.chair_id:
        raise PermissionDenied
    try:
        services.minutes_approve(actor=Actor.from_request(request), meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meetings:minutes", meeting.pk)


# --- The guide of a meeting type (administrators) ------------------------------------------------


@login_required
def meeting_type_guide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The discussion guide of a meeting type as the live meeting will show it; a type without
    one gets its default guide installed on request (POST)."""
    meeting_type = get_meeting_type_for_admin(request.user, pk)
    if request.method == "POST":
        discussion_guide_install(
            actor=Actor.from_request(request), meeting_type=meeting_type, spec=default_guide_spec(meeting_type)
        )
        messages.success(request, _("De gespreksleidraad is ingesteld."))
        return redirect("meetings:meeting_type_guide", meeting_type.pk)
    guide = DiscussionGuide.objects.filter(meeting_type=meeting_type).first()
    version = published_version(guide) if guide else None
    phases = (
        GuidePhase.objects.filter(version=version).prefetch_related("parts__questions").order_by("position", "pk")
        if version
        else []
    )
    return render(
        request,
        "meetings/guide.html",
        {
            "meeting_type": meeting_type,
            "guide": guide,
            "version": version,
            "phases": phases,
            "draft": guide.versions.filter(published_at__isnull=True).first() if guide else None,
        },
    )
