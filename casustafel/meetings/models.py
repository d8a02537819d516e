"""Meeting types (overlegtypen): what a house's consultations are for and what they require.

Meetings and agendas come with the meetings issue; the meeting type exists first because
referral, triage, input requirements and the covenant are configured per meeting type.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import VersionedModel


class MeetingTypeQuerySet(models.QuerySet["MeetingType"]):
    def active(self) -> MeetingTypeQuerySet:
        return self.filter(is_active=True)


class MeetingType(VersionedModel):
    """A kind of case consultation of a house (zorgoverleg huiselijk geweld, Casus-op-Maat,
    Top-X, nazorg ex-gedetineerden...), configured by the administrator."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="meeting_types",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    name = models.CharField(_("naam"), max_length=120)
    goals = models.TextField(
        _("doelen"), blank=True, help_text=_("Waarvoor dit overleg bestaat; getoond bij aanmelden en triage.")
    )
    criteria_set = models.ForeignKey(
        "cases.CriteriaSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_types",
        verbose_name=_("criteriaset"),
        help_text=_("De toelatingscriteria waarop aanmeldingen voor dit overleg worden gewogen."),
    )
    first_contact_hours = models.PositiveIntegerField(
        _("norm eerste contact (uren)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("Binnen hoeveel uur na aanmelding het huis contact opneemt met de aanmelder."),
    )
    retention_years = models.PositiveIntegerField(
        _("bewaartermijn (jaren na afsluiten)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    privacy_reminder = models.TextField(
        _("privacy-instructie"),
        blank=True,
        help_text=_("Wordt aan het begin van het overleg voorgelezen of getoond: wat mag hier gedeeld worden."),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    objects = MeetingTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("overlegtype")
        verbose_name_plural = _("overlegtypen")
        ordering = ["house", "name"]
        constraints = [models.UniqueConstraint(fields=["house", "name"], name="meeting_type_unique_name_per_house")]

    def __str__(self) -> str:
        return self.name


class InputRequirementCheck(models.TextChoices):
    """What the system can verify on a referral. Each check has an evaluator in
    casustafel/cases/requirements.py; administrators choose which apply per meeting type."""

    CONCERN_DESCRIBED = "concern_described", _("De zorg is beschreven")
    SUBJECT_KNOWN = "subject_known", _("De hoofdpersoon is bekend (naam en geboortedatum)")
    HOUSEHOLD_COMPLETE = "household_complete", _("Alle betrokkenen hebben een rol in de casus")
    LIFE_DOMAINS = "life_domains", _("Problemen op minimaal het aantal leefgebieden")
    PRIOR_ACTIONS = "prior_actions", _("Wat al is gedaan (en door wie) is beschreven")
    RESPONSE_TERM = "response_term", _("De gewenste reactietermijn is gekozen")
    SOURCES = "sources", _("Van elke uitspraak is de bron vastgelegd")
    MUNICIPALITY = "municipality", _("De woongemeente is gekozen")
    CONSENT = "consent", _("Vastgelegd of de betrokkene weet dat informatie wordt gedeeld")


class RequirementStage(models.TextChoices):
    BEFORE_TRIAGE = "before_triage", _("vóór triage")
    BEFORE_AGENDA = "before_agenda", _("vóór agendering")


class InputRequirement(models.Model):
    """One thing that must be known about a referral before triage or before the case may be
    put on an agenda (inputcriteria)."""

    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.CASCADE, related_name="input_requirements", verbose_name=_("overlegtype")
    )
    requirement = models.CharField(_("eis"), max_length=30, choices=InputRequirementCheck.choices)
    stage = models.CharField(
        _("moment"), max_length=20, choices=RequirementStage.choices, default=RequirementStage.BEFORE_TRIAGE
    )
    minimum = models.PositiveSmallIntegerField(
        _("minimum"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text=_("Alleen voor leefgebieden: het minimale aantal leefgebieden met problemen."),
    )

    class Meta:
        verbose_name = _("inputeis")
        verbose_name_plural = _("inputeisen")
        ordering = ["meeting_type", "stage", "requirement"]
        constraints = [
            models.UniqueConstraint(fields=["meeting_type", "requirement"], name="input_requirement_unique_check")
        ]

    def __str__(self) -> str:
        return f"{self.get_requirement_display()} ({self.get_stage_display()})"
