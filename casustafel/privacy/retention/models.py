"""Retention and destruction (issue 4, point 6): how the keep-until date of a closed case or of a
referral decided without a case was set, its extensions, and the record of each destruction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel
from casustafel.privacy.covenant.models import CovenantVersion


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
