"""What needs a user's attention today, per role. Each section is a bounded query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, Q, Window
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_stubs_ext import StrOrPromise

from casustafel.accounts.models import User
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import CaseStatus
from casustafel.cases.selectors.cases import my_cases_for
from casustafel.cases.selectors.referrals import (
    REFERRER_ROLES,
    open_questions_for,
    recent_outcomes_for,
    referral_drafts_of,
    referrals_writable_by,
)
from casustafel.cases.selectors.triage import awaiting_triage_for, near_deadline_for
from casustafel.escalations.selectors import open_escalations_for
from casustafel.learning.roles import is_manager as runs_learning_cycle
from casustafel.learning.selectors import open_invitations_of, overdue_actions_for
from casustafel.meetings.selectors.meetings import open_invitations_for, unconfirmed_crucial_for
from casustafel.organisations.models import (
    CASE_STAFF_ROLES,
    CASE_WORKER_ROLES,
    Membership,
    Role,
    Substitution,
    administered_houses,
)
from casustafel.plans.selectors_pages import (
    cases_without_director_for,
    direction_proposals_for,
    follow_ups_due_for,
    overdue_agreements_for,
)
from casustafel.privacy.retention.selectors import destructions_due, referral_destructions_due
from casustafel.privacy.subject_access.selectors import open_requests
from casustafel.reporting.selectors import headline_figures

SECTION_LIMIT = 20
# A start page shows what needs attention first, not whole lists: a section whose rows also
# stand in a full list (the case list, the triage list) shows the first 10 and links to it
# (docs/architecture.md, "Start pages").
LINKED_SECTION_LIMIT = 10


@dataclass
class AttentionSection:
    key: str
    title: str
    empty_text: str
    items: list[Any] = field(default_factory=list)
    total: int = 0
    more_url: str = ""


def _section(
    key: str, title: StrOrPromise, empty_text: StrOrPromise, queryset: Any, *, more_url: str = ""
) -> AttentionSection:
    limit = LINKED_SECTION_LIMIT if more_url else SECTION_LIMIT
    texts = {"key": key, "title": str(title), "empty_text": str(empty_text), "more_url": more_url}
    if isinstance(queryset, list):  # rows a selector computed in Python
        return AttentionSection(**texts, items=queryset[:limit], total=len(queryset))
    if queryset.query.distinct:
        items = list(queryset[:limit])
        total = len(items) if len(items) < limit else queryset.count()
    else:
        # The total rides along on every row (a window over the whole result, counted before
        # the limit): one query a section instead of a second, separately built count query.
        items = list(queryset.annotate(section_total=Window(Count("pk")))[:limit])
        total = items[0].section_total if items else 0
    return AttentionSection(**texts, items=items, total=total)


def attention_for(user: User, membership: Membership | None) -> list[AttentionSection]:
    """The start page's lists for the role the user acts in."""
    now = timezone.now()
    sections = [
        _section(
            "substitutions",
            _("Vervangingen"),
            _("U vervangt niemand en wordt door niemand vervangen."),
            Substitution.objects.filter(Q(substitute=user) | Q(absent_membership__user=user))
            .filter(revoked_at__isnull=True, ends_at__gt=now)
            .select_related("absent_membership__user", "absent_membership__organisation", "substitute")
            .order_by("starts_at"),
        )
    ]
    if membership is None:
        return sections
    if membership.role in CASE_WORKER_ROLES:
        # The case list with the same rows: active cases, a process director's own ones.
        directed = "&regie=mij" if membership.role == Role.PROCESS_DIRECTOR else ""
        sections.append(
            _section(
                "my_cases",
                _("Mijn casussen"),
                _("Er zijn geen actieve casussen die u ziet."),
                my_cases_for(user, membership),
                more_url=f"{reverse('cases:case_list')}?status={CaseStatus.ACTIVE}{directed}",
            )
        )
    sections.extend(_referrer_sections(user, membership))
    sections.extend(_meeting_sections(user, membership, now))
    sections.extend(_plan_sections(user, membership))
    sections.extend(_learning_sections(user, membership))
    if membership.role == Role.BOARD:
        sections.append(_report_headlines(membership))
    if membership.role in (Role.PROCESS_DIRECTOR, Role.SECRETARY):
        sections.extend(_triage_sections(user, now))
    if membership.role == Role.ADMINISTRATOR:
        houses = administered_houses(user)
        enrolled = TOTPDevice.objects.filter(confirmed=True).values("user")
        sections.append(
            _section(
                "users_without_mfa",
                _("Gebruikers zonder tweede factor"),
                _("Alle actieve gebruikers hebben een tweede factor ingesteld."),
                User.objects.filter(is_active=True, memberships__organisation__house__in=houses)
                .exclude(pk__in=enrolled)
                .distinct()
                .order_by("full_name"),
            )
        )
        soon = timezone.localdate() + dt.timedelta(days=30)
        sections.append(
            _section(
                "memberships_ending",
                _("Lidmaatschappen die binnen 30 dagen eindigen"),
                _("Er eindigen de komende 30 dagen geen lidmaatschappen."),
                Membership.objects.active()
                .filter(organisation__house__in=houses, end_date__lte=soon)
                .select_related("user", "organisation")
                .order_by("end_date"),
            )
        )
    if membership.role == Role.PRIVACY_OFFICER:
        sections.append(
            _section(
                "destructions_due",
                _("Vernietigingen binnen een maand"),
                _("Er worden de komende maand geen casussen vernietigd."),
                destructions_due(membership.organisation.house_id),
            )
        )
        sections.append(
            _section(
                "destructions_due_referrals",
                _("Aanmeldingen zonder casus die binnen een maand worden vernietigd"),
                _("Er worden de komende maand geen aanmeldingen vernietigd."),
                referral_destructions_due(membership.organisation.house_id),
            )
        )
        sections.append(
            _section(
                "sar_open",
                _("Openstaande inzageverzoeken"),
                _("Er staan geen inzageverzoeken open."),
                open_requests(membership.organisation.house_id),
            )
        )
    if membership.role in (Role.PRIVACY_OFFICER, Role.ADMINISTRATOR):
        since = now - dt.timedelta(days=7)
        house_users = (
            User.objects.filter(memberships__organisation__house=membership.organisation.house_id)
            .annotate(pk_text=Cast("pk", CharField()))
            .values("pk_text")
        )
        lockouts = _section(
            "lockouts",
            _("Geblokkeerde accounts en mislukte tweede factor (7 dagen)"),
            _("Geen blokkades of mislukte codes in de afgelopen week."),
            AuditEvent.objects.filter(
                occurred_at__gte=since,
                action__in=[AuditAction.LOCKED_OUT, AuditAction.MFA_FAILED],
                object_type="accounts.user",
                object_id__in=house_users,
            )
            .select_related("actor")
            .order_by("-occurred_at"),
        )
        _attach_accounts(lockouts)
        sections.append(lockouts)
    return sections


