"""The house's configuration that referral, triage, the covenant and the meetings all rest on:
meeting types (overlegtypen) with their input requirements, and the versioned admission
criteria sets they weigh referrals on. Discussion guides belong here too.

This app sits below `cases`, `privacy` and `meetings` (see docs/architecture.md, "Layers"): it
imports none of them. The models moved here from `meetings` and `cases` and keep their tables
(`db_table`), so the move lost no data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel


class Combinator(models.TextChoices):
    ALL = "all", _("alle onderdelen (EN)")
    ANY = "any", _("minstens één onderdeel (OF)")


class CriteriaSet(TimestampedModel):
    """A named set of admission criteria of a house; its content lives in versions."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="criteria_sets",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    name = models.CharField(_("naam"), max_length=120)

    class Meta:
        db_table = "cases_criteriaset"
        verbose_name = _("criteriaset")
        verbose_name_plural = _("criteriasets")
        ordering = ["house", "name"]
        constraints = [models.UniqueConstraint(fields=["house", "name"], name="criteria_set_unique_name")]

    def __str__(self) -> str:
        return self.name


class CriteriaSetVersion(VersionedModel):
    """One immutable version of a criteria set. Editing creates a new version; every triage
    keeps the version it was judged on. The newest published version is the current one.
    `version` (from VersionedModel) detects concurrent edits of a draft's settings."""

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="versions", verbose_name=_("criteriaset")
    )
    number = models.PositiveIntegerField(_("versienummer"))
    combinator = models.CharField(
        _("toelating"),
        max_length=5,
        choices=Combinator.choices,
        default=Combinator.ALL,
        help_text=_("Moeten alle criteria gelden, of is één genoeg?"),
    )
    change_note = models.TextField(_("toelichting op de wijziging"), blank=True)
    source = models.CharField(_("bron"), max_length=200, blank=True, help_text=_("Bijv. Werkinstructie maart 2014."))
    published_at = models.DateTimeField(_("in gebruik sinds"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgesteld door"),
    )

    class Meta:
        db_table = "cases_criteriasetversion"
        verbose_name = _("versie van criteriaset")
        verbose_name_plural = _("versies van criteriasets")
        ordering = ["criteria_set", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="criteria_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set} v{self.number}"


class Criterion(models.Model):
    """A criterion or a part of one. Parts form a tree: a node with a combinator is met when
    all (EN) or any (OF) of its children are met; verdicts are given on leaves only. This
    encodes the national multiproblem definition (three parts joined by EN, the whole joined
    by OF to the area-bound safety alternative)."""

    version = models.ForeignKey(
        CriteriaSetVersion, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("versie")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("onderdeel van"),
    )
    code = models.CharField(_("code"), max_length=12, help_text=_("Bijv. a, b, a1."))
    label = models.CharField(_("korte omschrijving"), max_length=300)
    text = models.TextField(_("volledige tekst"))
    combinator = models.CharField(
        _("samenstelling"),
        max_length=5,
        choices=Combinator.choices,
        blank=True,
        help_text=_("Leeg voor een criterium zonder onderdelen."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    # `version` is the criteria set version this belongs to, so the optimistic-locking counter
    # of a criterion is called `revision`; edit forms carry it to detect concurrent edits.
    revision = models.PositiveIntegerField(_("revisie"), default=1, editable=False)

    class Meta:
        db_table = "cases_criterion"
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="criterion_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.label}"


def parse_follow_up_months(value: str) -> list[int]:
    """The months of a follow-up setting ("3,6,12"), sorted and without repeats.

    Raises:
        ValueError: a part that is not a whole number from 1 to 60.
    """
    months = set()
    for part in value.split(","):
        if not part.strip():
            continue
        number = int(part.strip())
        if not 1 <= number <= 60:
            raise ValueError(part)
        months.add(number)
    return sorted(months)


def validate_follow_up_months(value: str) -> None:
    try:
        parse_follow_up_months(value)
    except ValueError as exc:
        raise ValidationError(
            _("Geef hele maanden van 1 tot en met 60, gescheiden door komma's, bijv. 3,6,12.")
        ) from exc


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
        CriteriaSet,
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
    # How meetings of this type are run (the meetings issue).
    default_organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("standaard uitgenodigde partners"),
        help_text=_("Worden bij elk agendapunt voorgesteld, naast de organisaties die al bij de casus betrokken zijn."),
    )
    crucial_organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("cruciale partners"),
        help_text=_(
            "Zonder hen heeft bespreken weinig zin. Worden altijd uitgenodigd; als zij niet hebben bevestigd, "
            "ziet het secretariaat dat op de startpagina."
        ),
    )
    minutes_per_case = models.PositiveSmallIntegerField(
        _("standaard minuten per casus"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    default_duration_minutes = models.PositiveSmallIntegerField(
        _("standaard duur van een overleg (minuten)"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(8 * 60)],
    )
    clients_invited_by_default = models.BooleanField(
        _("cliënten uitnodigen: ja, tenzij"),
        default=True,
        help_text=_(
            "Cliënten worden uitgenodigd, tenzij er per agendapunt een reden is vastgelegd om het niet te doen."
        ),
    )
    separate_perpetrator_and_victim = models.BooleanField(
        _("pleger en slachtoffer nooit samen"),
        default=False,
        help_text=_("Bij stalking of intieme terreur: een pleger en een slachtoffer zitten nooit in hetzelfde deel."),
    )
    # Follow-up after closure (the plans issue): when the process director is asked how it goes.
    follow_up_months = models.CharField(
        _("nazorgmomenten (maanden na afsluiten)"),
        max_length=40,
        default="3,6,12",
        blank=True,
        validators=[validate_follow_up_months],
        help_text=_("Komma-gescheiden, bijv. 3,6,12. Leeg: geen nazorgvragen."),
    )

    objects = MeetingTypeQuerySet.as_manager()

    class Meta:
        db_table = "meetings_meetingtype"
        verbose_name = _("overlegtype")
        verbose_name_plural = _("overlegtypen")
        ordering = ["house", "name"]
        constraints = [models.UniqueConstraint(fields=["house", "name"], name="meeting_type_unique_name_per_house")]

    def __str__(self) -> str:
        return self.name

    @property
    def follow_up_month_list(self) -> list[int]:
        return parse_follow_up_months(self.follow_up_months)


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
        db_table = "meetings_inputrequirement"
        verbose_name = _("inputeis")
        verbose_name_plural = _("inputeisen")
        ordering = ["meeting_type", "stage", "requirement"]
        constraints = [
            models.UniqueConstraint(fields=["meeting_type", "requirement"], name="input_requirement_unique_check")
        ]

    def __str__(self) -> str:
        return f"{self.get_requirement_display()} ({self.get_stage_display()})"


# Discussion guides live in their own module; imported here so Django finds them.
from casustafel.meeting_types.models_guides import *  # noqa: E402, F403
