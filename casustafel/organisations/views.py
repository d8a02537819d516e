"""Administration of organisations, users and memberships, and everyone's substitutions.

The administration pages exist only for administrators: anyone else gets a 404, and an
administrator of another house gets a 404 for this house's organisations, users and
memberships. Substitutions are for every user with an active membership.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.organisations import services
from casustafel.organisations.forms import (
    InitialPasswordForm,
    MembershipEditForm,
    MembershipEndForm,
    MembershipForm,
    MfaResetForm,
    OrganisationForm,
    SectorFilterForm,
    SubstitutionForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
    with_version,
)
from casustafel.organisations.models import Organisation, Sector
from casustafel.organisations.selectors import (
    absent_memberships_for,
    get_membership_for_user,
    get_organisation_for_user,
    get_substitution_for_user,
    get_user_for_user,
    has_mfa,
    houses_administered_by,
    login_lockout_of,
    memberships_managed_of,
    organisation_memberships,
    organisations_for_admin,
    require_administrator,
    substitute_candidates_for,
    substitutions_for,
    substitutions_of,
    users_for_admin,
)

USERS_PER_PAGE = 25
PAST_SUBSTITUTIONS_SHOWN = 20


def _posted(request: AuthenticatedHttpRequest) -> QueryDict | None:
    """The submitted data on POST, even when empty (an unticked confirmation still gets its
    error message), None otherwise."""
    return request.POST if request.method == "POST" else None


# --- Organisations -------------------------------------------------------------------------


@require_GET
@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_administrator(request.user)
    filters = SectorFilterForm(request.GET or None)
    sector = filters.cleaned_data["sector"] if filters.is_valid() else ""
    organisations = list(organisations_for_admin(request.user, sector=sector))
    groups = [
        (label, [o for o in organisations if o.sector == value])
        for value, label in Sector.choices
        if any(o.sector == value for o in organisations)
    ]
    return render(
        request,
        "organisations/organisation_list.html",
        {"groups": groups, "filters": filters, "total": len(organisations)},
    )


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_administrator(request.user)
    houses = houses_administered_by(request.user)
    form = OrganisationForm(_posted(request), houses=houses)
    if request.method == "POST" and form.is_valid():
        house = form.cleaned_data.get("house") or houses.get()
        try:
            organisation = services.organisation_create(actor=Actor.from_request(request), house=house, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De organisatie is toegevoegd."))
            return redirect("organisations:organisation_detail", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": None})


@require_GET
@login_required
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    today = timezone.localdate()
    memberships = list(organisation_memberships(organisation))
    context = {
        "organisation": organisation,
        "current": [m for m in memberships if m.end_date is None or m.end_date >= today],
        "past": [m for m in memberships if m.end_date is not None and m.end_date < today],
        "today": today,
    }
    return render(request, "organisations/organisation_detail.html", context)


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    form = OrganisationForm.for_organisation(organisation, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=Actor.from_request(request),
                organisation=organisation,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError as exc:
            stored = get_organisation_for_user(request.user, pk)
            form = _conflict_form(OrganisationForm.for_organisation, stored, request.POST, exc)
            return _render_form(request, "organisation_form", form, organisation=stored, conflict=True)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De organisatie is opgeslagen."))
            return redirect("organisations:organisation_detail", pk=pk)
    return _render_form(request, "organisation_form", form, organisation=organisation)


# --- Users -------------------------------------------------------------------------------


@require_GET
@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_administrator(request.user)
    filters = UserFilterForm(request.GET or None, organisations=Organisation.objects.manageable_by(request.user))
    criteria: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    users = users_for_admin(
        request.user,
        query=criteria.get("q", ""),
        organisation=criteria.get("organisation"),
        role=criteria.get("role", ""),
    )
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "filtered": any(criteria.values()),
        "today": timezone.localdate(),
    }
    return render(request, "organisations/user_list.html", context)


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_administrator(request.user)
    organisations = Organisation.objects.manageable_by(request.user).filter(is_active=True)
    form = UserCreateForm(_posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=Actor.from_request(request), **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if user.has_usable_password():
                messages.success(request, _("De gebruiker is aangemaakt met het eerste wachtwoord dat u invulde."))
            else:
                messages.warning(
                    request,
                    _(
                        "De gebruiker is aangemaakt, maar kan nog niet inloggen: stel hieronder een eerste wachtwoord in."
                    ),
                )
            return redirect("organisations:user_detail", pk=user.pk)
    return render(request, "organisations/user_form.html", {"form": form, "managed_user": None})


@require_GET
@login_required
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed = get_user_for_user(request.user, pk)
    today = timezone.localdate()
    memberships = list(memberships_managed_of(request.user, managed))
    context = {
        "managed_user": managed,
        "current": [m for m in memberships if m.end_date is None or m.end_date >= today],
        "past": [m for m in memberships if m.end_date is not None and m.end_date < today],
        "has_mfa": has_mfa(managed),
        "lockout": login_lockout_of(managed),
        "substitutions": substitutions_of(request.user, managed)[:PAST_SUBSTITUTIONS_SHOWN],
        "now": timezone.now(),
        "today": today,
    }
    return render(request, "organisations/user_detail.html", context)


@login_required
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed = get_user_for_user(request.user, pk)
    form = UserForm.for_user(managed, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=Actor.from_request(request),
                user=managed,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError as exc:
            stored = get_user_for_user(request.user, pk)
            form = _conflict_form(UserForm.for_user, stored, request.POST, exc)
            return _render_form(request, "user_form", form, managed_user=stored, conflict=True)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De gegevens van de gebruiker zijn opgeslagen."))
            return redirect("organisations:user_detail", pk=pk)
    return _render_form(request, "user_form", form, managed_user=managed)


@login_required
def user_set_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed = get_user_for_user(request.user, pk)
    if managed.has_usable_password():
        # Only a first password is set here; the page does not exist once the user has one.
        raise Http404
    form = InitialPasswordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_initial_password(
                actor=Actor.from_request(request), user=managed, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Het eerste wachtwoord is ingesteld. Geef het persoonlijk of telefonisch door.")
            )
            return redirect("organisations:user_detail", pk=pk)
    return render(request, "organisations/user_password.html", {"form": form, "managed_user": managed})


@login_required
def user_reset_mfa(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed = get_user_for_user(request.user, pk)
    form = MfaResetForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.user_reset_mfa(actor=Actor.from_request(request), user=managed)
        messages.success(
            request, _("De tweede factor is gewist. Bij de volgende keer inloggen stelt de gebruiker een nieuwe in.")
        )
        return redirect("organisations:user_detail", pk=pk)
    context = {"form": form, "managed_user": managed, "has_mfa": has_mfa(managed)}
    return render(request, "organisations/user_reset_mfa.html", context)


@require_POST
@login_required
def user_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed = get_user_for_user(request.user, pk)
    removed = services.user_unlock(actor=Actor.from_request(request), user=managed)
    if removed:
        messages.success(request, _("De blokkade is opgeheven. De gebruiker kan direct weer inloggen."))
    else:
        messages.info(request, _("Dit account was niet geblokkeerd."))
    return redirect("organisations:user_detail", pk=pk)


# --- Memberships -------------------------------------------------------------------------


@login_required
def membership_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    managed = get_user_for_user(request.user, pk)
    organisations = Organisation.objects.manageable_by(request.user).filter(is_active=True)
    form = MembershipForm(_posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_create(actor=Actor.from_request(request), user=managed, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het lidmaatschap is toegevoegd."))
            return redirect("organisations:user_detail", pk=pk)
    return render(request, "organisations/membership_form.html", {"form": form, "managed_user": managed})


@login_required
def membership_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    form = MembershipEditForm.for_membership(membership, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                actor=Actor.from_request(request),
                membership=membership,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError as exc:
            stored = get_membership_for_user(request.user, pk)
            form = _conflict_form(MembershipEditForm.for_membership, stored, request.POST, exc)
            return _membership_form(request, form, stored, conflict=True)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het lidmaatschap is opgeslagen."))
            return redirect("organisations:user_detail", pk=membership.user_id)
    return _membership_form(request, form, membership)


@login_required
def membership_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    form = MembershipEndForm.for_membership(membership, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                actor=Actor.from_request(request),
                membership=membership,
                expected_version=form.cleaned_data["version"],
                end_date=form.cleaned_data["end_date"],
            )
        except ConflictError as exc:
            membership = get_membership_for_user(request.user, pk)
            form = _conflict_form(MembershipEndForm.for_membership, membership, request.POST, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het lidmaatschap is beëindigd."))
            return redirect("organisations:user_detail", pk=membership.user_id)
    context = {"form": form, "membership": membership, "managed_user": membership.user}
    return render(request, "organisations/membership_end.html", context)


def _membership_form(
    request: AuthenticatedHttpRequest, form: MembershipEditForm, membership: Any, *, conflict: bool = False
) -> HttpResponse:
    context = {"form": form, "membership": membership, "managed_user": membership.user, "conflict": conflict}
    return render(request, "organisations/membership_form.html", context)


def _conflict_form(factory: Any, stored: Any, data: Any, exc: ConflictError) -> Any:
    """The user's input again, now carrying the stored version, with the conflict message."""
    form = factory(stored, with_version(data, stored.version))
    form.is_valid()
    add_service_errors(form, exc)
    return form