def _attach_accounts(section: AttentionSection) -> None:
    """Give each lockout event the account it is about (`event.account`, one query), so the
    page names the user instead of showing an id."""
    ids = {int(event.object_id) for event in section.items if event.object_id.isdigit()}
    accounts = User.objects.in_bulk(ids)
    for event in section.items:
        event.account = accounts.get(int(event.object_id)) if event.object_id.isdigit() else None


def _referrer_sections(user: User, membership: Membership) -> list[AttentionSection]:
    """'Mijn aanmeldingen': drafts, questions from the house to answer, recent outcomes.
    Professionals always see them; house staff only when there is something in them."""
    if membership.role not in REFERRER_ROLES:
        return []
    if membership.role != Role.PROFESSIONAL and not referrals_writable_by(user).exists():
        # House staff who never referred anything (the usual case) have nothing in any of the
        # three: one cheap query instead of three heavy ones.
        return []
    sections = [
        _section(
            "referral_questions",
            _("Mijn aanmeldingen: vragen van het huis"),
            _("Er staan geen vragen van het huis voor u open."),
            open_questions_for(user),
        ),
        _section(
            "referral_drafts",
            _("Mijn aanmeldingen: concepten"),
            _("U heeft geen concept-aanmeldingen."),
            referral_drafts_of(user),
        ),
        _section(
            "referral_outcomes",
            _("Mijn aanmeldingen: besluiten (30 dagen)"),
            _("Er zijn de afgelopen 30 dagen geen besluiten over uw aanmeldingen genomen."),
            recent_outcomes_for(user),
        ),
    ]
    if membership.role == Role.PROFESSIONAL:
        return sections
    return [section for section in sections if section.total]


