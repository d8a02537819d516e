"""The privacy covenant (convenant) of a house: who takes part, for which purposes, and per
meeting type the legal basis, the retention term and which information categories each sector
may contribute and see.

A covenant is versioned like the criteria sets: a published version is never changed; editing
copies the current version into a draft, and publishing the draft makes it the next version.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel
from casustafel.organisations.models import Sector


class LegalBasis(models.TextChoices):
    """The statutory ground on which partners share information in a meeting type (after the
    handvat "Gegevensuitwisseling bij samenwerking rond casuïstiek", v2.0, 2019)."""

    WGS = "wgs", _("WGS (Wet gegevensverwerking door samenwerkingsverbanden)")
    CONSENT = "consent", _("Toestemming van de betrokkene")
    WPG = "wpg", _("Wet politiegegevens (Wpg)")
    WJSG = "wjsg", _("Wet justitiële en strafvorderlijke gegevens (Wjsg)")
    YOUTH_ACT = "youth_act", _("Jeugdwet")
    WMO = "wmo", _("Wet maatschappelijke ondersteuning 2015 (Wmo 2015)")
    GDPR_PUBLIC_TASK = "gdpr_6_1_e", _("AVG art. 6 lid 1 sub e (taak van algemeen belang)")
    OTHER = "other", _("Anders, namelijk")


class InformationCategory(models.TextChoices):
    """Kinds of information about a person. Provenance of every item (a later part of issue 4)
    records one of these, so the covenant can say who may bring and see it."""

    IDENTIFICATION = "identification", _("Identificerende gegevens (naam, geboortedatum, adres, BSN)")
    HOUSEHOLD = "household", _("Gezinssamenstelling en netwerk")
    POLICE_JUSTICE = "police_justice", _("Politie- en justitiële gegevens (mutaties, antecedenten)")
    SUPERVISION = "supervision", _("Reclassering en toezicht")
    CARE = "care", _("Zorggegevens (medisch, GGZ, verslaving)")
    YOUTH_PROTECTION = "youth_protection", _("Jeugdbescherming")
    HOUSING_FINANCES = "housing_finances", _("Wonen en financiën")
    SCHOOL = "school", _("School en opleiding")


class Visibility(models.TextChoices):
    """How much of a category a sector sees. "Known only" shows that information exists and who
    holds it, not its content: the usual level for care information outside the care sector."""

    FULL = "full", _("Volledig")
    KNOWN_ONLY = "known_only", _("Alleen bekend / niet bekend")
    NONE = "none", _("Niet")


class Covenant(TimestampedModel):
    """The privacy covenant of one house; its content lives in versions."""

    house = models.OneToOneField(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="covenant",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    title = models.CharField(
        _("titel"),
        max_length=200,
        default="Privacyconvenant",
        help_text=_("Bijv. Privacyconvenant Zorg en Veiligheid."),
    )

    class Meta:
        verbose_name = _("convenant")
        verbose_name_plural = _("convenanten")
        ordering = ["house__name"]

    def __str__(self) -> str:
        return self.title


class CovenantVersion(VersionedModel):
    """One version of a covenant. A draft is edited by the house's administrators; once published
    it is immutable (the services refuse every change). The version in force on a day is the
    published one with the latest `effective_from` on or before that day."""

    covenant = models.ForeignKey(
        Covenant, on_delete=models.PROTECT, related_name="versions", verbose_name=_("convenant")
    )
    number = models.PositiveIntegerField(_("versienummer"))
    effective_from = models.DateField(
        _("geldig vanaf"), null=True, blank=True, help_text=_("De dag waarop deze versie ingaat.")
    )
    approval_note = models.CharField(
        _("ondertekend / vastgesteld"),
        max_length=300,
        blank=True,
        help_text=_("Door wie en wanneer vastgesteld, bijv. 'Ondertekend door de stuurgroep op 12 maart 2025'."),
    )
    change_note = models.TextField(_("toelichting op de wijziging"), blank=True)
    purposes = models.TextField(
        _("doelen"),
        blank=True,
        help_text=_("Waarvoor gegevens worden verwerkt; één doel per regel."),
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgesteld door"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gepubliceerd door"),
    )

    class Meta:
        verbose_name = _("versie van het convenant")
        verbose_name_plural = _("versies van het convenant")
        ordering = ["covenant", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["covenant", "number"], name="covenant_version_unique_number"),
            # At most one draft at a time: two drafts would fork the covenant.
            models.UniqueConstraint(
                fields=["covenant"], condition=Q(published_at__isnull=True), name="covenant_single_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.covenant} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def purpose_list(self) -> list[str]:
        return [line.strip() for line in self.purposes.splitlines() if line.strip()]


class CovenantParticipant(models.Model):
    """An organisation of the house that takes part in (has signed) this covenant version."""

    covenant_version = models.ForeignKey(
        CovenantVersion, on_delete=models.CASCADE, related_name="participants", verbose_name=_("versie")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )

    class Meta:
        verbose_name = _("deelnemer aan het convenant")
        verbose_name_plural = _("deelnemers aan het convenant")
        ordering = ["covenant_version", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant_version", "organisation"], name="covenant_participant_unique_organisation"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class CovenantMeetingRule(VersionedModel):
    """What the covenant version says for one meeting type: the legal basis, the retention term
    and (in `category_rules`) which categories each sector may contribute and see."""

    covenant_version = models.ForeignKey(
        CovenantVersion, on_delete=models.CASCADE, related_name="meeting_rules", verbose_name=_("versie")
    )
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType",
        on_delete=models.PROTECT,
        related_name="covenant_rules",
        verbose_name=_("overlegtype"),
    )
    legal_basis = models.CharField(_("grondslag"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.WGS)
    legal_basis_detail = models.CharField(
        _("toelichting grondslag"),
        max_length=300,
        blank=True,
        help_text=_("Artikel of toelichting; verplicht bij 'Anders, namelijk'."),
    )
    retention_years = models.PositiveIntegerField(
        _("bewaartermijn (jaren na afsluiten)"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    class Meta:
        verbose_name = _("afspraken per overlegtype")
        verbose_name_plural = _("afspraken per overlegtype")
        ordering = ["covenant_version", "meeting_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant_version", "meeting_type"], name="covenant_rule_unique_meeting_type"
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="other") | ~Q(legal_basis_detail=""),
                name="covenant_rule_other_basis_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.covenant_version}: {self.meeting_type}"

    @property
    def legal_basis_text(self) -> str:
        """The basis as one readable phrase, with its explanation when there is one."""
        label = str(self.get_legal_basis_display())
        if self.legal_basis == LegalBasis.OTHER:
            return self.legal_basis_detail
        return f"{label} – {self.legal_basis_detail}" if self.legal_basis_detail else label


class CovenantCategoryRule(models.Model):
    """For one meeting type and one sector: may it bring this category in, and how much of it
    does it see."""

    meeting_rule = models.ForeignKey(
        CovenantMeetingRule, on_delete=models.CASCADE, related_name="category_rules", verbose_name=_("overlegtype")
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    category = models.CharField(_("soort informatie"), max_length=20, choices=InformationCategory.choices)
    may_contribute = models.BooleanField(_("mag inbrengen"), default=False)
    visibility = models.CharField(_("mag inzien"), max_length=12, choices=Visibility.choices, default=Visibility.NONE)

    class Meta:
        verbose_name = _("afspraak per sector en soort informatie")
        verbose_name_plural = _("afspraken per sector en soort informatie")
        ordering = ["meeting_rule", "category", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting_rule", "sector", "category"], name="covenant_category_rule_unique_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_sector_display()} / {self.get_category_display()}"
