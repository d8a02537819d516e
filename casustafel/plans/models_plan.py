"""The plan of approach (plan van aanpak) of a case and its goals.

One household, one plan: an `ActionPlan` per case holds the current text; every change writes
an immutable `PlanVersion` with who changed it, why, and a copy of everything the plan states at
that moment (approach, goal, safety phase, bodemeisen, goals, the summary for the household), so
two versions can be compared without reconstructing history from the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import VersionedModel

__all__ = ["GOAL_OUTCOMES", "ActionPlan", "Approach", "Goal", "GoalStatus", "PlanVersion"]


class Approach(models.TextChoices):
    """Seed 003, section 2.9: partners either align their own tracks, or decide the content
    together behind one jointly formulated goal."""

    JOINT = "joint", _("Gezamenlijke aanpak")
    ALIGNED = "aligned", _("Afgestemde aanpak")


class ActionPlan(VersionedModel):
    """The current plan of approach of a case. `number` is the number of its latest version."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan", verbose_name=_("casus"))
    approach = models.CharField(_("aanpak"), max_length=10, choices=Approach.choices)
    common_goal = models.TextField(
        _("gezamenlijk doel"), help_text=_("Het doel waar alle partners achter staan, in één of twee zinnen.")
    )
    problem = models.TextField(
        _("probleembeschrijving"),
        blank=True,
        help_text=_("Kort: wat is er aan de hand en waarom is samenwerken nodig."),
    )
    household_summary = models.TextField(
        _("samenvatting voor het huishouden"),
        blank=True,
        help_text=_("In gewone taal (B1): wat gaan we doen, wie doet wat, wanneer praten we weer met u."),
    )
    number = models.PositiveIntegerField(_("versienummer"), default=1)

    AUDIT_REDACTED_FIELDS = frozenset({"common_goal", "problem", "household_summary"})

    class Meta:
        verbose_name = _("plan van aanpak")
        verbose_name_plural = _("plannen van aanpak")

    def __str__(self) -> str:
        return f"Plan van aanpak van casus {self.case_id}"


class PlanVersion(models.Model):
    """One version of a plan, never changed after it is written.

    `goals` and `requirements` are copies (lists of dicts with the fields shown), because goals
    and bodemeisen change afterwards; `safety_phase` is the phase at that moment.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("versienummer"))
    approach = models.CharField(_("aanpak"), max_length=10, choices=Approach.choices)
    common_goal = models.TextField(_("gezamenlijk doel"))
    problem = models.TextField(_("probleembeschrijving"), blank=True)
    household_summary = models.TextField(_("samenvatting voor het huishouden"), blank=True)
    safety_phase = models.CharField(_("veiligheidsfase"), max_length=20, blank=True)
    review_date = models.DateField(_("rappeldatum"), null=True, blank=True)
    goals = models.JSONField(_("doelen"), default=list)
    requirements = models.JSONField(_("bodemeisen"), default=list)
    reason = models.CharField(_("reden van de wijziging"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("door")
    )
    created_at = models.DateTimeField(_("op"), db_index=True)

    AUDIT_REDACTED_FIELDS = frozenset({"common_goal", "problem", "household_summary", "goals", "requirements"})

    class Meta:
        verbose_name = _("versie van het plan van aanpak")
        verbose_name_plural = _("versies van plannen van aanpak")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")]

    def __str__(self) -> str:
        return f"Versie {self.number} van het plan van casus {self.plan.case_id}"


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Nog niet begonnen")
    ON_TRACK = "on_track", _("Op koers")
    ACHIEVED = "achieved", _("Behaald")
    NOT_ACHIEVED = "not_achieved", _("Niet behaald")


# A goal in one of these states is settled; closing a case asks for one of them per goal.
GOAL_OUTCOMES = (GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED)


class Goal(VersionedModel):
    """A goal of the plan: what must be reached, the measurable result criterion, who owns it
    and by when, and how it stands (with the evidence and the date of that judgement).

    A goal without criterion, owner or target date is allowed but flagged (seed 001: unclear or
    missing SMART goals hinder the consultation)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    title = models.CharField(_("doel"), max_length=300)
    criterion = models.TextField(
        _("resultaatcriterium"),
        blank=True,
        help_text=_("Waaraan zien we dat het doel bereikt is? Bijv. 'drie maanden geen politiemelding'."),
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eigenaar (organisatie)"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eigenaar (persoon)"),
    )
    target_date = models.DateField(_("streefdatum"), null=True, blank=True)
    status = models.CharField(_("voortgang"), max_length=15, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED)
    evidence = models.TextField(_("onderbouwing van de voortgang"), blank=True)
    status_on = models.DateField(_("voortgang beoordeeld op"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    withdrawn_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)

    AUDIT_REDACTED_FIELDS = frozenset({"title", "criterion", "evidence"})

    class Meta:
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="not_started") | Q(status_on__isnull=False), name="goal_status_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"Doel {self.pk} van casus {self.plan.case_id}"
