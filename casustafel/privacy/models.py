"""The privacy covenant (convenant) of a house: who takes part, for which purposes, and per
meeting type the legal basis, the retention term and which information categories each sector
may contribute and see.

A covenant is versioned like the criteria sets: a published version is never changed; editing
copies the current version into a draft, and publishing the draft makes it the next version.
The access log, retention and subject access live in later parts of this app.
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


# --- Provenance per item (issue 4, point 3) -------------------------------------------------


class Consent(models.TextChoices):
    """Whether the person consented to sharing this item."""

    GIVEN = "given", _("Gegeven")
    REFUSED = "refused", _("Geweigerd")
    NOT_ASKED = "not_asked", _("Niet gevraagd")


class ConsentException(models.TextChoices):
    """Why consent was not asked (required when it was not)."""

    ACUTE_DANGER = "acute_danger", _("Acuut gevaar")
    RUNNING_INVESTIGATION = "running_investigation", _("Lopend onderzoek")
    OTHER = "other", _("Anders, namelijk")


class Restriction(models.TextChoices):
    """How far the contributor lets an item travel within the case. Information stays owned by
    its contributor: "known only" shows others only that there is information from the
    organisation, never its content."""

    HOUSE = "house", _("Iedereen die de casus mag zien")
    SECTOR = "sector", _("Alleen één sector")
    KNOWN_ONLY = "known_only", _("Alleen eigen organisatie; anderen zien dat er informatie is")


# Free text that may be about the person; the audit trail records that it changed, not what it says.
PROVENANCE_REDACTED_FIELDS = frozenset({"consent_note"})

PROVENANCE_FIELDS = (
    "organisation",
    "added_by",
    "category",
    "legal_basis",
    "legal_basis_detail",
    "consent",
    "consent_exception",
    "consent_note",
    "restriction",
    "restricted_sector",
)


class Provenance(models.Model):
    """Where a piece of information about a person comes from and who may see it (herkomst).

    Every item about a person (a fact in the picture, a concern, an attachment) inherits this:
    the contributing organisation, the information category, the legal basis, consent (or why it
    was not asked) and the contributor's restriction. The services check it against the covenant
    (`casustafel.privacy.provenance`); who sees what is decided in `casustafel.privacy.access`.
    Concrete models add `provenance_constraints(<prefix>)` to their Meta.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ingebracht door organisatie"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ingebracht door")
    )
    category = models.CharField(_("soort informatie"), max_length=20, choices=InformationCategory.choices)
    legal_basis = models.CharField(_("grondslag"), max_length=20, choices=LegalBasis.choices)
    legal_basis_detail = models.CharField(
        _("toelichting grondslag"),
        max_length=300,
        blank=True,
        help_text=_("Artikel of toelichting; verplicht bij 'Anders, namelijk'."),
    )
    consent = models.CharField(_("toestemming"), max_length=12, choices=Consent.choices)
    consent_exception = models.CharField(
        _("reden niet gevraagd"), max_length=24, choices=ConsentException.choices, blank=True
    )
    consent_note = models.CharField(
        _("toelichting toestemming"),
        max_length=300,
        blank=True,
        help_text=_("Verplicht bij 'Anders, namelijk'."),
    )
    restriction = models.CharField(
        _("zichtbaarheid"), max_length=12, choices=Restriction.choices, default=Restriction.HOUSE
    )
    restricted_sector = models.CharField(_("alleen voor sector"), max_length=20, choices=Sector.choices, blank=True)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingetrokken door"),
    )

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def consent_text(self) -> str:
        """Consent as one readable phrase ("Niet gevraagd: acuut gevaar")."""
        label = str(self.get_consent_display())  # type: ignore[attr-defined]
        if self.consent != Consent.NOT_ASKED or not self.consent_exception:
            return label
        if self.consent_exception == ConsentException.OTHER:
            return f"{label}: {self.consent_note}"
        return f"{label}: {str(self.get_consent_exception_display()).lower()}"  # type: ignore[attr-defined]

    @property
    def legal_basis_text(self) -> str:
        if self.legal_basis == LegalBasis.OTHER:
            return self.legal_basis_detail
        label = str(self.get_legal_basis_display())  # type: ignore[attr-defined]
        return f"{label} – {self.legal_basis_detail}" if self.legal_basis_detail else label


