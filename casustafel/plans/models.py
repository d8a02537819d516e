"""What a case keeps after the meeting that made it: the safety phase and its moves, the
minimum safety requirements (bodemeisen) and the agreements (afspraken).

`plans` sits above `cases` and below `meetings`: a meeting records where each of these was made
(a link from the meetings side), but they belong to the case and outlive the meeting. The plan
of approach with its versions and goals, case direction, closure and follow-up live in the
`models_*` modules imported at the bottom.
"""

from __future__ import annotations

import datetime as dt

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


class AgreementResponse(models.TextChoices):
    """The responsible organisation's answer to an agreement made for it."""

    PENDING = "pending", _("Nog niet geaccepteerd")
    ACCEPTED = "accepted", _("Geaccepteerd")
    DECLINED = "declined", _("Geweigerd")


class AgreementProgress(models.TextChoices):
    """What the responsible person reported last (terugkoppeling)."""

    NONE = "", _("Nog niets gemeld")
    DONE = "done", _("Uitgevoerd")
    PARTLY = "partly", _("Deels uitgevoerd")
    NOT_DONE = "not_done", _("Niet uitgevoerd")


class AgreementEnd(models.TextChoices):
    """How an agreement stopped being open: carried out, or settled when the case closed."""

    DONE = "done", _("Uitgevoerd")
    CANCELLED = "cancelled", _("Vervallen")
    CONTINUES = "continues", _("Loopt door buiten het huis")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def open(self) -> AgreementQuerySet:
        """Agreements still to be carried out: not ended and not declined."""
        return self.filter(ended_at__isnull=True).exclude(response=AgreementResponse.DECLINED)

    def overdue(self, today: dt.date) -> AgreementQuerySet:
        return self.open().filter(due_date__lt=today)


class Agreement(VersionedModel):
    """Who (organisation and named person) does what, by when, of which kind and why
    (afspraak). The Actie-overleg agrees on an hour as well as a date.

    The responsible organisation accepts or declines it from its own account (`response`);
    the responsible person reports progress (`AgreementUpdate`, the latest copied to
    `progress` so lists need no subquery). It ends when reported done, or when the case closes
    (`end`: cancelled, or continuing outside the house with `continues_with`).
    """

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
    goal = models.ForeignKey(
        "plans.Goal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("draagt bij aan doel"),
    )
    response = models.CharField(
        _("acceptatie"), max_length=10, choices=AgreementResponse.choices, default=AgreementResponse.PENDING
    )
    responded_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    decline_reason = models.TextField(_("reden van weigeren"), blank=True)
    progress = models.CharField(
        _("voortgang"), max_length=10, choices=AgreementProgress.choices, default=AgreementProgress.NONE, blank=True
    )
    progress_at = models.DateTimeField(_("voortgang gemeld op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    end = models.CharField(_("afloop"), max_length=10, choices=AgreementEnd.choices, blank=True)
    continues_with = models.CharField(
        _("loopt door bij"),
        max_length=300,
        blank=True,
        help_text=_("Bij afsluiten: wie de afspraak na de casus voortzet."),
    )

    AUDIT_REDACTED_FIELDS = frozenset({"what", "justification", "decline_reason", "continues_with"})

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["due_date", "due_time", "pk"]
        indexes = [
            # The periodic work and the task lists read open agreements by due date.
            models.Index(fields=["due_date"], condition=Q(ended_at__isnull=True), name="agreement_open_due"),
            models.Index(fields=["owner", "due_date"], name="agreement_owner_due"),
            models.Index(fields=["organisation", "due_date"], name="agreement_organisation_due"),
            # The reports read a house's agreements due in a period, case by case (issue 12).
            models.Index(fields=["case", "due_date"], name="agreement_case_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end="") | Q(ended_at__isnull=False) & ~Q(end=""),
                name="agreement_end_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Afspraak {self.pk} in casus {self.case_id}"


class AgreementUpdate(TimestampedModel):
    """Feedback on an agreement by its responsible person or organisation (terugkoppeling):
    done, partly or not done, with the result. The history of an agreement."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="updates", verbose_name=_("afspraak")
    )
    progress = models.CharField(
        _("stand van zaken"),
        max_length=10,
        choices=[choice for choice in AgreementProgress.choices if choice[0]],
    )
    result = models.TextField(_("resultaat"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("namens")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeld door")
    )
    reported_at = models.DateTimeField(_("gemeld op"), db_index=True)

    AUDIT_REDACTED_FIELDS = frozenset({"result"})

    class Meta:
        verbose_name = _("terugkoppeling")
        verbose_name_plural = _("terugkoppelingen")
        ordering = ["reported_at", "pk"]

    def __str__(self) -> str:
        return f"Terugkoppeling {self.pk} op afspraak {self.agreement_id}"


class RequirementCheck(TimestampedModel):
    """The monitor's report on a bodemeis: met or not met, with what was seen. A report of
    "not met" is escalated by the periodic work (`casustafel.escalations`)."""

    requirement = models.ForeignKey(
        MinimumRequirement, on_delete=models.CASCADE, related_name="checks", verbose_name=_("bodemeis")
    )
    met = models.BooleanField(_("nagekomen"))
    note = models.TextField(_("toelichting"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("namens")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeld door")
    )
    checked_at = models.DateTimeField(_("gemeld op"))

    AUDIT_REDACTED_FIELDS = frozenset({"note"})

    class Meta:
        verbose_name = _("controle van een bodemeis")
        verbose_name_plural = _("controles van bodemeisen")
        ordering = ["checked_at", "pk"]
        indexes = [models.Index(fields=["met", "checked_at"], name="requirement_check_met")]

    def __str__(self) -> str:
        return f"Controle {self.pk} van bodemeis {self.requirement_id}"


# The plan of approach and its goals, case direction, closure and follow-up: own modules,
# imported here so Django finds them.
from casustafel.plans.models_closure import *  # noqa: E402, F403
from casustafel.plans.models_direction import *  # noqa: E402, F403
from casustafel.plans.models_plan import *  # noqa: E402, F403
