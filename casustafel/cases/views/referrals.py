"""Referral pages: the list, starting a draft, the referral page with one form per section,
submitting or deleting a draft, answering the house's questions, and a person in the context of
a referral.

Every section posts to its own URL. Without JavaScript the whole page comes back (with the
errors next to the fields and what was typed kept). With htmx only the part that was saved is
swapped, never the page: what was typed in other sections stays where it is. The parts of the
page a save changes elsewhere (the version other forms carry, "Laatst gewijzigd", the
checklist, the submit section, the persons a problem can be about) come along out of band
(`cases/partials/referral_oob.html`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from django_htmx.http import HttpResponseClientRedirect

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_list, audit_read
from casustafel.cases.forms.referrals import (
    DeleteDraftForm,
    InformationAnswerForm,
    PartyEditForm,
    PartyForm,
    PriorActionForm,
    ProblemForm,
    ReferralConcernForm,
    ReferralGeneralForm,
    ReferralStartForm,
    ReferralTermForm,
    SubmitForm,
)
from casustafel.cases.models import Case, CaseParty, Referral, ReferralStatus
from casustafel.cases.requirements import referral_checklist
from casustafel.cases.selectors.persons import (
    get_party_for_user,
    party_details_editable,
    person_bsn_masked,
    persons_editable_in,
)
from casustafel.cases.selectors.referrals import (
    can_edit_referral,
    can_refer,
    current_criteria,
    get_referral_for_user,
    is_referral_writer,
    latest_decision,
    referral_list_for,
)
from casustafel.cases.services.persons import (
    PersonDetails,
    case_party_add_person,
    case_party_check_known,
    case_party_remove,
    case_party_update,
)
from casustafel.cases.services.referrals import (
    information_request_answer,
    life_domain_problem_add,
    life_domain_problem_remove,
    prior_action_add,
    prior_action_remove,
    referral_draft_delete,
    referral_start,
    referral_submit,
    referral_update,
    submit_blockers,
)
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meeting_types.models import RequirementStage
from casustafel.organisations.models import Role
from casustafel.privacy.subject_access.restrictions import restricted_person_ids

LIST_PAGE_SIZE = 25

# The field sections of a draft; each carries the referral's version.
VERSIONED_SECTIONS = ("general", "concern", "term")


@dataclass
class PartyRow:
    """One person on the referral page: the party, the BSN masked when the referrer typed it,
    and (on a draft the user may edit) the form to change role and details in place."""

    party: CaseParty
    bsn_masked: str = ""
    edit_form: PartyEditForm | None = None
    restricted: bool = False

    @property
    def person_id(self) -> int:
        return self.party.person_id


def _case_id(referral: Referral) -> int | None:
    try:
        return referral.case.pk
    except Case.DoesNotExist:
        return None


def _detail_url(referral_pk: int, anchor: str = "") -> str:
    url = reverse("cases:referral_detail", args=[referral_pk])
    return f"{url}#{anchor}" if anchor else url


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
        "party": PartyForm(),
        "problem": ProblemForm(prefix="problem", referral=referral),
        "action": PriorActionForm(prefix="action"),
        "submit": SubmitForm(prefix="submit", initial={"version": referral.version}),
        "delete": DeleteDraftForm(prefix="delete", initial={"version": referral.version}),
    }


def _party_rows(referral: Referral, *, editable: bool, bound: dict[str, forms.Form]) -> list[PartyRow]:
    rows = []
    own = persons_editable_in(referral) if editable else set()
    parties = list(referral.parties.all())
    restricted = restricted_person_ids(party.person_id for party in parties)
    for party in parties:
        party.referral = referral  # the loaded referral, with its prefetches
        edit_form = None
        if editable:
            key = f"edit-{party.pk}"
            edit_form = bound.get(key) or PartyEditForm(party=party, details_editable=party.person_id in own)
        bsn = person_bsn_masked(party.person) if party.bsn_given else ""
        rows.append(
            PartyRow(
                party=party,
                bsn_masked=bsn,
                edit_form=edit_form,  # type: ignore[arg-type]
                restricted=party.person_id in restricted,
            )
        )
    return rows


def _shows_triage_link(request: AuthenticatedHttpRequest, referral: Referral) -> bool:
    """House staff who triage get a way from the facts to the weighing (which lives apart)."""
    acting = request.acting
    return (
        referral.status != ReferralStatus.DRAFT
        and acting is not None
        and acting.role in (Role.PROCESS_DIRECTOR, Role.SECRETARY)
        and acting.organisation.house_id == referral.house_id
    )


def _page_context(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    *,
    bound: dict[str, forms.Form] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    bound = bound or {}
    writer = is_referral_writer(request.user, referral)
    editable = writer and referral.status == ReferralStatus.DRAFT
    page_forms: dict[str, forms.Form] = _edit_forms(referral) if editable else {}
    page_forms.update({key: form for key, form in bound.items() if not key.startswith("edit-")})
    questions = list(referral.information_requests.all())
    answer_forms = {
        question.pk: page_forms.get(f"q{question.pk}") or InformationAnswerForm(prefix=f"q{question.pk}")
        for question in questions
        if question.answered_at is None and writer
    }
    before_triage = referral_checklist(referral, RequirementStage.BEFORE_TRIAGE)
    return {
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
        "parties": _party_rows(referral, editable=editable, bound=bound),
        "proposal": None,
        "section_errors": {},
        "conflict_section": "",
        "triage_link": _shows_triage_link(request, referral),
        **(extra or {}),
    }


def render_referral_page(
    request: AuthenticatedHttpRequest,
    referral_pk: int,
    *,
    part: str = "",
    saved: str = "",
    bound: dict[str, forms.Form] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The referral page, or for htmx the part of it a POST came from, with one READ audit event.

    Args:
        part: what an htmx request swaps: a section ("concern"), a section's add form
            ("party_add"), its list ("problem_list") or one person ("party"); see
            `cases/partials/referral_part.html`.
        saved: the confirmation of a successful save; for htmx the out-of-band updates of the
            rest of the page come with it.
        bound: forms to show instead of fresh ones (with the user's input and errors).
        extra: further context (a matching proposal, section errors, the party of `part`).
    """
    referral = get_referral_for_user(request.user, referral_pk)
    audit_read(actor=Actor.from_request(request), obj=referral, case_id=_case_id(referral))
    context = _page_context(request, referral, bound=bound, extra=extra)
    if part and request.htmx:  # type: ignore[attr-defined]
        context.update({"part": part, "saved": saved, "versioned_sections": VERSIONED_SECTIONS})
        return render(request, "cases/partials/referral_part.html", context)
    return render(request, "cases/referral_detail.html", context)


