"""Triage pages: the list of referrals to weigh, the triage page of one referral (facts,
input checklist, deadlines, caseload, verdict per criterion, decision), the live evaluation of
the criteria tree, recording the first contact, and a past triage.

Process directors of the house weigh and decide; secretaries of the house read (403 on every
POST); everyone else, the referrer included, gets a 404. Every page view that shows the
referral writes exactly one READ audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases import criteria_logic
from casustafel.cases.defaults import LOCAL_HANDLING_CRITERIA, RIEC_CRITERIA
from casustafel.cases.forms.triage import FirstContactForm, TriageForm, criterion_rows, summarise, verdict_tally
from casustafel.cases.models import OPEN_REFERRAL_STATUSES, Case, Referral, Routing, Triage
from casustafel.cases.requirements import referral_checklist
from casustafel.cases.selectors.triage import (
    TRIAGE_LIST_STATES,
    can_decide,
    case_of,
    caseload_for,
    get_referral_for_triage,
    get_triage_of,
    house_members,
    meeting_types_of,
    open_triage_of,
    process_directors_of,
    referral_deadlines,
    team_named,
    team_search,
    tree_of,
    triage_houses,
    triage_list_for,
    triages_of,
    version_for_new_triage,
)
from casustafel.cases.services.triage import referral_record_first_contact, triage_decide, triage_save
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors, parse_id
from casustafel.meeting_types.models import CriteriaSetVersion, MeetingType, RequirementStage

LIST_PAGE_SIZE = 25


def _triage_url(referral_pk: int) -> str:
    return reverse("cases:triage_detail", args=[referral_pk])


def _chosen_meeting_type(request: AuthenticatedHttpRequest, referral: Referral) -> MeetingType | None:
    """The meeting type whose criteria a new triage uses: ?overlegtype= or the requested one."""
    pk = parse_id(request.GET.get("overlegtype"))
    return meeting_types_of(referral.house_id).filter(pk=pk).first() if pk is not None else None


def _build_form(
    referral: Referral,
    version: CriteriaSetVersion,
    leaves: list[criteria_logic.Node],
    *,
    data: Any = None,
    triage: Triage | None = None,
    user_pk: int | None = None,
) -> TriageForm:
    initial: dict[str, Any] = {
        "referral_version": referral.version,
        "triage": triage.pk if triage else None,
        "triage_version": triage.version if triage else None,
        "criteria_version": version.pk,
        "meeting_type": referral.meeting_type_id,
    }
    directors = process_directors_of(referral.house_id)
    if user_pk is not None and triage is None:
        initial["process_director"] = user_pk
    # Start from the stored weighing: the open triage, or else the last one on this version
    # (after 'meer informatie nodig' the weighing continues where it stopped).
    source = triage or next((t for t in triages_of(referral) if t.criteria_version_id == version.pk), None)
    if source is not None:
        initial["team_members"] = list(source.team_members.all())
        for row in source.verdicts.all():
            initial[f"verdict_{row.criterion_id}"] = row.verdict
            initial[f"reason_{row.criterion_id}"] = row.reason
    return TriageForm(
        data,
        initial=initial,
        leaves=leaves,
        team_choices=house_members(referral.house_id),
        meeting_types=meeting_types_of(referral.house_id),
        process_directors=directors,
    )


def _refresh_versions(form: TriageForm, referral: Referral, triage: Triage | None) -> None:
    """After a conflict, the user's input stays; the hidden versions move to what is stored
    now, so saving again (after looking at the new state) is a deliberate overwrite."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["referral_version"] = str(referral.version)
    data["triage"] = str(triage.pk) if triage else ""
    data["triage_version"] = str(triage.version) if triage else ""
    form.data = data


def render_triage_page(
    request: AuthenticatedHttpRequest,
    referral_pk: int,
    *,
    form: TriageForm | None = None,
    conflict: bool = False,
    first_contact_form: FirstContactForm | None = None,
    team_query: str = "",
) -> HttpResponse:
    """The triage page of a referral, with exactly one READ audit event."""
    referral = get_referral_for_triage(request.user, referral_pk)
    case = case_of(referral)
    audit_read(actor=Actor.from_request(request), obj=referral, case_id=case.pk if case else None)
    decide = can_decide(request.user, referral)
    is_open = referral.status in OPEN_REFERRAL_STATUSES
    history = triages_of(referral)
    context: dict[str, Any] = {
        "referral": referral,
        "case": case,
        "can_decide": decide,
        "is_open": is_open,
        "history": history,
        "conflict": conflict,
        "deadlines": referral_deadlines(referral),
        "caseload": caseload_for(referral.municipality),
        "checklist": referral_checklist(referral, RequirementStage.BEFORE_TRIAGE),
        "parties": list(referral.parties.all()),
        "questions": list(referral.information_requests.all()),
        "local_criteria": LOCAL_HANDLING_CRITERIA,
        "riec_criteria": RIEC_CRITERIA,
        "first_contact_form": first_contact_form or FirstContactForm(initial={"version": referral.version}),
        # Re-entry: the earlier episode, as far as the viewer may still see it (not once destroyed).
        "previous_episode": Case.objects.visible_to(request.user).filter(pk=referral.previous_case_id).first()
        if referral.previous_case_id
        else None,
    }
    if is_open:
        context.update(
            _open_context(request, referral, decide=decide, form=form, conflict=conflict, team_query=team_query)
        )
    elif history:
        context.update(_decided_context(referral, history[0]))
    return render(request, "cases/triage_detail.html", context)


