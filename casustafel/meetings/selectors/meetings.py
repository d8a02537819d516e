"""Who sees which meeting and which agenda item.

The house's process directors and secretaries see every meeting of their house and every item
on it. Anyone else sees an item only while they work for (or stand in for someone of) an
organisation whose invitation to that item was sent, and may see its case
(`Case.objects.visible_to`); they see a meeting only when they see one of its items. On a
meeting page every other item shows as "another case" with its time slot, never a name; its
own page answers 404, as for a meeting that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.cases.models import Case, CaseParty, PartyRole, working_for
from casustafel.meetings.models import (
    COMING,
    AgendaItem,
    AgendaItemPart,
    Attendance,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
)
from casustafel.organisations.models import CASE_STAFF_ROLES, CASE_WORKER_ROLES, Membership

# How far ahead the start page warns about crucial partners that have not confirmed.
CRUCIAL_WARNING_DAYS = 14


def staff_houses(user: AnyUser) -> QuerySet[Membership, Any]:
    return Membership.objects.active().filter(user=user.pk, role__in=CASE_STAFF_ROLES).values("organisation__house")


def items_visible_to(user: AnyUser, at: dt.datetime | None = None) -> QuerySet[AgendaItem]:
    """The agenda items the user may see (module docstring)."""
    if not user.is_authenticated:
        return AgendaItem.objects.none()
    moment = at or timezone.now()
    invited = Invitation.objects.filter(notified_at__isnull=False).filter(working_for(user, moment)).values("item")
    return AgendaItem.objects.filter(case__in=Case.objects.visible_to(user, at=moment)).filter(
        Q(meeting__house__in=staff_houses(user)) | Q(pk__in=invited)
    )


def meetings_for(user: AnyUser) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        Q(house__in=staff_houses(user)) | Q(pk__in=items_visible_to(user).values("meeting"))
    ).select_related("meeting_type", "chair")


def is_staff_of(user: AnyUser, meeting: Meeting) -> bool:
    return staff_houses(user).filter(organisation__house=meeting.house_id).exists()


def get_meeting_for_user(user: AnyUser, pk: int) -> Meeting:
    """A meeting the user may see; 404 for any other."""
    return get_object_or_404(meetings_for(user).select_related("minute_taker", "house"), pk=pk)


def _subjects() -> Prefetch[Any]:
    return Prefetch(
        "case__referral__parties",
        queryset=CaseParty.objects.filter(role=PartyRole.SUBJECT).select_related("person").order_by("pk"),
        to_attr="subject_parties",
    )


def _invitations() -> Prefetch[Any]:
    return Prefetch(
        "invitations",
        queryset=Invitation.objects.select_related("organisation", "invitee", "substitute").order_by(
            "organisation__name", "pk"
        ),
    )


@dataclass
class AgendaRow:
    """One line of the agenda: its time slot, and the item when the viewer may see it."""

    number: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    planned_minutes: int
    item: AgendaItem | None


@dataclass
class Agenda:
    rows: list[AgendaRow] = field(default_factory=list)
    total_minutes: int = 0
    unsent: int = 0

    @property
    def visible_items(self) -> list[AgendaItem]:
        return [row.item for row in self.rows if row.item is not None]


def agenda_for(user: AnyUser, meeting: Meeting) -> Agenda:
    """The agenda as `user` sees it: every slot, and the items they may see with their case's
    subjects and invitations loaded. Four queries, however long the agenda."""
    slots = list(meeting.items.order_by("position", "pk").values_list("pk", "planned_minutes"))
    visible = (
        items_visible_to(user)
        .filter(meeting=meeting)
        .select_related("case__referral", "case__meeting_type")
        .prefetch_related(_subjects(), _invitations())
    )
    by_pk = {item.pk: item for item in visible}
    agenda = Agenda()
    moment = meeting.starts_at
    for number, (pk, minutes) in enumerate(slots, start=1):
        end = moment + dt.timedelta(minutes=minutes)
        agenda.rows.append(AgendaRow(number, moment, end, minutes, by_pk.get(pk)))
        moment = end
        agenda.total_minutes += minutes
    agenda.unsent = sum(
        1 for item in by_pk.values() for invitation in item.invitations.all() if invitation.notified_at is None
    )
    return agenda


def get_item_for_user(user: AnyUser, meeting_pk: int, item_pk: int) -> AgendaItem:
    """An agenda item the user may see, with everything its page shows; 404 for any other
    (another case on the same meeting included)."""
    queryset = (
        items_visible_to(user)
        .select_related(
            "meeting__meeting_type",
            "meeting__chair",
            "case__referral",
            "case__meeting_type",
            "client_participation__preparer",
            "client_participation__debrief_by",
        )
        .prefetch_related(
            _subjects(),
            _invitations(),
            Prefetch(
                "parts",
                queryset=AgendaItemPart.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("invitations", queryset=Invitation.objects.select_related("organisation")),
                    Prefetch("clients", queryset=CaseParty.objects.select_related("person")),
                    Prefetch("attendances", queryset=Attendance.objects.select_related("attended_by")),
                ),
            ),
            Prefetch(
                "client_participation__invited_parties",
                queryset=CaseParty.objects.select_related("person").order_by("pk"),
            ),
        )
    )
    return get_object_or_404(queryset, meeting=meeting_pk, pk=item_pk)


def item_slot(item: AgendaItem) -> tuple[dt.datetime, dt.datetime]:
    """When the item starts and ends: the meeting's start plus the minutes of the items before it."""
    before = item.meeting.items.filter(Q(position__lt=item.position) | Q(position=item.position, pk__lt=item.pk))
    minutes = sum(before.values_list("planned_minutes", flat=True))
    start = item.meeting.starts_at + dt.timedelta(minutes=minutes)
    return start, start + dt.timedelta(minutes=item.planned_minutes)


