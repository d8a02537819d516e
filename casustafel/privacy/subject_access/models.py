"""Data-subject rights (issue 4, point 7): subject access requests (inzageverzoeken) with the
legal exceptions that defer part of the answer, rectification notes and restriction marks.

Imported by `casustafel.privacy.models`, so these are models of the privacy app. The services in
`casustafel.privacy.subject_access.services` are the only writers; every write is audited.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel

__all__ = [
    "SAR_CLOSED_STATUSES",
    "SAR_DECIDED_STATUSES",
    "ExceptionGround",
    "IdentityCheck",
    "RectificationDecision",
    "RectificationNote",
    "Requester",
    "RestrictionGround",
    "RestrictionMark",
    "SarStatus",
    "SubjectAccessException",
    "SubjectAccessRequest",
]


class SarStatus(models.TextChoices):
    RECEIVED = "received", _("Ontvangen")
    IN_PROGRESS = "in_progress", _("In behandeling")
    PROVIDED = "provided", _("Verstrekt")
    PARTLY_DEFERRED = "partly_deferred", _("Gedeeltelijk uitgesteld")
    DEFERRED = "deferred", _("Uitgesteld")
    REJECTED = "rejected", _("Afgewezen")


# A decision was taken and communicated: the term no longer runs.
SAR_DECIDED_STATUSES = frozenset(
    {SarStatus.PROVIDED, SarStatus.PARTLY_DEFERRED, SarStatus.DEFERRED, SarStatus.REJECTED}
)
# Closed for good: the exceptions and the term can no longer change.
SAR_CLOSED_STATUSES = frozenset({SarStatus.PROVIDED, SarStatus.REJECTED})


class Requester(models.TextChoices):
    """Who made the request. A representative is described in a few words, nothing more."""

    PERSON = "person", _("De betrokkene zelf")
    LEGAL_REPRESENTATIVE = (
        "legal_representative",
        _("Wettelijk vertegenwoordiger (ouder met gezag, voogd, curator, mentor)"),
    )
    AUTHORISED = "authorised", _("Gemachtigde met schriftelijke machtiging (bijv. advocaat)")


class IdentityCheck(models.TextChoices):
    """How the identity of the requester was established (AVG art. 12 lid 6). The overview is
    provided only after a check."""

    NOT_YET = "not_yet", _("Nog niet vastgesteld")
    ID_DOCUMENT = "id_document", _("Identiteitsbewijs getoond aan de balie")
    DIGID = "digid", _("Ingediend met DigiD")
    REPRESENTATIVE_DOCUMENTS = (
        "representative_documents",
        _("Identiteit en bevoegdheid van de vertegenwoordiger gecontroleerd"),
    )


class SubjectAccessRequestQuerySet(models.QuerySet["SubjectAccessRequest"]):
    def open(self) -> SubjectAccessRequestQuerySet:
        return self.exclude(status__in=SAR_DECIDED_STATUSES)


class SubjectAccessRequest(VersionedModel):
    """A request of a person (or their representative) to see the data the house holds about
    them (inzageverzoek, AVG art. 15). The answer is due one month after receipt; the privacy
    officer may extend that by at most two months, with a reason (AVG art. 12 lid 3)."""

    # Free text that may be about the person: the audit trail records that it changed, not what it says.
    AUDIT_REDACTED_FIELDS = frozenset({"representative_description", "extension_reason", "decision_note"})

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="subject_access_requests",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    person = models.ForeignKey(
        "cases.Person",
        on_delete=models.PROTECT,
        related_name="subject_access_requests",
        verbose_name=_("betrokkene"),
    )
    received_on = models.DateField(_("ontvangen op"))
    requester = models.CharField(_("ingediend door"), max_length=24, choices=Requester.choices)
    representative_description = models.CharField(
        _("vertegenwoordiger"),
        max_length=150,
        blank=True,
        help_text=_("Alleen bij een vertegenwoordiger: in een paar woorden wie, bijv. 'moeder met gezag'."),
    )
    identity_check = models.CharField(
        _("identiteit vastgesteld"), max_length=24, choices=IdentityCheck.choices, default=IdentityCheck.NOT_YET
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("behandeld door"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SarStatus.choices, default=SarStatus.RECEIVED, db_index=True
    )
    due_on = models.DateField(_("uiterste datum"), help_text=_("Eén maand na ontvangst (AVG art. 12 lid 3)."))
    extended_due_on = models.DateField(_("verlengd tot"), null=True, blank=True)
    extension_reason = models.TextField(_("reden van de verlenging"), blank=True)
    decision_note = models.TextField(
        _("toelichting op het besluit"),
        blank=True,
        help_text=_("Verplicht bij uitstel of afwijzing: de reden, zoals de betrokkene die te horen krijgt."),
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besloten door"),
    )

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("inzageverzoek")
        verbose_name_plural = _("inzageverzoeken")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["house", "status"], name="sar_house_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_due_on__isnull=True) | ~Q(extension_reason=""),
                name="sar_extension_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(requester="person") | ~Q(representative_description=""),
                name="sar_representative_described",
            ),
        ]

    def __str__(self) -> str:
        return f"Inzageverzoek {self.pk}"

    @property
    def effective_due_on(self) -> dt.date:
        return self.extended_due_on or self.due_on

    @property
    def is_decided(self) -> bool:
        return self.status in SAR_DECIDED_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in SAR_CLOSED_STATUSES

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return not self.is_decided and self.effective_due_on < (on or timezone.localdate())


class ExceptionGround(models.TextChoices):
    """The statutory grounds to withhold (part of) the answer. AVG art. 23 is worked out in
    UAVG art. 41 and, for police data, in the Wpg; the exact article per case is for the privacy
    officer to name in the note."""

    CRIMINAL_INVESTIGATION = (
        "criminal_investigation",
        _("Lopend strafrechtelijk onderzoek (AVG art. 23 lid 1 sub d; UAVG art. 41)"),
    )
    SAFETY_OF_OTHERS = (
        "safety_of_others",
        _("Veiligheid van anderen, bijvoorbeeld een slachtoffer (AVG art. 23 lid 1 sub i; UAVG art. 41)"),
    )
    RIGHTS_OF_OTHERS = "rights_of_others", _("Rechten en vrijheden van anderen (AVG art. 15 lid 4)")
    OTHER = "other", _("Andere wettelijke grond, namelijk")


class SubjectAccessExceptionQuerySet(models.QuerySet["SubjectAccessException"]):
    def active(self) -> SubjectAccessExceptionQuerySet:
        return self.filter(lifted_at__isnull=True)


class SubjectAccessException(TimestampedModel):
    """A legal exception recorded on a request: the information of these organisations is
    withheld from the overview, on this ground. Ending it (the investigation closed, say) keeps
    the record: what was withheld, when and why stays accountable."""

    AUDIT_REDACTED_FIELDS = frozenset({"note", "lift_note"})

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("inzageverzoek")
    )
    ground = models.CharField(_("grond"), max_length=24, choices=ExceptionGround.choices)
    organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="+", verbose_name=_("informatie van organisatie(s)")
    )
    note = models.TextField(
        _("toelichting"), blank=True, help_text=_("Verplicht bij 'andere wettelijke grond': welke, en waarom.")
    )
    disclosed = models.BooleanField(
        _("vermelden in het overzicht"),
        default=True,
        help_text=_(
            "Staat in het overzicht dat deze informatie niet wordt verstrekt, en waarom? Zet dit alleen uit als "
            "ook die mededeling het onderzoek of de veiligheid van anderen schaadt."
        ),
    )
    review_on = models.DateField(_("opnieuw beoordelen op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    lifted_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beëindigd door"),
    )
    lift_note = models.CharField(_("reden van beëindigen"), max_length=300, blank=True)

    objects = SubjectAccessExceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitzondering op inzage")
        verbose_name_plural = _("uitzonderingen op inzage")
        ordering = ["request", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ground="other") | ~Q(note=""), name="sar_exception_other_ground_explained"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_note=""), name="sar_exception_lift_explained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} ({self.request})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RectificationDecision(models.TextChoices):
    CORRECTED = "corrected", _("Gecorrigeerd")
    NOT_CORRECTED = "not_corrected", _("Niet gecorrigeerd")
    NOTE_ADDED = "note_added", _("Verklaring van de betrokkene toegevoegd")


class RectificationNote(TimestampedModel):
    """What a person disputes in the data held about them and what was decided (AVG art. 16).
    A supplementary statement ('note added') is shown wherever the person is shown."""

    AUDIT_REDACTED_FIELDS = frozenset({"disputed", "explanation", "statement"})

    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="rectification_notes", verbose_name=_("betrokkene")
    )
    request = models.ForeignKey(
        SubjectAccessRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_notes",
        verbose_name=_("inzageverzoek"),
    )
    disputed = models.TextField(_("wat de betrokkene betwist"))
    decision = models.CharField(_("besluit"), max_length=16, choices=RectificationDecision.choices)
    explanation = models.TextField(
        _("toelichting"),
        blank=True,
        help_text=_("Wat is gecorrigeerd, of waarom niet."),
    )
    statement = models.TextField(
        _("verklaring van de betrokkene"),
        blank=True,
        help_text=_("De aanvullende verklaring zoals de betrokkene die wil laten opnemen."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    recorded_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("namens organisatie"),
    )

    class Meta:
        verbose_name = _("rectificatienotitie")
        verbose_name_plural = _("rectificatienotities")
        ordering = ["person", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="note_added") | ~Q(statement=""), name="rectification_statement_given"
            ),
            models.CheckConstraint(
                condition=Q(decision="note_added") | ~Q(explanation=""), name="rectification_decision_explained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.person_id})"


class RestrictionGround(models.TextChoices):
    """The four grounds of AVG art. 18 lid 1."""

    ACCURACY_CONTESTED = (
        "accuracy_contested",
        _("De betrokkene betwist de juistheid, voor de tijd die nodig is om dat te controleren (art. 18 lid 1 sub a)"),
    )
    UNLAWFUL_NO_ERASURE = (
        "unlawful_no_erasure",
        _("Onrechtmatige verwerking; de betrokkene wil beperking in plaats van wissen (art. 18 lid 1 sub b)"),
    )
    LEGAL_CLAIM = (
        "legal_claim",
        _("Niet meer nodig, maar de betrokkene heeft de gegevens nodig voor een rechtsvordering (art. 18 lid 1 sub c)"),
    )
    OBJECTION_PENDING = (
        "objection_pending",
        _("Bezwaar ingediend; in afwachting van de beoordeling (art. 18 lid 1 sub d)"),
    )


class RestrictionMarkQuerySet(models.QuerySet["RestrictionMark"]):
    def active(self, on: dt.date | None = None) -> RestrictionMarkQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day), lifted_at__isnull=True)


class RestrictionMark(TimestampedModel):
    """A restriction of processing for a person (AVG art. 18). While active the person carries a
    visible 'Verwerking beperkt' mark and the person services refuse new information about them."""

    AUDIT_REDACTED_FIELDS = frozenset({"note", "lift_reason"})

    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="restriction_marks", verbose_name=_("betrokkene")
    )
    request = models.ForeignKey(
        SubjectAccessRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restriction_marks",
        verbose_name=_("inzageverzoek"),
    )
    ground = models.CharField(_("grond"), max_length=24, choices=RestrictionGround.choices)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    starts_on = models.DateField(_("vanaf"))
    ends_on = models.DateField(_("tot en met"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    lifted_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgeheven door"),
    )
    lift_reason = models.CharField(_("reden van opheffen"), max_length=300, blank=True)

    objects = RestrictionMarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("beperking van de verwerking")
        verbose_name_plural = _("beperkingen van de verwerking")
        ordering = ["person", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="restriction_mark_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""), name="restriction_mark_lift_explained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} ({self.person_id})"

    @property
    def is_liftable(self) -> bool:
        """Not lifted and not over yet (active now or starting later)."""
        return self.lifted_at is None and (self.ends_on is None or self.ends_on >= timezone.localdate())

    def is_active(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.lifted_at is None and self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)