def _open_context(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    *,
    decide: bool,
    form: TriageForm | None,
    conflict: bool,
    team_query: str = "",
) -> dict[str, Any]:
    """The weighing of an open referral: the form (process directors) or the stored verdicts
    (secretaries), on the open triage's version or the current one for a new triage."""
    triage = open_triage_of(referral)
    version = (
        triage.criteria_version if triage else version_for_new_triage(referral, _chosen_meeting_type(request, referral))
    )
    context: dict[str, Any] = {
        "triage": triage,
        "version": version,
        "meeting_types": meeting_types_of(referral.house_id),
    }
    if version is None:
        return context
    roots = tree_of(version)
    leaves = criteria_logic.leaves_of(roots)
    stored = {row.criterion_id: row for row in triage.verdicts.all()} if triage else {}
    stored_values: dict[int | str, str] = {key: row.verdict for key, row in stored.items()}
    if not decide:
        form = None
        values = stored_values
    else:
        if form is not None and [leaf.key for leaf in form.leaves] != [leaf.key for leaf in leaves]:
            # The weighing moved to other criteria than the page showed: start from what is stored.
            form = None
            context["criteria_changed"] = True
        form = form or _build_form(referral, version, leaves, triage=triage, user_pk=request.user.pk)
        if conflict:
            _refresh_versions(form, referral, triage)
        values = form.raw_verdicts() if form.is_bound else _initial_verdicts(form)
    evaluation = criteria_logic.evaluate_version(roots, version.combinator, values)
    if form is not None:
        context.update(_team_context(referral, form, team_query))
    context.update(
        {
            "tally": verdict_tally(leaves, values),
            "form": form,
            "rows": criterion_rows(evaluation, form=form, stored=stored),
            "evaluation": evaluation,
            "summary": summarise(evaluation),
            "stored_rows": (
                criterion_rows(criteria_logic.evaluate_version(roots, version.combinator, stored_values), stored=stored)
                if conflict and triage
                else None
            ),
        }
    )
    return context


def _team_ids(form: TriageForm) -> list[str]:
    if form.is_bound:
        return [str(pk) for pk in form.data.getlist(form.add_prefix("team_members"))]  # type: ignore[attr-defined]
    return [str(getattr(member, "pk", member)) for member in form.initial.get("team_members", [])]


def _team_context(referral: Referral, form: TriageForm, query: str) -> dict[str, Any]:
    """The triage team as the page shows it: the chosen members, and (after a search without
    JavaScript) the members found; never every member of the house."""
    chosen = _team_ids(form)
    return {
        "team_chosen": team_named(referral.house_id, chosen),
        "team_query": query,
        "team_results": team_search(referral.house_id, query, exclude=chosen) if query else None,
    }


def _initial_verdicts(form: TriageForm) -> dict[int | str, str]:
    return {leaf.key: form.initial.get(f"verdict_{leaf.key}", "") for leaf in form.leaves}


