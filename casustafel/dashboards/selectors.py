"""What needs a user's attention today, per role. Each section is a bounded query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_stubs_ext import StrOrPromise

from casustafel.accounts.models import User
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.organisations.models import Membership, Role, Substitution, administered_houses

SECTION_LIMIT = 20


@dataclass
class AttentionSection:
    key: str
    title: str
    empty_text: str
    items: list[Any] = field(default_factory=list)
    total: int = 0


def _section(key: str, title: StrOrPromise, empty_text: StrOrPromise, queryset: Any) -> AttentionSection:
    items = list(queryset[:SECTION_LIMIT])
    total = len(items) if len(items) < SECTION_LIMIT else queryset.count()
    return AttentionSection(key=key, title=str(title), empty_text=str(empty_text), items=items, total=total)


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
    if membership.role in (Role.PRIVACY_OFFICER, Role.ADMINISTRATOR):
        since = now - dt.timedelta(days=7)
        house_users = (
            User.objects.filter(memberships__organisation__house=membership.organisation.house_id)
            .annotate(pk_text=Cast("pk", CharField()))
            .values("pk_text")
        )
        sections.append(
            _section(
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
        )
    return sections
