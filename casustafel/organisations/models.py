"""Safety houses, their partner organisations, and who works for which with what role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.types import AnyUser
from casustafel.lib.models import TimestampedModel, VersionedModel


class Sector(models.TextChoices):
    CRIMINAL_JUSTICE = "criminal_justice", _("Strafrecht (politie, OM, Raad voor de Kinderbescherming)")
    SUPERVISION = "supervision", _("Drang (reclassering, jeugdbescherming)")
    CARE = "care", _("Zorg (Veilig Thuis, GGZ, verslavingszorg, maatschappelijk werk)")
    MUNICIPALITY = "municipality", _("Gemeente")
    OTHER = "other", _("Overig")


class Role(models.TextChoices):
    PROCESS_DIRECTOR = "process_director", _("Procesregisseur")
    HOUSE_MANAGER = "house_manager", _("Ketenmanager")
    SECRETARY = "secretary", _("Secretariaat")
    PROFESSIONAL = "professional", _("Professional")
    ADMINISTRATOR = "administrator", _("Functioneel beheerder")
    PRIVACY_OFFICER = "privacy_officer", _("Privacyfunctionaris")
    BOARD = "board", _("Bestuurder")


# Roles of the house's own staff, who run the process and read the covenant.
HOUSE_STAFF_ROLES = frozenset({Role.PROCESS_DIRECTOR, Role.HOUSE_MANAGER, Role.SECRETARY})

# Roles that see every case of their house (need-to-know for running the process). Everyone
# else sees a case only while their organisation is involved in it; the house manager and the
# board see aggregates.
CASE_STAFF_ROLES = frozenset({Role.PROCESS_DIRECTOR, Role.SECRETARY})

# Roles through which a partner organisation's people work on the cases it is involved in.
# Administrators, privacy officers and board members never see case content that way.
CASE_WORKER_ROLES = frozenset({Role.PROFESSIONAL, Role.PROCESS_DIRECTOR, Role.SECRETARY})


class CaseVisibility(models.TextChoices):
    """Who of an involved organisation sees the case (need-to-know inside the organisation).
    Small teams share their caseload; a large organisation (the police, a big care provider)
    limits each case to the people named on the involvement, its ambassador and their
    substitutes."""

    ALL_CASE_WORKERS = "all_case_workers", _("Alle casemedewerkers van de organisatie in dit huis")
    NAMED = "named", _("Alleen de medewerkers die bij de casus zijn genoemd, de ambassadeur en hun vervangers")


class SafetyHouse(TimestampedModel):
    """A Zorg- en Veiligheidshuis: a regional network of partner organisations around a small
    staff. One installation can host several houses; nothing is shared between them."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    region = models.CharField(_("regio"), max_length=200, help_text=_("Werkgebied, bijv. Gooi en Vechtstreek."))
    contact_email = models.EmailField(_("algemeen e-mailadres"), blank=True)
    contact_phone = models.CharField(_("algemeen telefoonnummer"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("Zorg- en Veiligheidshuis")
        verbose_name_plural = _("Zorg- en Veiligheidshuizen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: AnyUser) -> OrganisationQuerySet:
        """Organisations of the houses the user currently works in (the partner directory)."""
        if not user.is_authenticated:
            return self.none()
        houses = Membership.objects.active().filter(user=user).values("organisation__house")
        return self.filter(house__in=houses)

    def manageable_by(self, user: AnyUser) -> OrganisationQuerySet:
        """Organisations an administrator may change: those of the houses they administer."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(house__in=administered_houses(user))


class Organisation(VersionedModel):
    """A partner organisation (ketenpartner) of a house, or the house's own office."""

    house = models.ForeignKey(
        SafetyHouse, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("Zorg- en Veiligheidshuis")
    )
    name = models.CharField(_("naam"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    is_house_office = models.BooleanField(
        _("bureau van het huis"),
        default=False,
        help_text=_("De eigen organisatie van het Zorg- en Veiligheidshuis (procesregie, secretariaat)."),
    )
    contact_email = models.EmailField(_("e-mailadres"), blank=True)
    contact_phone = models.CharField(_("telefoonnummer"), max_length=40, blank=True)
    is_active = models.BooleanField(_("actief"), default=True, help_text=_("Neemt deel aan het huis."))
    case_visibility = models.CharField(
        _("wie ziet de casussen van de organisatie"),
        max_length=20,
        choices=CaseVisibility.choices,
        default=CaseVisibility.ALL_CASE_WORKERS,
        help_text=_(
            "Kleine teams: alle casemedewerkers. Een grote organisatie (politie, grote zorgaanbieder): alleen wie "
            "de procesregisseur bij de casus noemt, de ambassadeur en hun vervangers."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["house", "name"]
        constraints = [
            models.UniqueConstraint(fields=["house", "name"], name="organisation_unique_name_per_house"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: dt.date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(
            Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            user__is_active=True,
            organisation__is_active=True,
        )

    def manageable_by(self, user: AnyUser) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__house__in=administered_houses(user))


class Membership(VersionedModel):
    """A user working for an organisation in a role. A user can hold several memberships and
    chooses which one they act for; every audit event records it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("gebruiker")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisatie")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    is_ambassador = models.BooleanField(
        _("ambassadeur"),
        default=False,
        help_text=_("Vast aanspreekpunt van de organisatie in het huis."),
    )
    job_title = models.CharField(_("functie"), max_length=120, blank=True)
    start_date = models.DateField(_("ingangsdatum"), default=timezone.localdate)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["organisation__name", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def house(self) -> SafetyHouse:
        return self.organisation.house

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class SubstitutionQuerySet(models.QuerySet["Substitution"]):
    def current(self, at: dt.datetime | None = None) -> SubstitutionQuerySet:
        moment = at or timezone.now()
        return self.filter(starts_at__lte=moment, ends_at__gt=moment, revoked_at__isnull=True)

    def granting(self, user: AnyUser, at: dt.datetime | None = None) -> SubstitutionQuerySet:
        """The substitutions through which `user` may act on cases at `at` (now): the window is
        current, the absent colleague's case-worker membership still runs, and the substitute
        still works in a case-worker role in that house themselves. The one rule for standing
        in: a substitute whose own membership ended loses access the moment it ends, whatever
        the window says."""
        if not user.is_authenticated:
            return self.none()
        moment = at or timezone.now()
        day = timezone.localdate(moment)
        own_membership = Membership.objects.active(day).filter(
            user=user,
            role__in=CASE_WORKER_ROLES,
            organisation__house=OuterRef("absent_membership__organisation__house"),
        )
        return (
            self.current(moment)
            .filter(substitute=user, absent_membership__role__in=CASE_WORKER_ROLES)
            .filter(Q(absent_membership__end_date__isnull=True) | Q(absent_membership__end_date__gte=day))
            .filter(Exists(own_membership))
        )

    def manageable_by(self, user: AnyUser) -> SubstitutionQuerySet:
        """Substitutions a user may see and end: their own (either side) and, for
        administrators, those in the houses they administer."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(absent_membership__user=user)
            | Q(substitute=user)
            | Q(absent_membership__organisation__house__in=administered_houses(user))
        )


class Substitution(TimestampedModel):
    """A time-boxed delegation: during the window, `substitute` may act on the cases of the
    absent colleague's membership, on that colleague's behalf."""

    absent_membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="substitutions", verbose_name=_("afwezige medewerker")
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="substitutions_taken",
        verbose_name=_("vervanger"),
    )
    starts_at = models.DateTimeField(_("van"))
    ends_at = models.DateTimeField(_("tot"))
    reason = models.CharField(
        _("reden"), max_length=200, help_text=_("Bijv. vakantie, ziekte. Geen gegevens over cliënten.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("vervanging")
        verbose_name_plural = _("vervangingen")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="substitution_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.substitute} voor {self.absent_membership.user}"

    def is_current(self, at: dt.datetime | None = None) -> bool:
        moment = at or timezone.now()
        return self.revoked_at is None and self.starts_at <= moment < self.ends_at


def administered_houses(user: AnyUser) -> models.QuerySet[Membership, Any]:
    """Ids of the houses in which the user is an administrator today (a subquery)."""
    if not user.is_authenticated:
        return Membership.objects.none().values("organisation__house")
    return Membership.objects.active().filter(user=user, role=Role.ADMINISTRATOR).values("organisation__house")
