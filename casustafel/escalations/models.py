"""Escalation (opschaling): when case direction cannot be settled, an agreement stays overdue past
its term, a bodemeis is reported not met, or a case gets stuck.

Each escalation climbs a ladder of steps (`LADDERS`, in `casustafel.escalations.ladders`): for a
dispute about case direction the six steps of seed 003 section 8.3, the last two with the 10 + 10
working-day terms; for the others the levels process director, house manager, partner
management and public administration, each with a term. Every step is kept as an
`EscalationStage` (level, question, deadline, answer); a step whose deadline passes without the
escalation being resolved moves up automatically (`casustafel tick`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel


class EscalationReason(models.TextChoices):
    CASE_DIRECTION = "case_direction", _("Onenigheid over casusregie")
    AGREEMENT_OVERDUE = "agreement_overdue", _("Afspraak blijft over de termijn")
    REQUIREMENT_NOT_MET = "requirement_not_met", _("Bodemeis niet nagekomen")
    STUCK = "stuck", _("Casus loopt vast")


class EscalationLevel(models.TextChoices):
    """Who has to answer at a step (the level the escalation has reached)."""

    PROCESS_DIRECTOR = "process_director", _("Procesregisseur")
    HOUSE_MANAGER = "house_manager", _("Ketenmanager")
    PARTNER_MANAGEMENT = "partner_management", _("Management van de partners")
    PUBLIC_ADMINISTRATION = "public_administration", _("Openbaar bestuur")


LEVEL_ORDER = {level: rank for rank, level in enumerate(EscalationLevel.values)}


class EscalationStep(models.TextChoices):
    """The steps of the ladders. The first six are the escalation model for case direction
    (seed 003, section 8.3); the level steps serve the other reasons."""

    REPORTED = "reported", _("1. Gemeld bij de procesregisseur (niet in het overleg)")
    TALKS = "talks", _("2. Gesprekken met de kandidaten voor casusregie")
    PROPOSAL = "proposal", _("3. Voorstel en gezamenlijk besluit")
    TAKEOVER = "takeover", _("4. Het huis neemt de casusregie tijdelijk over")
    DIRECTORATE = "directorate", _("5. Directies geven binnen 10 werkdagen een definitief antwoord")
    PUBLIC_ADMINISTRATION = "public_administration", _("6. Het openbaar bestuur krijgt nog 10 werkdagen")
    AT_PROCESS_DIRECTOR = "at_process_director", _("Bij de procesregisseur")
    AT_HOUSE_MANAGER = "at_house_manager", _("Bij de ketenmanager")
    AT_PARTNER_MANAGEMENT = "at_partner_management", _("Bij het management van de partners")
    AT_PUBLIC_ADMINISTRATION = "at_public_administration", _("Bij het openbaar bestuur")


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def open(self) -> EscalationQuerySet:
        return self.filter(resolved_at__isnull=True)


class Escalation(VersionedModel):
    """One escalation of a case, with where it stands now (`step`, `level`, `deadline`: copies
    of its latest stage, so lists and the periodic work read one row)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="escalations", verbose_name=_("casus")
    )
    reason = models.CharField(_("aanleiding"), max_length=25, choices=EscalationReason.choices)
    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("afspraak"),
    )
    requirement_check = models.OneToOneField(
        "plans.RequirementCheck",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation",
        verbose_name=_("melding bodemeis niet nagekomen"),
    )
    question = models.TextField(_("vraag"), help_text=_("Wat moet er besloten of opgelost worden?"))
    parties = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="escalations",
        verbose_name=_("betrokken partijen"),
        help_text=_("Bij casusregie: de kandidaten. Bij een afspraak: de verantwoordelijke organisatie."),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeld door"),
        help_text=_("Leeg: automatisch opgeschaald."),
    )
    raised_at = models.DateTimeField(_("gemeld op"))
    step = models.CharField(_("stap"), max_length=30, choices=EscalationStep.choices)
    level = models.CharField(_("niveau"), max_length=25, choices=EscalationLevel.choices, db_index=True)
    deadline = models.DateField(_("termijn tot en met"), null=True, blank=True)
    term_passed_at = models.DateTimeField(
        _("laatste termijn verstreken op"),
        null=True,
        blank=True,
        help_text=_("De laatste stap is verstreken zonder besluit; er is geen hogere stap meer."),
    )
    public_administration_informed_at = models.DateTimeField(
        _("openbaar bestuur geïnformeerd op"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgehandeld door"),
    )
    outcome = models.TextField(_("uitkomst"), blank=True)

    AUDIT_REDACTED_FIELDS = frozenset({"question", "outcome"})

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalatie")
        verbose_name_plural = _("escalaties")
        ordering = ["-raised_at", "pk"]
        indexes = [
            models.Index(fields=["deadline"], condition=Q(resolved_at__isnull=True), name="escalation_open_deadline"),
        ]
        constraints = [
            # The periodic work raises at most one open escalation per overdue agreement.
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(resolved_at__isnull=True, agreement__isnull=False),
                name="escalation_one_open_per_agreement",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(outcome=""), name="escalation_resolved_with_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"Escalatie {self.pk} in casus {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class EscalationStage(TimestampedModel):
    """One step an escalation went through: the level that had to answer, the question put to
    it, the deadline, and its answer. `automatic` marks a step reached because the term of the
    previous one passed."""

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="stages", verbose_name=_("escalatie")
    )
    step = models.CharField(_("stap"), max_length=30, choices=EscalationStep.choices)
    level = models.CharField(_("niveau"), max_length=25, choices=EscalationLevel.choices)
    started_at = models.DateTimeField(_("begonnen op"))
    deadline = models.DateField(_("termijn tot en met"), null=True, blank=True)
    automatic = models.BooleanField(_("automatisch opgeschaald"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    question = models.TextField(_("vraag aan dit niveau"))
    answer = models.TextField(_("antwoord"), blank=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("antwoord vastgelegd door"),
    )

    AUDIT_REDACTED_FIELDS = frozenset({"question", "answer"})

    class Meta:
        verbose_name = _("escalatiestap")
        verbose_name_plural = _("escalatiestappen")
        ordering = ["escalation", "started_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["escalation", "step"], name="escalation_stage_once_per_step")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} ({self.escalation_id})"