def _saved(
    request: AuthenticatedHttpRequest, referral_pk: int, message: str, *, part: str, anchor: str = "", **extra: Any
) -> HttpResponse:
    """After a successful save: for htmx the saved part and the rest of the page out of band
    (never a reload, which would throw away what was typed elsewhere); without JavaScript a
    redirect to the page, at the part that was saved."""
    if request.htmx:  # type: ignore[attr-defined]
        return render_referral_page(request, referral_pk, part=part, saved=message, extra=extra)
    messages.success(request, message)
    return HttpResponseRedirect(_detail_url(referral_pk, anchor))


@require_GET
@login_required
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    page = Paginator(referral_list_for(request.user, status=status), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    # The list names each referral's main person(s): one READ event linking every person shown.
    audit_list(
        actor=Actor.from_request(request),
        person_ids=[party.person_id for referral in page.object_list for party in referral.subject_parties],  # type: ignore[attr-defined]
    )
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
            return _saved(request, pk, message, part=section, anchor=f"section-{section}")
    return render_referral_page(
        request, pk, part=section, bound={section: form}, extra={"conflict_section": section if conflict else ""}
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
    """Add a person: when the house already has a registration with these details, the answer
    proposes it (nothing is saved) and the next post says "use it" or "register as new"."""
    referral = _referral_for_edit(request, pk)
    form = PartyForm(request.POST)
    proposal = None
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
                chosen_person_id=form.chosen_person_id(),
                register_new=form.register_new(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if outcome.party is not None:
                name = outcome.party.person.full_name
                return _saved(
                    request,
                    pk,
                    _("%(name)s is toegevoegd.") % {"name": name},
                    part="party_add",
                    anchor=f"party-{outcome.party.pk}",
                    added_party_pk=outcome.party.pk,
                )
            proposal = outcome.proposal
            # The choice offered for this input; what was posted before belongs to other input.
            form = PartyForm(_without_choice(request.POST), proposal=proposal.person if proposal else None)
            form.is_valid()
    return render_referral_page(request, pk, part="party_add", bound={"party": form}, extra={"proposal": proposal})


def _without_choice(data: QueryDict) -> QueryDict:
    copy = data.copy()
    copy.pop("party-choice", None)
    return copy


def _party_for_edit(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> CaseParty:
    referral = _referral_for_edit(request, pk)
    return get_object_or_404(referral.parties.select_related("person", "referral"), pk=party_pk)


@require_POST
@login_required
def party_edit(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """Change a person's role and note (and the details of a registration this referral made)
    in place; the problems on their name stay."""
    party = _party_for_edit(request, pk, party_pk)
    editable = party_details_editable(party)
    form = PartyEditForm(request.POST, party=party, details_editable=editable)
    conflict = False
    if form.is_valid():
        data = form.cleaned_data
        details = (
            PersonDetails(
                given_names=data["given_names"],
                surname_prefix=data["surname_prefix"],
                surname=data["surname"],
                date_of_birth=data["date_of_birth"],
                bsn=data["bsn"],
            )
            if editable
            else None
        )
        try:
            updated = case_party_update(
                actor=Actor.from_request(request),
                party=party,
                expected_version=data["version"],
                role=data["role"],
                note=data["note"],
                details=details,
            )
        except ConflictError as exc:
            conflict = True
            data_copy = request.POST.copy()
            data_copy[f"edit-{party.pk}-version"] = str(
                CaseParty.objects.values_list("version", flat=True).get(pk=party.pk)
            )
            form = PartyEditForm(data_copy, party=party, details_editable=editable)
            form.is_valid()
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(
                request,
                pk,
                _("De gegevens van %(name)s zijn opgeslagen.") % {"name": updated.person.full_name},
                part="party",
                anchor=f"party-{party.pk}",
                party_pk=party.pk,
            )
    return render_referral_page(
        request,
        pk,
        part="party",
        bound={f"edit-{party.pk}": form},
        extra={"party_pk": party.pk, "party_conflict": conflict},
    )


@require_POST
@login_required
def party_remove(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    party = _party_for_edit(request, pk, party_pk)
    try:
        case_party_remove(actor=Actor.from_request(request), party=party)
    except ValidationError as exc:
        return render_referral_page(
            request, pk, part="party", extra={"party_pk": party.pk, "party_errors": exc.messages}
        )
    return _saved(
        request, pk, _("De persoon is uit de aanmelding verwijderd."), part="party_removed", anchor="section-parties"
    )


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
            return _saved(request, pk, _("Het probleem is toegevoegd."), part="problem_add", anchor="section-problems")
    return render_referral_page(request, pk, part="problem_add", bound={"problem": form})


@require_POST
@login_required
def problem_remove(request: AuthenticatedHttpRequest, pk: int, problem_pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    problem = get_object_or_404(referral.problems.select_related("referral"), pk=problem_pk)
    life_domain_problem_remove(actor=Actor.from_request(request), problem=problem)
    return _saved(request, pk, _("Het probleem is verwijderd."), part="problem_list", anchor="section-problems")


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
            return _saved(
                request, pk, _("De eerdere aanpak is toegevoegd."), part="action_add", anchor="section-actions"
            )
    return render_referral_page(request, pk, part="action_add", bound={"action": form})


@require_POST
@login_required
def prior_action_remove_view(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    referral = _referral_for_edit(request, pk)
    action = get_object_or_404(referral.prior_actions.select_related("referral"), pk=action_pk)
    prior_action_remove(actor=Actor.from_request(request), action=action)
    return _saved(request, pk, _("De eerdere aanpak is verwijderd."), part="action_list", anchor="section-actions")


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
                "due": formats.date_format(timezone.localtime(due), "j F Y H:i") if due else ""
            }
            # The whole page changes (every section becomes read-only): a full page.
            messages.success(request, message)
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponseClientRedirect(_detail_url(pk))
            return HttpResponseRedirect(_detail_url(pk))
    return render_referral_page(request, pk, part="submit", bound={"submit": form})


@require_POST
@login_required
def referral_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (the referrer or their ambassador); the house never saw it."""
    referral = _referral_for_edit(request, pk)
    form = DeleteDraftForm(request.POST, prefix="delete")
    if form.is_valid():
        try:
            referral_draft_delete(
                actor=Actor.from_request(request), referral=referral, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De concept-aanmelding is verwijderd."))
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponseClientRedirect(reverse("cases:referral_list"))
            return redirect("cases:referral_list")
    return render_referral_page(request, pk, part="submit", bound={"delete": form})


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
            return _saved(
                request,
                pk,
                _("Uw antwoord is verstuurd naar het huis."),
                part="question",
                anchor="section-questions",
                question_pk=question.pk,
            )
    return render_referral_page(request, pk, part="question", bound={prefix: form}, extra={"question_pk": question.pk})


@require_GET
@login_required
def party_detail(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """A person as party to a referral the user can see: the only place a referral user sees
    a person's details. The BSN only when the referrer typed it; never who registered the
    person (issue 7: nothing the referrer did not type, besides "known, contact ...")."""
    party = get_party_for_user(request.user, pk, party_pk)
    referral = party.referral
    audit_read(
        actor=Actor.from_request(request), obj=party.person, case_id=_case_id(referral), person_id=party.person_id
    )
    context = {
        "referral": referral,
        "party": party,
        "person": party.person,
        "bsn_masked": person_bsn_masked(party.person) if party.bsn_given else "",
        "problems": [problem for problem in referral.problems.all() if problem.person_id == party.person_id],
        "is_writer": is_referral_writer(request.user, referral),
    }
    return render(request, "cases/person_detail.html", context)
