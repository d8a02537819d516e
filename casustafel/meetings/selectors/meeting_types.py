"""Reads for the administration of meeting types: only administrators of a house see its
meeting types here; anyone else gets a 404."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from casustafel.accounts.types import AnyUser
from casustafel.meeting_types.models import CriteriaSet, InputRequirement, MeetingType
from casustafel.organisations.models import SafetyHouse, administered_houses


def meeting_types_for_admin(user: AnyUser) -> QuerySet[MeetingType]:
    """Meeting types of the houses the user administers, with their number of requirements."""
    if not user.is_authenticated:
        return MeetingType.objects.none()
    return (
        MeetingType.objects.filter(house__in=administered_houses(user))
        .select_related("house", "criteria_set")
        .annotate(requirement_count=Count("input_requirements"))
        .order_by("house__name", "name")
    )


def get_meeting_type_for_admin(user: AnyUser, pk: int) -> MeetingType:
    return get_object_or_404(meeting_types_for_admin(user), pk=pk)


def get_input_requirement_for_admin(user: AnyUser, meeting_type: MeetingType, pk: int) -> InputRequirement:
    return get_object_or_404(InputRequirement.objects.filter(meeting_type=meeting_type), pk=pk)


def criteria_sets_of(house: SafetyHouse | int) -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(house=house).order_by("name")
