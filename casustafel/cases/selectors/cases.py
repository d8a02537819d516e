"""Reads on cases, always scoped through `Case.objects.visible_to` (need-to-know)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from casustafel.accounts.types import AnyUser
from casustafel.cases.models import Case, CaseInvolvement, CaseParty


def cases_for_user(user: AnyUser) -> QuerySet[Case]:
    """The cases the user may see, with what a list shows loaded."""
    return Case.objects.visible_to(user).select_related("meeting_type", "process_director", "municipality", "referral")


def get_case_for_user(user: AnyUser, pk: int) -> Case:
    """A case the user may see, with its parties and involvements loaded; 404 for any other
    (outside scope is indistinguishable from not existing)."""
    queryset = cases_for_user(user).prefetch_related(
        Prefetch("referral__parties", queryset=CaseParty.objects.select_related("person").order_by("pk")),
        Prefetch(
            "involvements",
            queryset=CaseInvolvement.objects.select_related("organisation", "contact").order_by("started_at", "pk"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)