def provenance_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The database's guard on the provenance rules the services validate in Dutch first."""
    return [
        models.CheckConstraint(
            condition=~Q(legal_basis="other") | ~Q(legal_basis_detail=""),
            name=f"{prefix}_other_basis_explained",
        ),
        models.CheckConstraint(
            condition=(Q(consent="not_asked") & ~Q(consent_exception=""))
            | (~Q(consent="not_asked") & Q(consent_exception="")),
            name=f"{prefix}_consent_exception_iff_not_asked",
        ),
        models.CheckConstraint(
            condition=~Q(consent_exception="other") | ~Q(consent_note=""),
            name=f"{prefix}_other_exception_explained",
        ),
        models.CheckConstraint(
            condition=(Q(restriction="sector") & ~Q(restricted_sector=""))
            | (~Q(restriction="sector") & Q(restricted_sector="")),
            name=f"{prefix}_sector_iff_sector_restricted",
        ),
    ]


# --- Retention and destruction (issue 4, point 6) -------------------------------------------


class RetentionSource(models.TextChoices):
    """Where the retention term applied at closure (or at a referral's decision) came from."""

    COVENANT = "covenant", _("Convenant")
    MEETING_TYPE = "meeting_type", _("Overlegtype (geen afspraken in een convenant van kracht)")
    # A referral decided without a case that names no meeting type: the meeting types' default.
    DEFAULT = "default", _("Standaardtermijn (geen overlegtype gekozen)")
    # A stale draft or an unanswered information request: REFERRAL_STALE_MONTHS.
    STALE_SETTING = "stale_setting", _("Instelling: ongebruikte aanmeldingen (REFERRAL_STALE_MONTHS)")


class DestructionBasis(models.TextChoices):
    """Why something was destroyed: a closed case past its date, a referral decided without a
    case past its date, or a referral left unused (draft, unanswered question) too long."""

    CASE_CLOSED = "case_closed", _("Casus afgesloten, bewaartermijn verstreken")
    REFERRAL_DECIDED = "referral_decided", _("Aanmelding zonder casus, bewaartermijn na besluit verstreken")
    DRAFT_STALE = "draft_stale", _("Concept-aanmelding niet ingediend")
    QUESTION_UNANSWERED = "question_unanswered", _("Informatievraag niet beantwoord")


class CaseRetention(TimestampedModel):
    """How the destruction date of a closed case was set when it was closed: the closing day,
    the term in years and where that term came from (the covenant version in force on the
    closing day, or the meeting type's own term when no covenant rule applied). Extensions are
    separate decisions (`RetentionExtension`); `Case.retention_until` holds the date in force."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="retention", verbose_name=_("casus")
    )
    closed_on = models.DateField(_("afgesloten op"))
    retention_years = models.PositiveIntegerField(_("bewaartermijn (jaren)"))
    source = models.CharField(_("bron van de bewaartermijn"), max_length=20, choices=RetentionSource.choices)
    covenant_version = models.ForeignKey(
        CovenantVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convenantversie"),
    )
    retention_until = models.DateField(_("bewaren tot (bij afsluiten)"))

    class Meta:
        verbose_name = _("bewaartermijn van een casus")
        verbose_name_plural = _("bewaartermijnen van casussen")
        ordering = ["retention_until", "pk"]

    def __str__(self) -> str:
        return f"Bewaartermijn casus {self.case_id}"


class ReferralRetention(TimestampedModel):
    """How the destruction date of a referral decided without a case (stepped down, referred to
    the RIEC, rejected) was set at its decision: the decision day, the term in years and where
    it came from, as `CaseRetention` does for a closed case. `Referral.retention_until` holds
    the date in force (extensions move it)."""

    referral = models.OneToOneField(
        "cases.Referral", on_delete=models.PROTECT, related_name="retention", verbose_name=_("aanmelding")
    )
    decided_on = models.DateField(_("besloten op"))
    retention_years = models.PositiveIntegerField(_("bewaartermijn (jaren)"))
    source = models.CharField(_("bron van de bewaartermijn"), max_length=20, choices=RetentionSource.choices)
    covenant_version = models.ForeignKey(
        CovenantVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convenantversie"),
    )
    retention_until = models.DateField(_("bewaren tot (bij besluit)"))

    class Meta:
        verbose_name = _("bewaartermijn van een aanmelding")
        verbose_name_plural = _("bewaartermijnen van aanmeldingen")
        ordering = ["retention_until", "pk"]

    def __str__(self) -> str:
        return f"Bewaartermijn aanmelding {self.referral_id}"


class RetentionExtension(TimestampedModel):
    """A privacy officer's decision to keep a closed case (or a referral decided without a case)
    longer than its term: who, when, why, and the date before and after. `number` counts the
    extensions of the case or referral (1, 2, 3...), so a repeated extension is visible as such.
    Exactly one of `case` and `referral` is set."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_extensions",
        verbose_name=_("casus"),
    )
    referral = models.ForeignKey(
        "cases.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_extensions",
        verbose_name=_("aanmelding"),
    )
    number = models.PositiveIntegerField(_("verlenging nummer"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("besloten door")
    )
    decided_at = models.DateTimeField(_("besloten op"))
    reason = models.TextField(_("reden"))
    old_date = models.DateField(_("bewaren tot (oud)"))
    new_date = models.DateField(_("bewaren tot (nieuw)"))

    class Meta:
        verbose_name = _("verlenging van de bewaartermijn")
        verbose_name_plural = _("verlengingen van de bewaartermijn")
        ordering = ["case", "referral", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="retention_extension_unique_number"),
            models.UniqueConstraint(fields=["referral", "number"], name="retention_extension_unique_referral_number"),
            models.CheckConstraint(condition=Q(new_date__gt=models.F("old_date")), name="retention_extension_later"),
            models.CheckConstraint(
                condition=Q(case__isnull=False, referral__isnull=True) | Q(case__isnull=True, referral__isnull=False),
                name="retention_extension_case_or_referral",
            ),
        ]

    def __str__(self) -> str:
        if self.case_id is None:
            return f"Verlenging {self.number} van aanmelding {self.referral_id}"
        return f"Verlenging {self.number} van casus {self.case_id}"