def _render_form(request: AuthenticatedHttpRequest, name: str, form: Any, **context: Any) -> HttpResponse:
    return render(request, f"organisations/{name}.html", {"form": form, **context})


# --- Substitutions -----------------------------------------------------------------------


def _require_membership(request: AuthenticatedHttpRequest) -> None:
    """Substitutions are recorded per membership: without an active one there is nothing here."""
    if request.acting is None:
        raise Http404


@require_GET
@login_required
def substitution_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_membership(request)
    now = timezone.now()
    substitutions = substitutions_for(request.user)
    context = {
        "open": substitutions.filter(revoked_at__isnull=True, ends_at__gt=now).order_by("starts_at", "pk"),
        "closed": substitutions.exclude(revoked_at__isnull=True, ends_at__gt=now).order_by("-ends_at", "-pk")[
            :PAST_SUBSTITUTIONS_SHOWN
        ],
        "now": now,
    }
    return render(request, "organisations/substitution_list.html", context)


@login_required
def substitution_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_membership(request)
    form = SubstitutionForm(
        _posted(request),
        memberships=absent_memberships_for(request.user),
        candidates=substitute_candidates_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.substitution_create(actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De vervanging is vastgelegd."))
            return redirect("organisations:substitution_list")
    return render(request, "organisations/substitution_form.html", {"form": form})


@require_POST
@login_required
def substitution_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    substitution = get_substitution_for_user(request.user, pk)
    try:
        services.substitution_revoke(actor=Actor.from_request(request), substitution=substitution)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De vervanging is ingetrokken."))
    return redirect("organisations:substitution_list")
