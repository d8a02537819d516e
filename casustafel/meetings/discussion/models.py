"""What is said about a case in a meeting (de bespreking): the answers to the discussion guide,
the structured entries (concerns, strengths, needs, incidents, risk factors, brainstorm ideas,
priorities, interventions), the safety scores, the parts the chair skipped, and the links to
what the meeting made that outlives it (facts of the picture in `cases`; phase moves,
bodemeisen and agreements in `plans`). And the minutes' approval.

Imported by `casustafel.meetings.models`, so these are models of the meetings app. Everything
is recorded per part of the agenda item (`AgendaItemPart`): who may read the minutes of a part
follows from who was invited to it (see `casustafel.meetings.discussion.selectors`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel

__all__ = [
    "SCORE_MAX",
    "SCORE_MIN",
    "Discussion",
    "DiscussionAgreement",
    "DiscussionAnswer",
    "DiscussionEntry",
    "DiscussionFact",
    "DiscussionPhaseMove",
    "DiscussionRequirement",
    "EntryKind",
    "IncidentMoment",
    "Minutes",
    "PartSkip",
    "RiskScope",
    "RiskStability",
    "SafetyScore",
    "Term",
]

SCORE_MIN, SCORE_MAX = 0, 10


class Discussion(VersionedModel):
    """The discussion of one agenda item, on the guide version in use when it started.

    The timer: `used_seconds` is the time of earlier runs; while the item is being discussed
    `running_since` holds the start of the current run.
    """

    item = models.OneToOneField(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="discussion", verbose_name=_("agendapunt")
    )
    guide_version = models.ForeignKey(
        "meeting_types.DiscussionGuideVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discussions",
        verbose_name=_("versie van de gespreksleidraad"),
    )
    current_part = models.ForeignKey(
        "meetings.AgendaItemPart",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deel dat nu wordt besproken"),
    )
    running_since = models.DateTimeField(_("loopt sinds"), null=True, blank=True)
    used_seconds = models.PositiveIntegerField(_("gebruikte tijd (seconden)"), default=0)
    first_started_at = models.DateTimeField(_("begonnen om"), null=True, blank=True)

    class Meta:
        verbose_name = _("bespreking")
        verbose_name_plural = _("besprekingen")

    def __str__(self) -> str:
        return f"Bespreking van agendapunt {self.item_id}"


class DiscussionAnswer(VersionedModel):
    """The free-text answer to one guide question in one part of the item. Saved field by
    field as it is typed; `version` keeps two people typing in the same field from
    overwriting each other."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="answers", verbose_name=_("bespreking")
    )
    part = models.ForeignKey(
        "meetings.AgendaItemPart", on_delete=models.CASCADE, related_name="+", verbose_name=_("deel")
    )
    question = models.ForeignKey(
        "meeting_types.GuideQuestion", on_delete=models.PROTECT, related_name="+", verbose_name=_("vraag")
    )
    text = models.TextField(_("antwoord"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("laatst gewijzigd door")
    )

    AUDIT_REDACTED_FIELDS = frozenset({"text"})

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        constraints = [
            models.UniqueConstraint(fields=["discussion", "part", "question"], name="discussion_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"Antwoord {self.pk}"


class PartSkip(TimestampedModel):
    """A part of the guide the chair skipped in this discussion; the minutes show it as
    skipped rather than leaving it out."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="skips", verbose_name=_("bespreking")
    )
    guide_part = models.ForeignKey(
        "meeting_types.GuidePart", on_delete=models.PROTECT, related_name="+", verbose_name=_("onderdeel")
    )
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("overgeslagen door")
    )

    class Meta:
        verbose_name = _("overgeslagen onderdeel")
        verbose_name_plural = _("overgeslagen onderdelen")
        constraints = [models.UniqueConstraint(fields=["discussion", "guide_part"], name="part_skip_unique")]

    def __str__(self) -> str:
        return f"Overgeslagen {self.guide_part_id}"


class EntryKind(models.TextChoices):
    """The structured entries of a discussion. Concerns, strengths and needs are the three
    columns of the analysis (Signs of Safety); brainstorm ideas are kept apart from the
    priorities and interventions decided on."""

    CONCERN = "concern", _("Zorg")
    STRENGTH = "strength", _("Kracht")
    NEED = "need", _("Wat is nodig")
    INCIDENT = "incident", _("Incident")
    RISK = "risk", _("Risicofactor")
    IDEA = "idea", _("Idee uit de brainstorm")
    PRIORITY = "priority", _("Prioriteit")
    INTERVENTION = "intervention", _("Interventie")


class IncidentMoment(models.TextChoices):
    """The top-3 violent incidents of the leidraad: the first, the worst and the latest."""

    FIRST = "first", _("Eerste")
    WORST = "worst", _("Ergste")
    LATEST = "latest", _("Laatste")


class RiskStability(models.TextChoices):
    STATIC = "static", _("Statisch")
    DYNAMIC = "dynamic", _("Dynamisch")


class RiskScope(models.TextChoices):
    INDIVIDUAL = "individual", _("Individueel")
    SYSTEMIC = "systemic", _("Systemisch")


class Term(models.TextChoices):
    SHORT = "short", _("Korte termijn")
    LONG = "long", _("Lange termijn")


class DiscussionEntry(VersionedModel):
    """One structured entry of a discussion; which fields apply depends on `kind`:

    - concern: `source` (what it rests on: observation, report, suspicion);
    - incident: `incident_moment` (first, worst, latest) and `occurred` (when);
    - risk: `risk_stability`, `risk_scope`, and `rank` 1-3 for the top-3 risks;
    - idea: `organisation` that offers it;
    - priority: `rank`, `reason` (why it goes first) and `term`;
    - intervention: `organisation` and `term`.
    """

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="entries", verbose_name=_("bespreking")
    )
    part = models.ForeignKey(
        "meetings.AgendaItemPart", on_delete=models.CASCADE, related_name="+", verbose_name=_("deel")
    )
    question = models.ForeignKey(
        "meeting_types.GuideQuestion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bij vraag"),
    )
    kind = models.CharField(_("soort"), max_length=15, choices=EntryKind.choices)
    text = models.TextField(_("omschrijving"))
    source = models.CharField(_("bron"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    incident_moment = models.CharField(_("welk incident"), max_length=10, choices=IncidentMoment.choices, blank=True)
    occurred = models.CharField(_("wanneer"), max_length=100, blank=True)
    risk_stability = models.CharField(
        _("statisch of dynamisch"), max_length=10, choices=RiskStability.choices, blank=True
    )
    risk_scope = models.CharField(_("individueel of systemisch"), max_length=12, choices=RiskScope.choices, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rangorde"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    reason = models.TextField(_("waarom"), blank=True)
    term = models.CharField(_("termijn"), max_length=5, choices=Term.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    AUDIT_REDACTED_FIELDS = frozenset({"text", "source", "occurred", "reason"})

    class Meta:
        verbose_name = _("vastlegging in een bespreking")
        verbose_name_plural = _("vastleggingen in besprekingen")
        ordering = ["kind", "rank", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "part", "incident_moment"],
                condition=Q(kind="incident"),
                name="discussion_entry_one_incident_per_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class SafetyScore(VersionedModel):
    """The scaling question answered by one participant (schaalvraag): a score from 0 to 10
    with its justification. A participant is a professional at the table (user and
    organisation) or a member of the household (only a name, as they have no account)."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("bespreking")
    )
    part = models.ForeignKey(
        "meetings.AgendaItemPart", on_delete=models.CASCADE, related_name="+", verbose_name=_("deel")
    )
    participant = models.CharField(_("deelnemer"), max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
        help_text=_("Leeg voor een gezinslid of cliënt."),
    )
    score = models.PositiveSmallIntegerField(
        _("cijfer"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    justification = models.TextField(_("onderbouwing"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    AUDIT_REDACTED_FIELDS = frozenset({"participant", "justification"})

    class Meta:
        verbose_name = _("schaalvraag")
        verbose_name_plural = _("schaalvragen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="safety_score_range"),
            models.UniqueConstraint(
                fields=["discussion", "part", "participant"], name="safety_score_one_per_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"Schaalvraag {self.pk}"


class DiscussionFact(TimestampedModel):
    """A fact of the picture brought in during this discussion (the `CaseFact` carries the
    provenance: contributing organisation, category, legal basis, consent, restriction), with
    the source it was stated on."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="facts", verbose_name=_("bespreking")
    )
    part = models.ForeignKey(
        "meetings.AgendaItemPart", on_delete=models.CASCADE, related_name="+", verbose_name=_("deel")
    )
    fact = models.OneToOneField(
        "cases.CaseFact", on_delete=models.CASCADE, related_name="discussion_link", verbose_name=_("feit")
    )
    source = models.CharField(_("bron"), max_length=300)

    AUDIT_REDACTED_FIELDS = frozenset({"source"})

    class Meta:
        verbose_name = _("feit uit een bespreking")
        verbose_name_plural = _("feiten uit besprekingen")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Feit {self.fact_id} uit bespreking {self.discussion_id}"


class DiscussionPhaseMove(TimestampedModel):
    """Where a phase move of the case was decided."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="phase_moves", verbose_name=_("bespreking")
    )
    part = models.ForeignKey(
        "meetings.AgendaItemPart", on_delete=models.CASCADE, related_name="+", verbose_name=_("deel")
    )
    phase_move = models.OneToOneField(
        "plans.PhaseMove", on_delete=models.CASCADE, related_name="discussion_link", verbose_name=_("faseovergang")
    )

    class Meta:
        verbose_name = _("faseovergang uit een bespreking")
        verbose_name_plural = _("faseovergangen uit besprekingen")
        ordering = ["created_at", "pk"]


class DiscussionRequirement(TimestampedModel):
    """Where a bodemeis was set."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("bespreking")
    )
    part = models.ForeignKey(
        "meetings.AgendaItemPart", on_delete=models.CASCADE, related_name="+", verbose_name=_("deel")
    )
    requirement = models.OneToOneField(
        "plans.MinimumRequirement", on_delete=models.CASCADE, related_name="discussion_link", verbose_name=_("bodemeis")
    )

    class Meta:
        verbose_name = _("bodemeis uit een bespreking")
        verbose_name_plural = _("bodemeisen uit besprekingen")
        ordering = ["created_at", "pk"]


class DiscussionAgreement(TimestampedModel):
    """Where an agreement was made."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("bespreking")
    )
    part = models.ForeignKey(
        "meetings.AgendaItemPart", on_delete=models.CASCADE, related_name="+", verbose_name=_("deel")
    )
    agreement = models.OneToOneField(
        "plans.Agreement", on_delete=models.CASCADE, related_name="discussion_link", verbose_name=_("afspraak")
    )

    class Meta:
        verbose_name = _("afspraak uit een bespreking")
        verbose_name_plural = _("afspraken uit besprekingen")
        ordering = ["created_at", "pk"]


class Minutes(VersionedModel):
    """The minutes of a meeting (verslag): generated from what was recorded, approved by the
    chair. Once approved the discussions of the meeting no longer change."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="minutes", verbose_name=_("casusoverleg")
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goedgekeurd door"),
    )

    class Meta:
        verbose_name = _("verslag")
        verbose_name_plural = _("verslagen")

    def __str__(self) -> str:
        return f"Verslag van overleg {self.meeting_id}"
