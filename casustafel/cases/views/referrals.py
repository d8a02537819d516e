"""Referral pages: the list, starting a draft, the referral page with one form per section,
submitting, answering the house's questions, and a person in the context of a referral.

Every section posts to its own URL. Without JavaScript the whole page comes back (with the
errors next to the fields and what was typed kept); with htmx only the section is swapped, and
a successful save answers with HX-Redirect so every form on the page carries the new version.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from django_htmx.http import HttpResponseClientRedirect

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases.forms.referrals import (
    InformationAnswerForm,
    PartyForm,
    PriorActionForm,
    ProblemForm,
    ReferralConcernForm,
    ReferralGeneralForm,
    ReferralStartForm,
    ReferralTermForm,
    SubmitForm,
)
from casustafel.cases.models import Case, Referral, ReferralStatus
from casustafel.cases.requirements import referral_checklist
from casustafel.cases.selectors.persons import get_party_for_user, person_bsn_masked
from casustafel.cases.selectors.referrals import (
    can_edit_referral,
    can_refer,
    current_criteria,
    get_referral_for_user,
    is_referral_writer,
    latest_decision,
    referral_list_for,
)
from casustafel.cases.services.persons import case_party_add_person, case_party_check_known, case_party_remove
from casustafel.cases.services.referrals import (
    information_request_answer,
    life_domain_problem_add,
    life_domain_problem_remove,
    prior_action_add,
    prior_action_remove,
    referral_start,
    referral_submit,
    referral_update,
    submit_blockers,
)
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meeting_types.models import RequirementStage
from casustafel.organisations.models import Role

LIST_PAGE_SIZE = 25


def _case_id(referral: Referral) -> int | None:
    try:
        return referral.case.pk
    except Case.DoesNotExist:
        return None


def _detail_url(referral_pk: int, anchor: str = "") -> str:
    url = reverse("cases:referral_detail", args=[referral_pk])
    return f"{url}#{anchor}" if anchor else url


def _saved(request: AuthenticatedHttpRequest, referral_pk: int, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    if request.htmx:  # type: ignore[attr-defined]
        # Without a fragment: a URL that differs from the current one only by its fragment
        # would merely scroll, and every form on the page must be reloaded with the new version.
        return HttpResponseClientRedirect(_detail_url(referral_pk))
    return HttpResponseRedirect(_detail_url(referral_pk, anchor))


def _referral_for_edit(request: AuthenticatedHttpRequest, pk: int) -> Referral:
    """The referral if the user may change its facts: 404 when they cannot see it, 403 when
    they can see it but are not a writer or it is no longer a draft."""
    referral = get_object_or_404(Referral.objects.visible_to(request.user).select_related("house"), pk=pk)
    if not can_edit_referral(request.user, referral):
        raise PermissionDenied
    return referral


def _edit_forms(referral: Referral) -> dict[str, forms.Form]:
    return {
        "general": ReferralGeneralForm.for_referral(referral),
        "concern": ReferralConcernForm.for_referral(referral),
        "term": ReferralTermForm.for_referral(referral),
        "party": PartyForm(prefix="party"),
        "problem": ProblemForm(prefix="problem", referral=referral),
        "action": PriorActionForm(prefix="action"),
        "submit": SubmitForm(prefix="submit", initial={"version": referral.version}),
    }


def _shows_triage_link(request: AuthenticatedHttpRequest, referral: Referral) -> bool:
    """House staff who triage get a way from the facts to the weighing (which lives apart)."""
    acting = request.acting
    return (
        referral.status != ReferralStatus.DRAFT
        and acting is not None
        and acting.role in (Role.PROCESS_DIRECTOR, Role.SECRETARY)
        and acting.organisation.house_id == referral.house_id
    )


def render_referral_page(
    request: AuthenticatedHttpRequest,
    referral_pk: int,
    *,
    section: str = "",
    bound: dict[str, forms.Form] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The referral page (or, for htmx, one section of it), with one READ audit event.

    Args:
        section: the section a POST came from; htmx requests get only that partial.
        bound: forms to show instead of fresh ones (with the user's input and errors).
        extra: further context (matching proposals, section errors).
    """
    referral = get_referral_for_user(request.user, referral_pk)
    audit_read(actor=Actor.from_request(request), obj=referral, case_id=_case_id(referral))
    writer = is_referral_writer(request.user, referral)
    editable = writer and referral.status == ReferralStatus.DRAFT
    page_forms: dict[str, forms.Form] = _edit_forms(referral) if editable else {}
    for key, form in (bound or {}).items():
        page_forms[key] = form
    questions = list(referral.information_requests.all())
    answer_forms = {
        question.pk: page_forms.get(f"q{question.pk}") or InformationAnswerForm(prefix=f"q{question.pk}")
        for question in questions
        if question.answered_at is None and writer
    }
    before_triage = referral_checklist(referral, RequirementStage.BEFORE_TRIAGE)
    context: dict[str, Any] = {
        "referral": referral,
        "can_edit": editable,
        "is_writer": writer,
        "forms": page_forms,
        "questions": [(question, answer_forms.get(question.pk)) for question in questions],
        "checklist_before_triage": before_triage,
        "missing_before_triage": [item for item in before_triage if not item.met],
        "checklist_before_agenda": referral_checklist(referral, RequirementStage.BEFORE_AGENDA),
        "submit_blockers": submit_blockers(referral) if editable else [],
        "criteria": current_criteria(referral.meeting_type),
        "decision": latest_decision(referral),
        "parties": [(party, person_bsn_masked(party.person)) for party in referral.parties.all()],
        "matches": [],
        "section_errors": {},
        "conflict_section": "",
        "triage_link": _shows_triage_link(request, referral),
        **(extra or {}),
    }
    template = "cases/referral_detail.html"
    if section and request.htmx:  # type: ignore[attr-defined]
        template = f"cases/partials/referral_section_{section}.html"
    return render(request, template, context)


