"""Case direction (casusregie) and process direction (procesregie) of a case.

Seed 003, section 8.2: for every case, at the start and again as it goes, who directs the
content (the case director, a named professional of a partner organisation) and which tasks
that includes; the house's process director oversees the process. One accepted case director
per active case; a handover ends one assignment and starts the next, so the assignments are
the handover log (from, to, date, reason).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel

__all__ = [
    "CaseDirectorTask",
    "DirectionAssignment",
    "DirectionRole",
    "DirectionStatus",
    "DirectionTaskCheck",
    "ProcessDirectorTask",
]


class CaseDirectorTask(models.TextChoices):
    """The seven tasks of the case director (casusregisseur), seed 003 section 8.2."""

    KNOW_CLIENTS = (
        "know_clients",
        _("Kent de cliënten goed en bepaalt of en wanneer de cliënt aanschuift in het overleg"),
    )
    LEAD_GOAL = "lead_goal", _("Neemt het voortouw op de inhoud van het centrale doel in de casus")
    LEAD_APPROACH = (
        "lead_approach",
        _("Neemt het voortouw op de inhoud van een goede aanpak die tijdig wordt afgesproken"),
    )
    FIT_INTERVENTIONS = "fit_interventions", _("Zorgt dat de gekozen interventies inhoudelijk bij elkaar passen")
    INFORM_PROFESSIONALS = (
        "inform_professionals",
        _(
            "Informeert de professionals die interventies uitvoeren voortdurend en rechtstreeks over de eigen vorderingen (cc procesregisseur)"
        ),
    )
    ADVISE_TABLE = "advise_table", _("Adviseert de procesregisseur over wie er aan tafel nodig is")
    UPDATE_PLAN = (
        "update_plan",
        _("Levert bij aanpassing van probleembeschrijving, doel of plan van aanpak een update aan de procesregisseur"),
    )


class ProcessDirectorTask(models.TextChoices):
    """The ten tasks of the process director (procesregisseur), seed 003 section 8.2."""

    CLEAR_GOAL = "clear_goal", _("Ziet erop toe dat een helder doel van de aanpak wordt geformuleerd")
    JOINT_APPROACH = "joint_approach", _("Ziet erop toe dat er tijdig een gezamenlijke aanpak wordt afgesproken")
    TIMELY_ESCALATION = "timely_escalation", _("Ziet erop toe dat er tijdig wordt geëscaleerd")
    RIGHT_PARTNERS = "right_partners", _("Zorgt dat de juiste partners op het juiste moment aan tafel komen")
    INFORMATION = (
        "information",
        _("Zorgt dat partners de casusinformatie hebben die ze voor hun eigen rol nodig hebben"),
    )
    QUESTION_DIRECTOR = "question_director", _("Bevraagt de casusregisseur voortdurend op diens afwegingen")
    HOLD_TO_ACCOUNT = "hold_to_account", _("Spreekt de casusregisseur actief aan op de voortgang van interventies")
    CHAIR = "chair", _("Organiseert het casusoverleg en zit het voor")
    PLAN_CURRENT = (
        "plan_current",
        _("Bewaakt dat de casusregisseur probleembeschrijving, doel en plan van aanpak actueel houdt"),
    )
    FILE_COMPLETE = "file_complete", _("Bewaakt een helder en volledig casusdossier")


class DirectionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    ACCEPTED = "accepted", _("Geaccepteerd")
    DECLINED = "declined", _("Geweigerd")
    ENDED = "ended", _("Beëindigd")


class DirectionAssignment(VersionedModel):
    """One assignment of case direction: proposed by the process director, accepted (or
    declined) by the professional from their own account, ended by a handover or otherwise.

    `excluded_tasks` lists the tasks this director does not take on, each with where it lies
    instead (seed 003, section 8.3 step 3): ``[{"task": "<key>", "assigned_to": "<text>"}]``.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="direction_assignments", verbose_name=_("casus")
    )
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="direction_assignments",
        verbose_name=_("casusregisseur"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DirectionStatus.choices, default=DirectionStatus.PROPOSED
    )
    excluded_tasks = models.JSONField(_("taken die elders liggen"), default=list, blank=True)
    period_until = models.DateField(
        _("voor de periode tot"), null=True, blank=True, help_text=_("Leeg: tot de casus wordt afgesloten.")
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("neemt over van"),
    )
    reason = models.CharField(
        _("reden"), max_length=300, help_text=_("Waarom deze professional de casusregie krijgt (of overneemt).")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("voorgesteld door")
    )
    proposed_at = models.DateTimeField(_("voorgesteld op"))
    responded_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    decline_reason = models.CharField(_("reden van weigeren"), max_length=300, blank=True)
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(_("reden van beëindigen"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("casusregie")
        verbose_name_plural = _("casusregie")
        ordering = ["case", "proposed_at", "pk"]
        constraints = [
            # Exactly one case director at a time, and one open proposal at a time.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="accepted"), name="direction_one_director_per_case"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="proposed"), name="direction_one_proposal_per_case"
            ),
            models.CheckConstraint(
                condition=Q(status="ended", ended_at__isnull=False) | ~Q(status="ended"),
                name="direction_ended_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Casusregie {self.pk} in casus {self.case_id}"

    @property
    def excluded_keys(self) -> set[str]:
        return {entry["task"] for entry in self.excluded_tasks}


class DirectionRole(models.TextChoices):
    PROCESS = "process", _("Procesregisseur")
    CASE = "case", _("Casusregisseur")


class DirectionTaskCheck(TimestampedModel):
    """A task of the checklist ticked off for a case: by whom, when, with an optional note. The
    tasks are continuous; the latest check per task shows when it was last looked at."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="direction_task_checks", verbose_name=_("casus")
    )
    role = models.CharField(_("rol"), max_length=10, choices=DirectionRole.choices)
    task = models.CharField(_("taak"), max_length=30)
    note = models.CharField(_("notitie"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("afgevinkt door")
    )
    checked_at = models.DateTimeField(_("afgevinkt op"))

    AUDIT_REDACTED_FIELDS = frozenset({"note"})

    class Meta:
        verbose_name = _("afgevinkte regietaak")
        verbose_name_plural = _("afgevinkte regietaken")
        ordering = ["case", "role", "task", "-checked_at"]

    def __str__(self) -> str:
        return f"{self.role}:{self.task} in casus {self.case_id}"
