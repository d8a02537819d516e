"""The indicator catalogue (versioned definitions as data), figures entered from other sources,
and the annual report with its narrative sections and its kept, numbered editions.

No row here holds personal data: definitions, aggregate figures from other organisations (police
incidents per municipality), the board's prose and the generated documents, which contain only
suppressed aggregates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output")
    PROCESS = "process", _("Proces")
    OUTCOME = "outcome", _("Uitkomst")
    EFFORT = "effort", _("Inspanning")
    VALUE = "value", _("Waarde")


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", _("Berekend uit Casustafel")
    EXTERNAL = "external", _("Ingevoerd uit een andere bron")


class IndicatorUnit(models.TextChoices):
    COUNT = "count", _("aantal")
    PERCENT = "percent", _("procent")
    DAYS = "days", _("dagen")
    SCORE = "score", _("cijfer (0-10)")
    HOURS = "hours", _("uren")
    RATING = "rating", _("waardering (1-5)")


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("minimaal")
    AT_MOST = "at_most", _("maximaal")


class PublishGrain(models.TextChoices):
    """The finest period on which an indicator is published or entered."""

    MONTH = "month", _("per maand")
    QUARTER = "quarter", _("per kwartaal")
    YEAR = "year", _("per jaar")


class Indicator(VersionedModel):
    """An indicator of a house's catalogue: a stable key; what it means lives in its versions.
    Editing a definition adds a version (`indicator_revise`); figures and editions of the annual
    report name the version they used."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    key = models.SlugField(_("sleutel"), max_length=60)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(_("in gebruik"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["house", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["house", "key"], name="indicator_unique_key")]

    def __str__(self) -> str:
        return self.key