def _decided_context(referral: Referral, triage: Triage) -> dict[str, Any]:
    triage = get_triage_of(referral, triage.pk)
    roots = tree_of(triage.criteria_version)
    stored = {row.criterion_id: row for row in triage.verdicts.all()}
    evaluation = criteria_logic.evaluate_version(
        roots, triage.criteria_version.combinator, {key: row.verdict for key, row in stored.items()}
    )
    return {
        "decided": triage,
        "version": triage.criteria_version,
        "rows": criterion_rows(evaluation, stored=stored),
        "evaluation": evaluation,
        "summary": summarise(evaluation),
        "team": list(triage.team_members.all()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def triage_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return render_triage_page(request, pk)
    referral = get_referral_for_triage(request.user, pk)
    if not can_decide(request.user, referral):
        raise PermissionDenied
    version = get_object_or_404(
        CriteriaSetVersion, pk=_int(request.POST.get("criteria_version")), criteria_set__house=referral.house_id
    )
    form = _build_form(referral, version, criteria_logic.leaves_of(tree_of(version)), data=request.POST)
    if request.POST.get("action") == "search_team":
        # Without JavaScript the team search is a submit: the page again, nothing saved.
        return render_triage_page(request, pk, form=form, team_query=request.POST.get("team_q", "").strip()[:100])
    conflict = False
    if form.is_valid():
        data = form.cleaned_data
        triage = Triage.objects.filter(pk=data["triage"], referral=referral).first() if data["triage"] else None
        common = {
            "actor": Actor.from_request(request),
            "referral": referral,
            "expected_referral_version": data["referral_version"],
            "triage": triage,
            "expected_version": data["triage_version"],
            "criteria_version": version,
            "team_members": data["team_members"],
            "verdicts": form.verdicts(),
        }
        deciding = request.POST.get("action") == "decide"
        try:
            if deciding:
                saved = triage_decide(**common, **form.decision())
            else:
                triage_save(**common)
        except ConflictError as exc:
            form.add_error(None, exc)
            conflict = True
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if deciding:
                messages.success(
                    request,
                    _("Het besluit is vastgelegd: %(outcome)s. De aanmelder ziet de uitkomst en de reden.")
                    % {"outcome": Routing(saved.outcome).label},
                )
            else:
                messages.success(request, _("De weging is tussentijds opgeslagen."))
            return HttpResponseRedirect(_triage_url(referral.pk))
    return render_triage_page(request, pk, form=form, conflict=conflict)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@login_required
@require_POST
def triage_evaluate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The evaluation panel for the verdicts typed so far (htmx; nothing is saved)."""
    referral = get_referral_for_triage(request.user, pk)
    if not can_decide(request.user, referral):
        raise PermissionDenied
    version = get_object_or_404(
        CriteriaSetVersion, pk=_int(request.POST.get("criteria_version")), criteria_set__house=referral.house_id
    )
    roots = tree_of(version)
    leaves = criteria_logic.leaves_of(roots)
    form = _build_form(referral, version, leaves, data=request.POST)
    values = form.raw_verdicts()
    evaluation = criteria_logic.evaluate_version(roots, version.combinator, values)
    context = {
        "rows": criterion_rows(evaluation),
        "evaluation": evaluation,
        "summary": summarise(evaluation),
        "tally": verdict_tally(leaves, values),
        "live": True,
    }
    return render(request, "cases/partials/triage_evaluation.html", context)


@login_required
@require_GET
def triage_team_search(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Members of the house matching the typed name or organisation, for the triage team
    (htmx, as the process director types; the chosen ones are left out)."""
    referral = get_referral_for_triage(request.user, pk)
    if not can_decide(request.user, referral):
        raise PermissionDenied
    query = request.GET.get("team_q", "").strip()[:100]
    results = team_search(referral.house_id, query, exclude=request.GET.getlist("team_members"))
    return render(request, "cases/partials/triage_team_results.html", {"team_query": query, "team_results": results})


@login_required
@require_POST
def triage_first_contact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_triage(request.user, pk)
    if not can_decide(request.user, referral):
        raise PermissionDenied
    form = FirstContactForm(request.POST)
    if form.is_valid():
        try:
            referral_record_first_contact(
                actor=Actor.from_request(request),
                referral=referral,
                expected_version=form.cleaned_data["version"],
                at=form.cleaned_data["at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het eerste contact is vastgelegd."))
            return HttpResponseRedirect(_triage_url(referral.pk))
    return render_triage_page(request, pk, first_contact_form=form)


@login_required
@require_GET
def triage_record(request: AuthenticatedHttpRequest, pk: int, triage_pk: int) -> HttpResponse:
    """One triage as it was recorded, on the criteria version it was judged on."""
    referral = get_referral_for_triage(request.user, pk)
    triage = get_triage_of(referral, triage_pk)
    case = case_of(referral)
    audit_read(actor=Actor.from_request(request), obj=referral, case_id=case.pk if case else None)
    context = {"referral": referral, "case": case, **_decided_context(referral, triage)}
    return render(request, "cases/triage_record.html", context)


@login_required
@require_GET
def triage_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not triage_houses(request.user).exists():
        raise Http404
    state = request.GET.get("toon", "open")
    if state not in TRIAGE_LIST_STATES:
        state = "open"
    page = Paginator(triage_list_for(request.user, state=state), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(referral, referral_deadlines(referral)) for referral in page.object_list]
    return render(request, "cases/triage_list.html", {"page": page, "rows": rows, "state": state})