def _triage_sections(user: User, now: dt.datetime) -> list[AttentionSection]:
    """Process directors and secretaries: referrals awaiting triage, and open referrals whose
    first-contact norm or desired response term passes within 24 hours or has passed. Both are
    part of the triage list of open referrals (ordered by the first-contact norm), linked."""
    triage_list = reverse("cases:triage_list")
    return [
        _section(
            "awaiting_triage",
            _("Wachten op triage"),
            _("Er wachten geen aanmeldingen op triage."),
            awaiting_triage_for(user),
            more_url=triage_list,
        ),
        _section(
            "referral_deadlines",
            _("Aanmeldingen bij of over de termijn"),
            _("Geen aanmeldingen binnen 24 uur van of over de termijn voor eerste contact of reactie."),
            near_deadline_for(user, now),
            more_url=triage_list,
        ),
    ]


def _plan_sections(user: User, membership: Membership) -> list[AttentionSection]:
    """The plans issue: overdue agreements (process director, case director, ambassador), cases
    without a case director and follow-ups due (process director), open escalations (process
    director, house manager, ambassador), case direction proposed to me. A case worker sees the
    sections only when there is something in them."""
    sections = [
        _section(
            "overdue_agreements",
            _("Afspraken over de termijn"),
            _("Er zijn geen afspraken over de termijn."),
            overdue_agreements_for(user, membership),
        ),
        _section(
            "open_escalations",
            _("Open escalaties"),
            _("Er staan geen escalaties open."),
            open_escalations_for(user, membership),
        ),
    ]
    if membership.role == Role.PROCESS_DIRECTOR:
        sections += [
            _section(
                "cases_without_director",
                _("Casussen zonder casusregisseur"),
                _("Al uw actieve casussen hebben een casusregisseur."),
                cases_without_director_for(user, membership),
            ),
            _section(
                "follow_ups_due",
                _("Nazorgvragen"),
                _("Er staan geen nazorgvragen open."),
                follow_ups_due_for(user, membership),
            ),
        ]
        return sections
    if membership.role in CASE_WORKER_ROLES:
        sections.append(
            _section(
                "direction_proposals",
                _("Voorgesteld als casusregisseur"),
                "",
                direction_proposals_for(user),
            )
        )
    if membership.role == Role.HOUSE_MANAGER:
        return [section for section in sections if section.key == "open_escalations"]
    return [section for section in sections if section.total]


def _learning_sections(user: User, membership: Membership) -> list[AttentionSection]:
    """The learning cycle: self-assessments to fill in (whoever is invited, when any);
    overdue improvement actions (the process director and house manager always; an owner or
    their organisation when any)."""
    sections = [
        _section("open_assessments", _("Zelfevaluaties om in te vullen"), "", open_invitations_of(user)),
        _section(
            "overdue_improvement_actions",
            _("Verbeteracties over de termijn"),
            _("Er zijn geen verbeteracties over de termijn."),
            overdue_actions_for(user, membership),
        ),
    ]
    manager = runs_learning_cycle(membership)
    return [s for s in sections if s.total or (manager and s.key == "overdue_improvement_actions")]


def _report_headlines(membership: Membership) -> AttentionSection:
    """Board members: a few suppressed headline figures of the last completed quarter; the last
    item links to the report."""
    period, figures = headline_figures(membership.organisation.house)
    return AttentionSection(
        key="report_headlines",
        title=str(_("Kerncijfers van het %(period)s") % {"period": period.label}),
        empty_text="",
        items=list(figures),
        total=len(figures),
    )


def _meeting_sections(user: User, membership: Membership, now: dt.datetime) -> list[AttentionSection]:
    """House staff: crucial partners that have not confirmed for a meeting in the coming two
    weeks. Everyone who works on cases: invitations to answer (shown to staff only when any)."""
    sections = []
    if membership.role in CASE_STAFF_ROLES:
        sections.append(
            _section(
                "crucial_unconfirmed",
                _("Cruciale partners die nog niet hebben bevestigd"),
                _("Alle cruciale partners voor de overleggen van de komende twee weken hebben bevestigd."),
                unconfirmed_crucial_for(user, now),
            )
        )
    if membership.role in CASE_WORKER_ROLES:
        invitations = _section(
            "meeting_invitations",
            _("Uitnodigingen voor casusoverleggen"),
            _("Er staan geen uitnodigingen open die u nog moet beantwoorden."),
            open_invitations_for(user, now),
        )
        if membership.role == Role.PROFESSIONAL or invitations.total:
            sections.append(invitations)
    return sections
