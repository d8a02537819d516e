"""The timeline of a case: everything that happened, across partners, oldest first, each entry as
far as the viewer may see it (`casustafel.cases.timeline`). Filter by organisation and kind."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.services import audit_read
from casustafel.cases.models import Case
from casustafel.cases.selectors.cases import get_case_for_user
from casustafel.cases.timeline import case_timeline, timeline_kinds
from casustafel.cases.views.cases import case_actor
from casustafel.organisations.models import Organisation
from casustafel.privacy.provenance.access import case_viewer


class TimelineFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.none(), required=False, empty_label=_("Alle organisaties")
    )
    kind = forms.MultipleChoiceField(label=_("Soort"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = (
            Organisation.objects.filter(house=case.house_id, case_involvements__case=case).distinct().order_by("name")
        )
        kind = self.fields["kind"]
        assert isinstance(kind, forms.MultipleChoiceField)
        kind.choices = timeline_kinds()


@require_GET
@login_required
def case_timeline_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    viewer = case_viewer(request.user, case, acting=request.acting)
    if viewer is None:  # pragma: no cover - get_case_for_user checked the same rule
        raise Http404
    form = TimelineFilterForm(request.GET or None, case=case)
    organisation = kinds = None
    if form.is_bound and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        kinds = form.cleaned_data["kind"]
    entries = case_timeline(
        case, viewer, request.user, organisation_id=organisation.pk if organisation else None, kinds=kinds or ()
    )
    audit_read(actor=case_actor(request, case), obj=case, case_id=case.pk)
    labels = dict(timeline_kinds())
    rows = [(entry, labels.get(entry.kind, entry.kind)) for entry in entries]
    return render(
        request,
        "cases/case_timeline.html",
        {
            "case": case,
            "rows": rows,
            "form": form,
            "is_staff": viewer.is_staff,
            "filtered": bool(organisation or kinds),
        },
    )
