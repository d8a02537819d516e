"""Case pages: 'Mijn casussen' (the cases the user may see), the case page (household,
referral, process director, involved organisations), and adding and ending an involvement.

Every case comes from `get_case_for_user` (404 outside need-to-know). Every response that shows
case content writes exactly one READ audit event with the case id; when the user sees the case
only as a substitute, the events record the absent colleague as `on_behalf_of`. Process
directors and secretaries of the house manage involvements; others who see the case get 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from django_htmx.http import HttpResponseClientRedirect

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_list, audit_read
from casustafel.cases.forms.cases import (
    CaseListFilterForm,
    InvolvementAddForm,
    InvolvementEndForm,
    InvolvementNamedForm,
)
from casustafel.cases.models import Case, CaseInvolvement
from casustafel.cases.selectors.cases import (
    CONTACT_SEARCH_LIMIT,
    can_manage_involvements,
    can_see_referral,
    case_list_for,
    get_case_for_user,
    get_involvement_of,
    has_case_role,
    involvement_contact_search,
    involvement_contacts,
    involvement_organisations,
    substituted_user_for,
)
from casustafel.cases.services.cases import case_involvement_add, case_involvement_end, case_involvement_name_people
from casustafel.lib.forms import add_service_errors
from casustafel.organisations.models import Membership, Role

LIST_PAGE_SIZE = 25


def case_actor(request: AuthenticatedHttpRequest, case: Case) -> Actor:
    """The actor for reads and writes on `case`, on behalf of the absent colleague when the
    user sees the case only through a substitution."""
    return Actor.from_request(request, on_behalf_of=substituted_user_for(request.user, case))


def _detail_url(case: Case, anchor: str = "") -> str:
    url = reverse("cases:case_detail", args=[case.pk])
    return f"{url}#{anchor}" if anchor else url


def _add_form(case: Case, data: Any = None) -> InvolvementAddForm:
    return InvolvementAddForm(
        data,
        organisations=involvement_organisations(case),
        contacts=involvement_contacts(case),
        contacts_url=reverse("cases:case_involvement_contacts", args=[case.pk]),
    )


def _contact_picker(case: Case, form: InvolvementAddForm) -> dict[str, Any]:
    """The contact field as the page shows it: the contact chosen and, after a search, the case
    workers of the chosen organisation found; never the organisation's staff as a list."""
    chosen = form.chosen_contact()
    query = form.contact_query()
    organisation = form.chosen_organisation_id()
    found = involvement_contact_search(case, organisation, query, exclude=chosen.pk if chosen else None)
    return {
        "chosen_contact": chosen,
        "contact_query": query,
        "contact_results": found if query else None,
        "contact_limit": CONTACT_SEARCH_LIMIT if len(found) >= CONTACT_SEARCH_LIMIT else None,
        "contact_organisation": organisation,
    }


@dataclass
class InvolvementRow:
    involvement: CaseInvolvement
    end_form: InvolvementEndForm | None
    named_form: InvolvementNamedForm | None


def _named_form(involvement: CaseInvolvement, members: list[Membership], data: Any = None) -> InvolvementNamedForm:
    own = [membership for membership in members if membership.organisation_id == involvement.organisation_id]
    initial = {"named_people": [person.pk for person in involvement.named_people.all()]}
    return InvolvementNamedForm(data, involvement_pk=involvement.pk, members=own, initial=initial)  # type: ignore[arg-type]


def _involvement_context(
    request: AuthenticatedHttpRequest,
    case: Case,
    *,
    add_form: InvolvementAddForm | None = None,
    end_form: InvolvementEndForm | None = None,
    named_form: InvolvementNamedForm | None = None,
) -> dict[str, Any]:
    manage = can_manage_involvements(request.user, case)
    prefetch_related_objects([case], "involvements__named_people")
    # Only the case workers of the organisations involved now: their named-people lists are
    # all the page shows of them (never the whole house).
    current = {involvement.organisation_id for involvement in case.involvements.all() if involvement.ended_at is None}
    members = list(involvement_contacts(case).filter(organisation__in=current)) if manage and current else []
    rows = []
    for involvement in case.involvements.all():
        end = named = None
        if end_form is not None and end_form.involvement_pk == involvement.pk:
            end = end_form  # with its errors, even if someone else ended it meanwhile
        elif manage and involvement.ended_at is None:
            end = InvolvementEndForm(involvement_pk=involvement.pk)
        if named_form is not None and named_form.involvement_pk == involvement.pk:
            named = named_form
        elif manage and involvement.ended_at is None:
            named = _named_form(involvement, members)
        rows.append(InvolvementRow(involvement, end, named))
    if manage:
        add_form = add_form or _add_form(case)
    return {
        "case": case,
        "involvement_rows": rows,
        "can_manage": manage,
        "add_form": add_form if manage else None,
        **(_contact_picker(case, add_form) if manage and add_form else {}),
    }


