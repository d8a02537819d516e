"""The information page of a case (facts, concerns, attachments with their provenance), adding
and withdrawing items, and the permission-checked attachment download.

Every view starts from `get_case_for_user` (404 outside scope) and the viewer of
`casustafel.privacy.provenance.access`, which decides per item whether its content or only a notice is
shown. Attachments are only ever served here, as a download, and each download is audited; no
code path e-mails them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases.attachment_storage import allowed_types_text, download_name, max_bytes, open_stored
from casustafel.cases.forms.information import AttachmentForm, CaseFactForm
from casustafel.cases.models import Case, CaseStatus
from casustafel.cases.selectors.cases import get_case_for_user, substituted_user_for
from casustafel.cases.selectors.information import (
    case_information,
    case_persons,
    get_attachment_for_viewer,
    get_fact_for_viewer,
)
from casustafel.cases.services.information import (
    attachment_add,
    attachment_withdraw,
    case_fact_add,
    case_fact_withdraw,
)
from casustafel.lib.concurrency import posted_version
from casustafel.lib.forms import add_service_errors
from casustafel.privacy.provenance.access import CaseViewer, case_viewer
from casustafel.privacy.provenance.checks import contributable_labels, uncovered_warning


def _case_and_viewer(request: AuthenticatedHttpRequest, pk: int) -> tuple[Case, CaseViewer]:
    case = get_case_for_user(request.user, pk)
    viewer = case_viewer(request.user, case, acting=request.acting)
    if viewer is None:
        raise Http404
    return case, viewer


def _contributor(request: AuthenticatedHttpRequest, pk: int) -> tuple[Case, CaseViewer]:
    """The case and viewer for a write: 404 outside scope, 403 when the user sees the case but
    does not act for an organisation that may add to it."""
    case, viewer = _case_and_viewer(request, pk)
    if viewer.contributes_as is None or case.status != CaseStatus.ACTIVE:
        raise PermissionDenied
    return case, viewer


def _actor(request: AuthenticatedHttpRequest, case: Case) -> Actor:
    """The actor, with the absent colleague as `on_behalf_of` when the user sees the case
    only as a substitute (NEN 7513: on whose behalf)."""
    return Actor.from_request(request, on_behalf_of=substituted_user_for(request.user, case))


def _page_url(case: Case) -> str:
    return reverse("cases:case_information", args=[case.pk])


def _initial(viewer: CaseViewer) -> dict[str, Any]:
    return {"legal_basis": viewer.rules.legal_basis} if viewer.covered else {}


def _render(
    request: AuthenticatedHttpRequest,
    case: Case,
    viewer: CaseViewer,
    *,
    fact_form: CaseFactForm | None = None,
    attachment_form: AttachmentForm | None = None,
) -> HttpResponse:
    persons = case_persons(case)
    may_add = viewer.contributes_as is not None and case.status == CaseStatus.ACTIVE
    context = {
        "case": case,
        "viewer": viewer,
        "items": case_information(viewer),
        "may_add": may_add,
        "fact_form": fact_form or CaseFactForm(persons=persons, initial=_initial(viewer), prefix="fact"),
        "attachment_form": attachment_form
        or AttachmentForm(persons=persons, initial=_initial(viewer), prefix="attachment"),
        "contributable": contributable_labels(viewer.rules, viewer.contributes_as) if viewer.contributes_as else [],
        "uncovered_warning": uncovered_warning(),
        "allowed_types": allowed_types_text(),
        "max_bytes": max_bytes(),
    }
    audit_read(actor=_actor(request, case), obj=case, case_id=case.pk)
    return render(request, "cases/case_information.html", context)


@require_GET
@login_required
def case_information_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case's facts, concerns and attachments: content or a notice per item."""
    case, viewer = _case_and_viewer(request, pk)
    return _render(request, case, viewer)


def _added(request: AuthenticatedHttpRequest, viewer: CaseViewer, message: str) -> None:
    messages.success(request, message)
    if not viewer.covered:
        messages.warning(request, uncovered_warning())


@require_POST
@login_required
def case_fact_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case, viewer = _contributor(request, pk)
    form = CaseFactForm(request.POST, persons=case_persons(case), prefix="fact")
    if form.is_valid():
        try:
            case_fact_add(
                actor=Actor.from_request(request),
                case=case,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                person=form.cleaned_data["person"],
                provenance=form.provenance(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _added(request, viewer, _("De informatie is toegevoegd."))
            return redirect(f"{_page_url(case)}#information")
    return _render(request, case, viewer, fact_form=form)


@require_POST
@login_required
def attachment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case, viewer = _contributor(request, pk)
    form = AttachmentForm(request.POST, request.FILES, persons=case_persons(case), prefix="attachment")
    if form.is_valid():
        try:
            attachment_add(
                actor=Actor.from_request(request),
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                person=form.cleaned_data["person"],
                provenance=form.provenance(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _added(request, viewer, _("De bijlage is toegevoegd."))
            return redirect(f"{_page_url(case)}#information")
    return _render(request, case, viewer, attachment_form=form)


@require_GET
@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The file, for whoever sees the attachment in full; 404 for everyone else. Every download
    is one audit event."""
    case, viewer = _case_and_viewer(request, pk)
    attachment = get_attachment_for_viewer(viewer, attachment_pk)
    try:
        handle = open_stored(attachment.storage_name)
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_read(actor=_actor(request, case), obj=attachment, case_id=case.pk, person_id=attachment.person_id)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(attachment.original_filename, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def case_fact_withdraw_view(request: AuthenticatedHttpRequest, pk: int, fact_pk: int) -> HttpResponse:
    case, viewer = _case_and_viewer(request, pk)
    fact = get_fact_for_viewer(viewer, fact_pk)
    try:
        case_fact_withdraw(
            actor=Actor.from_request(request),
            fact=fact,
            expected_version=posted_version(request.POST.get("version")),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De informatie is ingetrokken."))
    return redirect(f"{_page_url(case)}#information")


@require_POST
@login_required
def attachment_withdraw_view(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    case, viewer = _case_and_viewer(request, pk)
    attachment = get_attachment_for_viewer(viewer, attachment_pk)
    try:
        attachment_withdraw(actor=Actor.from_request(request), attachment=attachment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De bijlage is ingetrokken."))
    return redirect(f"{_page_url(case)}#information")