class Destruction(models.Model):
    """The destruction record (vernietigingsverklaring) of one case, or of one referral that
    never became a case: which (plain ids, like the audit trail), of which house and meeting
    type, when, on what basis and how many items of each kind were deleted or blanked. It holds
    no personal data and is never deleted."""

    case_id = models.PositiveBigIntegerField(
        _("casus-id"), unique=True, null=True, blank=True, help_text=_("Leeg bij een aanmelding zonder casus.")
    )
    referral_id = models.PositiveBigIntegerField(_("aanmelding-id"), unique=True, null=True, blank=True)
    basis = models.CharField(
        _("reden van vernietiging"),
        max_length=25,
        choices=DestructionBasis.choices,
        default=DestructionBasis.CASE_CLOSED,
    )
    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="destructions",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overlegtype"),
    )
    closed_on = models.DateField(
        _("afgesloten op"),
        help_text=_(
            "De dag waarvan de termijn telt: afsluiten van de casus, besluit over de aanmelding, of de laatste "
            "activiteit op een ongebruikte aanmelding."
        ),
    )
    retention_until = models.DateField(_("bewaard tot"))
    destroyed_at = models.DateTimeField(_("vernietigd op"))
    retention_years = models.PositiveIntegerField(_("bewaartermijn (jaren)"), null=True, blank=True)
    stale_months = models.PositiveIntegerField(
        _("ongebruikt na (maanden)"), null=True, blank=True, help_text=_("Bij een ongebruikte aanmelding.")
    )
    source = models.CharField(_("bron van de bewaartermijn"), max_length=20, choices=RetentionSource.choices)
    covenant_version = models.ForeignKey(
        CovenantVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convenantversie"),
    )
    extension_count = models.PositiveIntegerField(_("aantal verlengingen"), default=0)
    deleted_counts = models.JSONField(
        _("verwijderd"), default=dict, blank=True, help_text=_("Per soort gegeven het aantal verwijderde records.")
    )
    blanked_counts = models.JSONField(
        _("geschoond"),
        default=dict,
        blank=True,
        help_text=_("Per soort gegeven het aantal records waarvan de tekst is gewist."),
    )
    persons_anonymised = models.PositiveIntegerField(_("betrokkenen geanonimiseerd"), default=0)
    files_deleted = models.PositiveIntegerField(_("bestanden verwijderd"), default=0)
    audit_events_redacted = models.PositiveIntegerField(_("auditgebeurtenissen geschoond"), default=0)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitgevoerd door"),
        help_text=_("Leeg wanneer de periodieke taak de casus vernietigde."),
    )

    class Meta:
        verbose_name = _("vernietigingsverklaring")
        verbose_name_plural = _("vernietigingsverklaringen")
        ordering = ["-destroyed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_id__isnull=False) | Q(referral_id__isnull=False), name="destruction_names_its_subject"
            ),
        ]

    def __str__(self) -> str:
        if self.case_id is None:
            return f"Vernietiging aanmelding {self.referral_id}"
        return f"Vernietiging casus {self.case_id}"


# Data-subject rights (issue 4, point 7) live in their own module; imported here so Django finds them.
from casustafel.privacy.models_sar import *  # noqa: E402, F403