def case_parties(item: AgendaItem) -> QuerySet[CaseParty]:
    return CaseParty.objects.filter(referral__case=item.case_id).select_related("person").order_by("pk")


def item_helpers(item: AgendaItem) -> QuerySet[Membership]:
    """Who can prepare or debrief the clients: the case workers of the invited organisations
    and the house's staff."""
    return (
        Membership.objects.active()
        .filter(
            Q(organisation__in=item.invitations.values("organisation"), role__in=CASE_WORKER_ROLES)
            | Q(organisation__house=item.meeting.house_id, role__in=CASE_STAFF_ROLES)
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


def invitable_members(organisation_ids: list[int]) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(organisation__in=organisation_ids, role__in=CASE_WORKER_ROLES)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


# --- Lists and the start page -------------------------------------------------------------------


def meeting_list_for(user: AnyUser, *, past: bool = False) -> QuerySet[Meeting]:
    """Upcoming (or past) meetings the user may see, with how many items each has."""
    now = timezone.now()
    meetings = meetings_for(user).annotate(item_count=Count("items", distinct=True))
    if past:
        return meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")


def unconfirmed_crucial_for(user: User, now: dt.datetime | None = None) -> QuerySet[Invitation]:
    """House staff's start page: crucial partners invited to a meeting in the coming two weeks
    that have not said they are coming (no answer yet, declined, or not even sent)."""
    moment = now or timezone.now()
    return (
        Invitation.objects.filter(
            is_crucial=True,
            item__meeting__house__in=staff_houses(user),
            item__meeting__status=MeetingStatus.PLANNED,
            item__meeting__starts_at__gte=moment,
            item__meeting__starts_at__lte=moment + dt.timedelta(days=CRUCIAL_WARNING_DAYS),
        )
        .exclude(status__in=COMING)
        .select_related("organisation", "item__meeting__meeting_type")
        .order_by("item__meeting__starts_at", "item__position", "organisation__name")
    )


def open_invitations_for(user: User, now: dt.datetime | None = None) -> QuerySet[Invitation]:
    """A partner's start page: sent invitations for their organisation (to them by name, or to
    the organisation) that nobody has answered yet."""
    moment = now or timezone.now()
    return (
        Invitation.objects.filter(
            notified_at__isnull=False,
            status=InvitationStatus.PENDING,
            item__meeting__status=MeetingStatus.PLANNED,
            item__meeting__starts_at__gte=moment,
        )
        .filter(working_for(user, moment))
        .filter(Q(invitee__isnull=True) | Q(invitee=user))
        .filter(item__in=items_visible_to(user, at=moment))
        .select_related("organisation", "item__meeting__meeting_type")
        .order_by("item__meeting__starts_at", "item__position")
    )
