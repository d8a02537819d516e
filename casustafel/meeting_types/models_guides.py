"""Discussion guides (gespreksleidraad) as data: per meeting type a guide with immutable
versions, each of phases, parts and questions.

Imported by `casustafel.meeting_types.models`, so these are models of the meeting_types app. A
discussion keeps the version it was held on (`meetings.Discussion.guide_version`), so changing
the guide later never changes what the minutes of an earlier meeting say. The guides a house
starts with are data too (`guide_defaults.py`), installed by `guide_services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel

__all__ = [
    "PHASE_ORDER",
    "Capture",
    "DiscussionGuide",
    "DiscussionGuideVersion",
    "GuidePart",
    "GuidePhase",
    "GuideQuestion",
    "PartKind",
    "SafetyPhase",
]


class SafetyPhase(models.TextChoices):
    """The phases of gefaseerde ketenzorg (seed 002), in their order. A case usually starts in
    direct safety; moving on or back is a `plans.PhaseMove`."""

    DIRECT_SAFETY = "direct_safety", _("Directe veiligheid")
    RISK_REDUCTION = "risk_reduction", _("Risicogestuurde zorg")
    RECOVERY = "recovery", _("Herstelgerichte zorg")


PHASE_ORDER = {phase: index for index, phase in enumerate(SafetyPhase.values)}


class PartKind(models.TextChoices):
    """The parts of a case discussion, in the leidraad's order (BOB plus the scaling question)."""

    BEFORE_HAND = "before_hand", _("Vooraf")
    GOAL = "goal", _("Doelstelling")
    PICTURE = "picture", _("Beeldvorming")
    SCALING = "scaling", _("Schaalvraag")
    JUDGEMENT = "judgement", _("Oordeelsvorming")
    DECISION = "decision", _("Besluitvorming")
    CLOSURE_PLAN = "closure_plan", _("Afsluitingsplan")


class Capture(models.TextChoices):
    """Structured entries a question collects in the live meeting, besides its free text."""

    PHASE = "phase", _("Fase")
    FACTS = "facts", _("Feiten met bron")
    CONCERNS = "concerns", _("Zorgen")
    STRENGTHS = "strengths", _("Krachten")
    NEEDS = "needs", _("Wat is nodig")
    INCIDENTS = "incidents", _("Top 3 incidenten")
    RISKS = "risks", _("Risicofactoren")
    SCORES = "scores", _("Schaalvraag per deelnemer")
    BRAINSTORM = "brainstorm", _("Brainstorm")
    PRIORITIES = "priorities", _("Prioriteiten")
    INTERVENTIONS = "interventions", _("Interventies")
    AGREEMENTS = "agreements", _("Afspraken")
    REQUIREMENTS = "requirements", _("Bodemeisen")


class DiscussionGuide(TimestampedModel):
    """The discussion guide of one meeting type (gespreksleidraad)."""

    meeting_type = models.OneToOneField(
        "meeting_types.MeetingType",
        on_delete=models.CASCADE,
        related_name="discussion_guide",
        verbose_name=_("overlegtype"),
    )
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("gespreksleidraad")
        verbose_name_plural = _("gespreksleidraden")
        ordering = ["meeting_type", "pk"]

    def __str__(self) -> str:
        return self.name


class DiscussionGuideVersion(VersionedModel):
    """One version of a guide. Published versions never change; editing happens in a draft
    (`published_at` empty), at most one per guide."""

    guide = models.ForeignKey(
        DiscussionGuide, on_delete=models.CASCADE, related_name="versions", verbose_name=_("gespreksleidraad")
    )
    number = models.PositiveIntegerField(_("versienummer"))
    change_note = models.TextField(_("toelichting op de wijziging"), blank=True)
    source = models.CharField(_("bron"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("in gebruik sinds"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )

    class Meta:
        verbose_name = _("versie van gespreksleidraad")
        verbose_name_plural = _("versies van gespreksleidraden")
        ordering = ["guide", "number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="guide_version_unique_number"),
            models.UniqueConstraint(
                fields=["guide"], condition=Q(published_at__isnull=True), name="guide_version_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guide} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class GuidePhase(models.Model):
    """A phase of a guide version; `safety_phase` is empty for a guide without phases (BOB)."""

    version = models.ForeignKey(
        DiscussionGuideVersion, on_delete=models.CASCADE, related_name="phases", verbose_name=_("versie")
    )
    safety_phase = models.CharField(_("fase"), max_length=20, choices=SafetyPhase.choices, blank=True)
    title = models.CharField(_("titel"), max_length=200)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("fase van gespreksleidraad")
        verbose_name_plural = _("fasen van gespreksleidraden")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "safety_phase"], name="guide_phase_unique_safety_phase"),
        ]

    def __str__(self) -> str:
        return self.title


class GuidePart(models.Model):
    """A part of a phase (Vooraf, Doelstelling, Beeldvorming...). The chair may skip a part in a
    meeting; the minutes then show it as skipped."""

    phase = models.ForeignKey(GuidePhase, on_delete=models.CASCADE, related_name="parts", verbose_name=_("fase"))
    kind = models.CharField(_("onderdeel"), max_length=20, choices=PartKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    intro = models.TextField(_("toelichting"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("onderdeel van gespreksleidraad")
        verbose_name_plural = _("onderdelen van gespreksleidraden")
        ordering = ["phase", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class GuideQuestion(models.Model):
    """A question of a part, with its sub-questions (`prompts`) and the structured entries it
    collects in the live meeting (`captures`, values of `Capture`)."""

    part = models.ForeignKey(GuidePart, on_delete=models.CASCADE, related_name="questions", verbose_name=_("onderdeel"))
    text = models.TextField(_("vraag"))
    prompts = models.JSONField(_("deelvragen"), default=list, blank=True)
    captures = models.JSONField(_("vastleggen"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("vraag van gespreksleidraad")
        verbose_name_plural = _("vragen van gespreksleidraden")
        ordering = ["part", "position", "pk"]

    def __str__(self) -> str:
        return self.text
