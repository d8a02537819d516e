"""The learning cycle of the network itself (seed 001: "het Veiligheidshuis zet processen in gang
zonder ze af te sluiten"; seed 004: effort, execution and value per improvement action):

- `SelfAssessment` (zelfevaluatie): one round of an instrument (`instruments.py`) about the house
  or one meeting type, answered by invited participants (`AssessmentInvitation`,
  `AssessmentAnswer`), repeated over time and compared round by round;
- `ImprovementPlan` (verbeterplan) with `ImprovementAction`s (verbeteracties): owner, date,
  feedback (`ImprovementActionUpdate`), followed like agreements, linked to the indicators they
  should move (`ActionIndicator`, by indicator key);
- `ValueRating` (waarde): a rating with a narrative per improvement action, per organisation
  and period (seed 004's value case instead of a business case);
- `EffortEntry` (meer- en minderwerk): hours spent or saved per organisation, activity and
  month, with how they were established.

No row holds personal data about clients. Answers are personal data of the participant: they
are only ever shown added up (`selectors_results.py`), never per person.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.learning.instruments import INSTRUMENTS
from casustafel.lib.models import TimestampedModel, VersionedModel

INSTRUMENT_CHOICES = [(key, instrument.title) for key, instrument in INSTRUMENTS.items()]


# --- Self-assessments ----------------------------------------------------------------------


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("In voorbereiding")
    OPEN = "open", _("Open voor antwoorden")
    CLOSED = "closed", _("Gesloten")


class SelfAssessmentQuerySet(models.QuerySet["SelfAssessment"]):
    def open(self) -> SelfAssessmentQuerySet:
        return self.filter(status=AssessmentStatus.OPEN)


class SelfAssessment(VersionedModel):
    """One round of a self-assessment of the house, or of one meeting type, with one instrument.
    Rounds of the same instrument and subject are compared side by side."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="self_assessments",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    instrument = models.CharField(_("vragenlijst"), max_length=20, choices=INSTRUMENT_CHOICES)
    instrument_version = models.PositiveSmallIntegerField(_("versie van de vragenlijst"))
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_assessments",
        verbose_name=_("overlegtype"),
        help_text=_("Leeg: de zelfevaluatie gaat over het huis als geheel."),
    )
    title = models.CharField(_("titel"), max_length=200)
    closes_on = models.DateField(_("sluit op"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    opened_at = models.DateTimeField(_("geopend op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("aangemaakt door")
    )

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("zelfevaluatie")
        verbose_name_plural = _("zelfevaluaties")
        ordering = ["-closes_on", "-pk"]
        indexes = [models.Index(fields=["house", "instrument", "meeting_type"], name="assessment_series")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == AssessmentStatus.OPEN


class AssessmentInvitation(VersionedModel):
    """A participant invited to answer one round. The organisation is the one they were invited
    for (the response overview per organisation, as seed 003's Bijlage 2)."""

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("zelfevaluatie")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessment_invitations",
        verbose_name=_("deelnemer"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    notified_at = models.DateTimeField(_("uitgenodigd op"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("ingestuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging voor een zelfevaluatie")
        verbose_name_plural = _("uitnodigingen voor zelfevaluaties")
        ordering = ["assessment", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="assessment_invitation_once"),
        ]

    def __str__(self) -> str:
        return f"Uitnodiging {self.pk}"


class AssessmentAnswer(models.Model):
    """One answer of one participant to one question (by key). Free text is the participant's
    own words about the overleg; it is shown without a name and only in rounds with enough
    submitted answers."""

    invitation = models.ForeignKey(
        AssessmentInvitation, on_delete=models.CASCADE, related_name="answers", verbose_name=_("uitnodiging")
    )
    question = models.CharField(_("vraag"), max_length=40)
    choice = models.CharField(_("keuze"), max_length=20, blank=True)
    number = models.PositiveIntegerField(_("getal"), null=True, blank=True)
    text = models.TextField(_("tekst"), blank=True)

    AUDIT_REDACTED_FIELDS = frozenset({"text"})

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        ordering = ["invitation", "question"]
        constraints = [models.UniqueConstraint(fields=["invitation", "question"], name="assessment_answer_once")]

    def __str__(self) -> str:
        return self.question


# --- Improvement plans and actions ---------------------------------------------------------


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Loopt")
    CLOSED = "closed", _("Afgerond")


class ImprovementPlan(VersionedModel):
    """What the house (or one meeting type) will improve, often after a self-assessment round."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="improvement_plans",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    title = models.CharField(_("titel"), max_length=200)
    aim = models.TextField(_("wat willen we bereiken"))
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_plans",
        verbose_name=_("overlegtype"),
        help_text=_("Leeg: het plan gaat over het huis als geheel."),
    )
    assessment = models.ForeignKey(
        SelfAssessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_plans",
        verbose_name=_("naar aanleiding van zelfevaluatie"),
    )
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opgesteld door")
    )
    closed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)

    class Meta:
        verbose_name = _("verbeterplan")
        verbose_name_plural = _("verbeterplannen")
        ordering = ["house", "status", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ActionProgress(models.TextChoices):
    NONE = "", _("Nog niets gemeld")
    DONE = "done", _("Uitgevoerd")
    PARTLY = "partly", _("Deels uitgevoerd")
    NOT_DONE = "not_done", _("Niet uitgevoerd")


class ActionEnd(models.TextChoices):
    DONE = "done", _("Uitgevoerd")
    DROPPED = "dropped", _("Vervallen")


class ImprovementActionQuerySet(models.QuerySet["ImprovementAction"]):
    def open(self) -> ImprovementActionQuerySet:
        return self.filter(ended_at__isnull=True)

    def overdue(self, today: dt.date) -> ImprovementActionQuerySet:
        return self.open().filter(due_date__lt=today)


class ImprovementAction(VersionedModel):
    """One action of an improvement plan (verbeteractie): who (organisation and named person)
    does what by when. Followed like an agreement: reminders before the date, notices when
    overdue, feedback from the owner (`ImprovementActionUpdate`). Effort entries and value
    ratings are recorded against it."""

    plan = models.ForeignKey(
        ImprovementPlan, on_delete=models.PROTECT, related_name="actions", verbose_name=_("verbeterplan")
    )
    title = models.CharField(_("verbeteractie"), max_length=200)
    description = models.TextField(_("wat houdt het in"), blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        verbose_name=_("organisatie"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        verbose_name=_("eigenaar"),
        help_text=_("De medewerker van deze organisatie die de actie trekt."),
    )
    due_date = models.DateField(_("klaar op"))
    progress = models.CharField(
        _("voortgang"), max_length=10, choices=ActionProgress.choices, default=ActionProgress.NONE, blank=True
    )
    progress_at = models.DateTimeField(_("voortgang gemeld op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    end = models.CharField(_("afloop"), max_length=10, choices=ActionEnd.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("verbeteractie")
        verbose_name_plural = _("verbeteracties")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["due_date"], condition=Q(ended_at__isnull=True), name="improvement_action_open_due"),
            models.Index(fields=["owner", "due_date"], name="improvement_action_owner_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end="") | Q(ended_at__isnull=False) & ~Q(end=""),
                name="improvement_action_end_with_moment",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    UP = "up", _("omhoog")
    DOWN = "down", _("omlaag")


class ActionIndicator(models.Model):
    """An indicator of the house's catalogue that the action should move, by its key (the
    catalogue is versioned data of the reporting app; the key is stable across versions)."""

    action = models.ForeignKey(
        ImprovementAction, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("verbeteractie")
    )
    indicator_key = models.SlugField(_("indicator"), max_length=60)
    direction = models.CharField(_("zou moeten gaan"), max_length=4, choices=Direction.choices)

    class Meta:
        verbose_name = _("indicator van een verbeteractie")
        verbose_name_plural = _("indicatoren van verbeteracties")
        ordering = ["action", "indicator_key"]
        constraints = [models.UniqueConstraint(fields=["action", "indicator_key"], name="action_indicator_once")]

    def __str__(self) -> str:
        return self.indicator_key


class ImprovementActionUpdate(TimestampedModel):
    """The owner's report on an action: done, partly or not done, with the result."""

    action = models.ForeignKey(
        ImprovementAction, on_delete=models.CASCADE, related_name="updates", verbose_name=_("verbeteractie")
    )
    progress = models.CharField(_("voortgang"), max_length=10, choices=ActionProgress.choices)
    result = models.TextField(_("resultaat"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeld door")
    )
    reported_at = models.DateTimeField(_("gemeld op"))

    class Meta:
        verbose_name = _("terugkoppeling op een verbeteractie")
        verbose_name_plural = _("terugkoppelingen op verbeteracties")
        ordering = ["action", "reported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_progress_display()} ({self.action_id})"


class Rating(models.IntegerChoices):
    POOR = 1, _("1 - onvoldoende")
    WEAK = 2, _("2 - matig")
    SUFFICIENT = 3, _("3 - voldoende")
    GOOD = 4, _("4 - goed")
    EXCELLENT = 5, _("5 - zeer goed")


class ValueRating(VersionedModel):
    """How one organisation values an improvement action over one period: a rating with the
    narrative behind it (seed 004: a value case, not a business case). `aspect` names the value
    indicator it rates ("Onderling vertrouwen tussen de samenwerkingspartners"), or is empty for
    the action as a whole."""

    action = models.ForeignKey(
        ImprovementAction, on_delete=models.PROTECT, related_name="value_ratings", verbose_name=_("verbeteractie")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    aspect = models.CharField(_("waarde-indicator"), max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(_("waardering"), choices=Rating.choices)
    narrative = models.TextField(_("toelichting"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    class Meta:
        verbose_name = _("waardering van een verbeteractie")
        verbose_name_plural = _("waarderingen van verbeteracties")
        ordering = ["action", "-year", "organisation__name", "aspect", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation", "year", "aspect"], name="value_rating_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ({self.action_id}, {self.year})"


# --- The effort ledger ---------------------------------------------------------------------


class Activity(models.TextChoices):
    PREPARING = "preparing", _("Voorbereiden")
    ATTENDING = "attending", _("Aanwezig zijn bij het overleg")
    AGREEMENTS = "agreements", _("Afspraken uitvoeren")
    COORDINATION = "coordination", _("Afstemmen en coördineren")
    TRAVEL = "travel", _("Reizen")
    DEVELOPMENT = "development", _("Ontwikkelen (opzet, training, werkprocessen)")


class EffortDirection(models.TextChoices):
    MORE = "more", _("Meerwerk (uren besteed)")
    LESS = "less", _("Minderwerk (uren bespaard)")


class Evidence(models.TextChoices):
    MEASURED = "measured", _("Gemeten")
    ESTIMATED = "estimated", _("Geschat")
    FELT = "felt", _("Gevoelsmatig")


class EffortEntry(VersionedModel):
    """Hours an organisation spent (meerwerk) or saved (minderwerk) on one activity in one
    calendar month, for the house in general, one meeting type or one improvement action, and
    how the hours were established. The time the system observes itself (attendance x minutes
    of the agenda items) is not entered: `selectors_reporting.observed_attendance` adds it."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="effort_entries",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="effort_entries",
        verbose_name=_("organisatie"),
    )
    month = models.DateField(_("maand"), help_text=_("De eerste dag van de maand waarover de uren gaan."))
    activity = models.CharField(_("activiteit"), max_length=15, choices=Activity.choices)
    direction = models.CharField(_("meer- of minderwerk"), max_length=5, choices=EffortDirection.choices)
    hours = models.DecimalField(
        _("uren"),
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(0.1), MaxValueValidator(9999)],
    )
    evidence = models.CharField(_("hoe vastgesteld"), max_length=10, choices=Evidence.choices)
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="effort_entries",
        verbose_name=_("overlegtype"),
    )
    action = models.ForeignKey(
        ImprovementAction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="effort_entries",
        verbose_name=_("verbeteractie"),
    )
    note = models.CharField(_("toelichting"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    class Meta:
        verbose_name = _("meer- of minderwerk")
        verbose_name_plural = _("meer- en minderwerk")
        ordering = ["-month", "organisation__name", "activity", "pk"]
        indexes = [models.Index(fields=["house", "month"], name="effort_house_month")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="effort_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} {self.month:%Y-%m}"