@require_GET
@login_required
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    page = Paginator(referral_list_for(request.user, status=status), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": ReferralStatus.choices,
        "can_refer": can_refer(request.acting),
    }
    return render(request, "cases/referral_list.html", context)


@login_required
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = request.acting
    if not can_refer(membership):
        raise PermissionDenied
    assert membership is not None
    form = ReferralStartForm(request.POST if request.method == "POST" else None, house=membership.organisation.house)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_start(actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De concept-aanmelding is aangemaakt. Vul de onderdelen in en dien haar in."))
            return redirect("cases:referral_detail", pk=referral.pk)
    return render(request, "cases/referral_create.html", {"form": form})


@require_GET
@login_required
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render_referral_page(request, pk)


def _section_update(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    section: str,
    form_class: type[ReferralGeneralForm | ReferralConcernForm | ReferralTermForm],
    message: str,
) -> HttpResponse:
    """Save one field section of a draft; on a conflict keep the user's text and show it
    against the newly saved values, with the new version so a second save is deliberate."""
    referral = _referral_for_edit(request, pk)
    kwargs: dict[str, Any] = {"house": referral.house} if form_class is ReferralGeneralForm else {}
    form = form_class(request.POST, prefix=section, **kwargs)
    conflict = False
    if form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            referral_update(
                actor=Actor.from_request(request),
                referral=referral,
                expected_version=form.cleaned_data["version"],
                **values,
            )
        except ConflictError as exc:
            conflict = True
            data = request.POST.copy()
            data[f"{section}-version"] = str(Referral.objects.values_list("version", flat=True).get(pk=pk))
            form = form_class(data, prefix=section, **kwargs)
            form.is_valid()
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, pk, message, anchor=f"section-{section}")
    return render_referral_page(
        request, pk, section=section, bound={section: form}, extra={"conflict_section": section if conflict else ""}
    )


@require_POST
@login_required
def referral_general_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _section_update(
        request, pk, section="general", form_class=ReferralGeneralForm, message=_("De gegevens zijn opgeslagen.")
    )


@require_POST
@login_required
def referral_concern_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _section_update(
        request,
        pk,
        section="concern",
        form_class=ReferralConcernForm,
        message=_("De omschrijving van de zorg is opgeslagen."),
    )


@require_POST
@login_required
def referral_term_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _section_update(
        request,
        pk,
        section="term",
        form_class=ReferralTermForm,
        message=_("De reactietermijn en de toestemming zijn opgeslagen."),
    )