def render_case_page(request: AuthenticatedHttpRequest, case: Case, actor: Actor, **forms: Any) -> HttpResponse:
    """The case page (or, for htmx, the involvements fragment), with one READ audit event."""
    audit_read(actor=actor, obj=case, case_id=case.pk)
    context = _involvement_context(request, case, **forms)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/partials/case_involvements.html", context)
    context.update(
        {
            "parties": list(case.referral.parties.all()),
            "on_behalf_of": actor.on_behalf_of,
            "can_see_referral": can_see_referral(request.user, case),
            "is_case_staff": context["can_manage"],
        }
    )
    return render(request, "cases/case_detail.html", context)


def _audit_list(request: AuthenticatedHttpRequest, cases: list[Case]) -> None:
    """The list shows the subjects' names: one READ event linking every case and person shown."""
    audit_list(
        actor=Actor.from_request(request),
        case_ids=[case.pk for case in cases],
        person_ids=[party.person_id for case in cases for party in case.referral.subject_parties],  # type: ignore[attr-defined]
    )


@require_GET
@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_case_role(request.user):
        raise Http404
    data = request.GET.copy()
    data.setdefault("status", "active")  # active cases unless another status (or all: "") is chosen
    form = CaseListFilterForm(data)
    valid = form.is_valid()
    status = form.cleaned_data["status"] if valid else "active"
    directing = request.acting is not None and request.acting.role == Role.PROCESS_DIRECTOR
    own = directing and valid and form.cleaned_data["regie"] == "mij"
    cases = case_list_for(request.user, status=status)
    if own:  # narrows what the user sees anyway: the start page's "Mijn casussen", in full
        cases = cases.filter(process_director=request.user)
    page = Paginator(cases, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_list(request, list(page.object_list))
    query = f"status={status}" + ("&regie=mij" if own else "")
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "status": status, "query": query, "directing": directing},
    )


@require_GET
@login_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render_case_page(request, case, case_actor(request, case))


def _saved(request: AuthenticatedHttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(_detail_url(case))
    return HttpResponseRedirect(_detail_url(case, "section-involvements"))


@require_GET
@login_required
def involvement_contacts_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The contact field (htmx): renewed when an organisation is chosen, or only the people
    found as the user types in its search (the search targets `#contact-results`)."""
    case = get_case_for_user(request.user, pk)
    if not can_manage_involvements(request.user, case):
        raise PermissionDenied
    form = _add_form(case, request.GET)
    context = {"add_form": form, "case": case, **_contact_picker(case, form)}
    if request.htmx.target == "contact-results":  # type: ignore[attr-defined]
        return render(request, "cases/partials/case_involvement_contact_results.html", context)
    return render(request, "cases/partials/case_involvement_contact.html", context)


@require_POST
@login_required
def involvement_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if not can_manage_involvements(request.user, case):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = _add_form(case, request.POST)
    if request.POST.get("action") == "contacts":
        # Without JavaScript the contact search is a submit: the page again, nothing saved.
        return render_case_page(request, case, actor, add_form=form)
    if form.is_valid():
        try:
            involvement = case_involvement_add(
                actor=actor,
                case=case,
                organisation=form.cleaned_data["organisation"],
                reason=form.cleaned_data["reason"],
                contact=form.contact_user(),
                started_at=form.started_moment(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            name = involvement.organisation.name
            return _saved(request, case, _("%(name)s is betrokken bij de casus.") % {"name": name})
    return render_case_page(request, case, actor, add_form=form)


@require_POST
@login_required
def involvement_name_people(request: AuthenticatedHttpRequest, pk: int, involvement_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    involvement = get_involvement_of(case, involvement_pk)
    if not can_manage_involvements(request.user, case):
        raise PermissionDenied
    actor = case_actor(request, case)
    members = list(involvement_contacts(case).filter(organisation=involvement.organisation_id))
    form = _named_form(involvement, members, request.POST)
    if form.is_valid():
        try:
            case_involvement_name_people(actor=actor, involvement=involvement, named_people=form.named_users())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            name = involvement.organisation.name
            return _saved(request, case, _("De genoemde medewerkers van %(name)s zijn opgeslagen.") % {"name": name})
    return render_case_page(request, case, actor, named_form=form)


@require_POST
@login_required
def involvement_end(request: AuthenticatedHttpRequest, pk: int, involvement_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    involvement = get_involvement_of(case, involvement_pk)
    if not can_manage_involvements(request.user, case):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = InvolvementEndForm(request.POST, involvement_pk=involvement.pk)
    if form.is_valid():
        try:
            case_involvement_end(
                actor=actor,
                involvement=involvement,
                end_reason=form.cleaned_data["end_reason"],
                ended_at=form.ended_moment(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            name = involvement.organisation.name
            return _saved(request, case, _("De betrokkenheid van %(name)s is beëindigd.") % {"name": name})
    return render_case_page(request, case, actor, end_form=form)
