"""What a case keeps after the meeting that made it: the safety phase and its moves, the
minimum safety requirements (bodemeisen) and the agreements (afspraken).

`plans` sits above `cases` and below `meetings`: a meeting records where each of these was made
(a link from the meetings side), but they belong to the case and outlive the meeting. The plan
of approach, goals, acceptance and feedback (issue 11) build on these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel
from casustafel.meeting_types.models import SafetyPhase


class PhaseDirection(models.TextChoices):
    INITIAL = "initial", _("Eerste fase")
    FORWARD = "forward", _("Vooruit")
    BACKWARD = "backward", _("Terug")


class PhaseMove(TimestampedModel):
    """A move of the case between the phases of gefaseerde ketenzorg (faseovergang), always
    with its reason. The case's current phase is the `to_phase` of its latest move; the moves
    are never edited, so the history shows every step back as well as forward."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="phase_moves", verbose_name=_("casus")
    )
    from_phase = models.CharField(_("van fase"), max_length=20, choices=SafetyPhase.choices, blank=True)
    to_phase = models.CharField(_("naar fase"), max_length=20, choices=SafetyPhase.choices)
    direction = models.CharField(_("richting"), max_length=10, choices=PhaseDirection.choices)
    reason = models.TextField(_("reden"))
    moved_at = models.DateTimeField(_("op"), db_index=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("door")
    )

    AUDIT_REDACTED_FIELDS = frozenset({"reason"})

    class Meta:
        verbose_name = _("faseovergang")
        verbose_name_plural = _("faseovergangen")
        ordering = ["moved_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_phase=models.F("to_phase")), name="phase_move_changes_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_phase_display() or '-'} → {self.get_to_phase_display()}"


class MinimumRequirementQuerySet(models.QuerySet["MinimumRequirement"]):
    def in_force(self) -> MinimumRequirementQuerySet:
        return self.filter(ended_at__isnull=True)


class MinimumRequirement(VersionedModel):
    """A minimum safety requirement (bodemeis): what must at least be realised, which
    organisation monitors it, and what happens when it is not met."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="minimum_requirements", verbose_name=_("casus")
    )
    what = models.TextField(_("bodemeis"))
    monitor = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bewaakt door"),
    )
    if_not_met = models.TextField(_("als de bodemeis niet wordt nagekomen"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )
    ended_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)
    end_reason = models.CharField(_("reden vervallen"), max_length=300, blank=True)

    AUDIT_REDACTED_FIELDS = frozenset({"what", "if_not_met", "end_reason"})

    objects = MinimumRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("bodemeis")
        verbose_name_plural = _("bodemeisen")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Bodemeis {self.pk} in casus {self.case_id}"


class AgreementKind(models.TextChoices):
    """The kinds of agreement of the dossier analysis of seed 002 (Table 3.2), grouped as the
    plans issue names them."""

    INFORMATION_EXCHANGE = "information_exchange", _("Informatie uitwisselen tussen professionals")
    PROFESSIONAL_ACTION = "professional_action", _("Actie van een professional")
    HOUSEHOLD_ACTION = "household_action", _("Actie richting het huishouden")


class Agreement(VersionedModel):
    """Who (organisation and named person) does what, by when, of which kind and why
    (afspraak). The Actie-overleg agrees on an hour as well as a date."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="agreements", verbose_name=_("casus"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("organisatie"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("uitvoerder"),
        help_text=_("De professional van deze organisatie die de afspraak uitvoert."),
    )
    what = models.TextField(_("wat"))
    due_date = models.DateField(_("uiterlijk op"))
    due_time = models.TimeField(_("uiterlijk om"), null=True, blank=True)
    kind = models.CharField(_("soort afspraak"), max_length=25, choices=AgreementKind.choices)
    justification = models.TextField(_("onderbouwing"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    AUDIT_REDACTED_FIELDS = frozenset({"what", "justification"})

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["due_date", "due_time", "pk"]

    def __str__(self) -> str:
        return f"Afspraak {self.pk} in casus {self.case_id}"