class IndicatorVersion(models.Model):
    """One version of an indicator's definition. Never edited: a change is the next version,
    with who, when and why."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="versions", verbose_name=_("indicator")
    )
    number = models.PositiveIntegerField(_("versie"))
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=10, choices=IndicatorKind.choices)
    counts = models.TextField(_("wat telt het"))
    numerator = models.TextField(_("teller"), blank=True)
    denominator = models.TextField(_("noemer"), blank=True)
    unit = models.CharField(_("eenheid"), max_length=10, choices=IndicatorUnit.choices)
    source = models.CharField(_("bron"), max_length=10, choices=IndicatorSource.choices)
    source_name = models.CharField(
        _("naam van de bron"),
        max_length=300,
        help_text=_("Waar de cijfers vandaan komen, bijv. 'Politie Midden-Nederland, incidentregistratie'."),
    )
    grain = models.CharField(_("periode"), max_length=10, choices=PublishGrain.choices, default=PublishGrain.MONTH)
    target = models.DecimalField(_("streefwaarde"), max_digits=9, decimal_places=2, null=True, blank=True)
    target_direction = models.CharField(
        _("streefwaarde is"), max_length=10, choices=TargetDirection.choices, blank=True
    )
    owner = models.CharField(
        _("eigenaar"), max_length=200, help_text=_("Wie erop stuurt, bijv. 'Ketenmanager' of 'Procesregie'.")
    )
    computation = models.CharField(
        _("berekening"),
        max_length=60,
        blank=True,
        help_text=_("De berekening in Casustafel (leeg bij cijfers uit een andere bron)."),
    )
    reason = models.CharField(_("reden van de wijziging"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgesteld door"),
    )
    created_at = models.DateTimeField(_("vastgesteld op"))

    class Meta:
        verbose_name = _("versie van een indicator")
        verbose_name_plural = _("versies van indicatoren")
        ordering = ["indicator", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="indicator_version_unique_number"),
            models.CheckConstraint(
                condition=Q(source="external", computation="") | Q(source="computed") & ~Q(computation=""),
                name="indicator_version_source_matches_computation",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True, target_direction="")
                | Q(target__isnull=False) & ~Q(target_direction=""),
                name="indicator_version_target_with_direction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (versie {self.number})"

    # The shipped definitions (reporting/catalogue.py) are stored in Dutch and are msgids of the
    # translation catalogue: while the house has not reworded them they read in the reader's
    # language; the house's own words are shown as written.
    def _shown(self, text: str) -> str:
        return gettext(text) if text else ""

    @property
    def shown_name(self) -> str:
        return self._shown(self.name)

    @property
    def shown_counts(self) -> str:
        return self._shown(self.counts)

    @property
    def shown_numerator(self) -> str:
        return self._shown(self.numerator)

    @property
    def shown_denominator(self) -> str:
        return self._shown(self.denominator)

    @property
    def shown_owner(self) -> str:
        return self._shown(self.owner)

    @property
    def shown_source_name(self) -> str:
        return self._shown(self.source_name)


class FigureStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("voorlopig")
    DEFINITIVE = "definitive", _("definitief")


class ExternalFigure(VersionedModel):
    """A figure from another system, entered by hand with its source named: police incidents
    per municipality, known repeat offenders according to the OM, detention outflow from DPAN.
    One per indicator, grid period and municipality (none: the whole house)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="external_figures", verbose_name=_("indicator")
    )
    period = models.CharField(_("periode"), max_length=7, help_text=_("2025, 2025-Q3 of 2025-07"))
    municipality = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
    )
    value = models.DecimalField(_("waarde"), max_digits=12, decimal_places=2, null=True, blank=True)
    not_known = models.BooleanField(_("niet bekend"), default=False, help_text=_("De bron heeft (nog) geen cijfer."))
    source = models.CharField(_("bron"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=FigureStatus.choices)
    note = models.CharField(_("toelichting"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ingevoerd door")
    )

    class Meta:
        verbose_name = _("cijfer uit een andere bron")
        verbose_name_plural = _("cijfers uit andere bronnen")
        ordering = ["indicator", "period", "municipality__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "municipality"], name="external_figure_unique_period_municipality"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(municipality__isnull=True),
                name="external_figure_unique_period_house",
            ),
            models.CheckConstraint(
                condition=Q(not_known=True, value__isnull=True) | Q(not_known=False, value__isnull=False),
                name="external_figure_value_or_not_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}"


class AnnualReport(VersionedModel):
    """The annual report of a house for one calendar year: the board's narrative sections and
    the editions generated from them."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])

    class Meta:
        verbose_name = _("jaarverslag")
        verbose_name_plural = _("jaarverslagen")
        ordering = ["house", "-year"]
        constraints = [models.UniqueConstraint(fields=["house", "year"], name="annual_report_unique_year")]

    def __str__(self) -> str:
        return f"Jaarverslag {self.year}"


class NarrativeSection(models.TextChoices):
    FOREWORD = "foreword", _("Voorwoord van het bestuur")
    YEAR = "year", _("Het jaar in het kort")
    COOPERATION = "cooperation", _("Samenwerking en leren")
    OUTLOOK = "outlook", _("Vooruitblik")


class AnnualReportSection(VersionedModel):
    """One narrative section of the annual report, written by the board in the app. Prose about
    the house's year, never about a person (the form says so)."""

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="sections", verbose_name=_("jaarverslag")
    )
    key = models.CharField(_("hoofdstuk"), max_length=15, choices=NarrativeSection.choices)
    text = models.TextField(_("tekst"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bijgewerkt door"),
    )

    class Meta:
        verbose_name = _("hoofdstuk van het jaarverslag")
        verbose_name_plural = _("hoofdstukken van het jaarverslag")
        ordering = ["report", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="annual_report_section_unique_key")]

    def __str__(self) -> str:
        return self.get_key_display()


class EditionStatus(models.TextChoices):
    QUEUED = "queued", _("Wacht op de achtergrondverwerking")
    RUNNING = "running", _("Wordt gemaakt")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class AnnualReportEdition(TimestampedModel):
    """One generated edition of an annual report: the PDF and the XLSX exactly as they were made,
    with the narrative and the catalogue versions they were made from. Kept; a new generation is
    the next edition."""

    report = models.ForeignKey(
        AnnualReport, on_delete=models.PROTECT, related_name="editions", verbose_name=_("jaarverslag")
    )
    number = models.PositiveIntegerField(_("editie"))
    status = models.CharField(_("status"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.QUEUED)
    percent = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    step = models.CharField(_("stap"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gevraagd door")
    )
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(_("begonnen op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(_("drempel"))
    narrative = models.JSONField(_("hoofdstukken"), default=dict)
    catalogue = models.JSONField(_("indicatorversies"), default=dict)
    pdf = models.BinaryField(_("PDF"), blank=True, editable=False)
    xlsx = models.BinaryField(_("XLSX"), blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("editie van het jaarverslag")
        verbose_name_plural = _("edities van het jaarverslag")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="annual_report_edition_unique")]

    def __str__(self) -> str:
        return f"Editie {self.number} van {self.report}"

    @property
    def running(self) -> bool:
        return self.status in (EditionStatus.QUEUED, EditionStatus.RUNNING)