@require_POST
@login_required
def party_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a person: the first post proposes matching persons; the second confirms one of
    them or registers a new person."""
    referral = _referral_for_edit(request, pk)
    form = PartyForm(request.POST, prefix="party")
    matches: list[Any] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcome = case_party_add_person(
                actor=Actor.from_request(request),
                referral=referral,
                given_names=data["given_names"],
                surname_prefix=data["surname_prefix"],
                surname=data["surname"],
                date_of_birth=data["date_of_birth"],
                bsn=data["bsn"],
                role=data["role"],
                note=data["note"],
                chosen_person_id=data["person"],
                register_new=data["register_new"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if outcome.party is not None:
                name = outcome.party.person.full_name
                return _saved(
                    request, pk, _("%(name)s is toegevoegd.") % {"name": name}, anchor=f"party-{outcome.party.pk}"
                )
            matches = outcome.matches
    return render_referral_page(request, pk, section="parties", bound={"party": form}, extra={"matches": matches})


@require_POST
@login_required
def party_remove(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    party = get_object_or_404(referral.parties.select_related("person", "referral"), pk=party_pk)
    try:
        case_party_remove(actor=Actor.from_request(request), party=party)
    except ValidationError as exc:
        return render_referral_page(request, pk, section="parties", extra={"section_errors": {"parties": exc.messages}})
    return _saved(request, pk, _("De persoon is uit de aanmelding verwijderd."), anchor="section-parties")


@require_POST
@login_required
def party_check_known(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """Run the check op bekendheid again (the referrer or ambassador, in any status)."""
    party = get_party_for_user(request.user, pk, party_pk)
    if not is_referral_writer(request.user, party.referral):
        raise PermissionDenied
    result = case_party_check_known(actor=Actor.from_request(request), party=party)
    if result.known:
        messages.info(
            request, _("Check op bekendheid gedaan: deze persoon is bekend. Neem contact op (zie hieronder).")
        )
    else:
        messages.info(
            request, _("Check op bekendheid gedaan: deze persoon is niet bekend in een andere actieve casus.")
        )
    return redirect("cases:party_detail", pk=pk, party_pk=party_pk)


@require_POST
@login_required
def problem_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    form = ProblemForm(request.POST, prefix="problem", referral=referral)
    if form.is_valid():
        try:
            life_domain_problem_add(actor=Actor.from_request(request), referral=referral, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, pk, _("Het probleem is toegevoegd."), anchor="section-problems")
    return render_referral_page(request, pk, section="problems", bound={"problem": form})


@require_POST
@login_required
def problem_remove(request: AuthenticatedHttpRequest, pk: int, problem_pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    problem = get_object_or_404(referral.problems.select_related("referral"), pk=problem_pk)
    life_domain_problem_remove(actor=Actor.from_request(request), problem=problem)
    return _saved(request, pk, _("Het probleem is verwijderd."), anchor="section-problems")


@require_POST
@login_required
def prior_action_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    form = PriorActionForm(request.POST, prefix="action")
    if form.is_valid():
        try:
            prior_action_add(actor=Actor.from_request(request), referral=referral, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, pk, _("De eerdere aanpak is toegevoegd."), anchor="section-actions")
    return render_referral_page(request, pk, section="actions", bound={"action": form})


@require_POST
@login_required
def prior_action_remove_view(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    action = get_object_or_404(referral.prior_actions.select_related("referral"), pk=action_pk)
    prior_action_remove(actor=Actor.from_request(request), action=action)
    return _saved(request, pk, _("De eerdere aanpak is verwijderd."), anchor="section-actions")


@require_POST
@login_required
def referral_submit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    form = SubmitForm(request.POST, prefix="submit")
    if form.is_valid():
        try:
            submitted = referral_submit(
                actor=Actor.from_request(request), referral=referral, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            due = submitted.first_contact_due_at
            message = _("Uw aanmelding is ingediend. Het huis neemt uiterlijk %(due)s contact met u op.") % {
                "due": formats.date_format(due, "j F Y H:i") if due else ""
            }
            return _saved(request, pk, message)
    return render_referral_page(request, pk, section="submit", bound={"submit": form})


@require_POST
@login_required
def information_answer(request: AuthenticatedHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    question = get_object_or_404(referral.information_requests.all(), pk=question_pk)
    if not is_referral_writer(request.user, referral):
        raise PermissionDenied
    prefix = f"q{question.pk}"
    form = InformationAnswerForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            information_request_answer(
                actor=Actor.from_request(request), request=question, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, pk, _("Uw antwoord is verstuurd naar het huis."), anchor="section-questions")
    return render_referral_page(request, pk, section="questions", bound={prefix: form})


@require_GET
@login_required
def party_detail(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """A person as party to a referral the user can see: the only place a referral user sees
    a person's details."""
    party = get_party_for_user(request.user, pk, party_pk)
    referral = party.referral
    audit_read(
        actor=Actor.from_request(request), obj=party.person, case_id=_case_id(referral), person_id=party.person_id
    )
    context = {
        "referral": referral,
        "party": party,
        "person": party.person,
        "bsn_masked": person_bsn_masked(party.person),
        "problems": [problem for problem in referral.problems.all() if problem.person_id == party.person_id],
        "is_writer": is_referral_writer(request.user, referral),
    }
    return render(request, "cases/person_detail.html", context)
