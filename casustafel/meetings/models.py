"""Meetings (casusoverleggen) of a house: planned sessions with an agenda of cases, tailored
invitations per agenda item, parts of an item with their own attendees, client participation
and the attendance record.

Meeting types, input requirements and criteria sets are the house's configuration and live one
layer lower, in `casustafel.meeting_types`. Writes go through `casustafel.meetings.services`;
who sees which meeting and item is decided in `casustafel.meetings.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import VersionedModel


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    IN_PROGRESS = "in_progress", _("Bezig")
    HELD = "held", _("Gehouden")
    CANCELLED = "cancelled", _("Geannuleerd")


class Meeting(VersionedModel):
    """One session of a meeting type (casusoverleg): when, where, who chairs and who takes the
    minutes. Its agenda items are the cases discussed."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("overlegtype")
    )
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    location = models.CharField(_("plaats"), max_length=200, blank=True, help_text=_("Bijv. de vergaderzaal."))
    online_link = models.URLField(_("link voor online deelname"), blank=True, max_length=500)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
        verbose_name=_("voorzitter"),
    )
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minuted_meetings",
        verbose_name=_("notulist"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    invitations_sent_at = models.DateTimeField(_("uitnodigingen verstuurd op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gepland door")
    )

    class Meta:
        verbose_name = _("casusoverleg")
        verbose_name_plural = _("casusoverleggen")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["house", "starts_at"], name="meeting_house_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_type} {self.starts_at:%Y-%m-%d}"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AgendaItemKind(models.TextChoices):
    """Why a case is on the agenda; the proposal puts them in this order."""

    NEW = "new", _("Eerste bespreking")
    REVIEW = "review", _("Rappel (evaluatiemoment)")
    CLOSURE = "closure", _("Voorstel tot afsluiten")
    FOLLOW_UP = "follow_up", _("Vervolgbespreking")


class AgendaItem(VersionedModel):
    """A case on a meeting's agenda (agendapunt), with the minutes planned for it. Its time slot
    follows from its position: the meeting's start plus the minutes of the items before it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("overleg"))
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("casus")
    )
    kind = models.CharField(_("soort bespreking"), max_length=12, choices=AgendaItemKind.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    planned_minutes = models.PositiveSmallIntegerField(
        _("geplande minuten"), validators=[MinValueValidator(5), MaxValueValidator(240)]
    )

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["meeting", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_unique_case")]

    def __str__(self) -> str:
        return f"Agendapunt {self.pk}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Nog niet beantwoord")
    CONFIRMED = "confirmed", _("Komt")
    SUBSTITUTE = "substitute", _("Komt met een vervanger")
    DECLINED = "declined", _("Afgemeld")


# An invitation in one of these states means the organisation will be at the table.
COMING = (InvitationStatus.CONFIRMED, InvitationStatus.SUBSTITUTE)


class Invitation(VersionedModel):
    """An organisation (and, when known, the named person) invited to one agenda item: only
    who is needed for that case. Inviting involves the organisation in the case."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("agendapunt")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
        verbose_name=_("organisatie"),
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("genodigde"),
        help_text=_("De persoon die komt; leeg als de organisatie zelf bepaalt wie."),
    )
    is_crucial = models.BooleanField(
        _("cruciale partner"), default=False, help_text=_("Vastgelegd bij het uitnodigen, uit het overlegtype.")
    )
    status = models.CharField(
        _("antwoord"), max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vervanger"),
    )
    decline_reason = models.CharField(_("reden van afmelden"), max_length=300, blank=True)
    responded_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    notified_at = models.DateTimeField(_("bericht gestuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["item", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="invitation_unique_organisation"),
            models.CheckConstraint(
                condition=Q(status="substitute", substitute__isnull=False)
                | (~Q(status="substitute") & Q(substitute__isnull=True)),
                name="invitation_substitute_when_substituting",
            ),
        ]

    def __str__(self) -> str:
        return f"Uitnodiging {self.pk}"

    @property
    def is_coming(self) -> bool:
        return self.status in COMING


class AgendaItemPart(VersionedModel):
    """A part of an agenda item with its own attendees. Every item has at least one part; a
    split item has several (the OM without the clients, then the clients without the OM)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="parts", verbose_name=_("agendapunt"))
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    title = models.CharField(_("titel"), max_length=120, help_text=_("Bijv. 'Deel 1: professionals met het OM'."))
    planned_minutes = models.PositiveSmallIntegerField(
        _("geplande minuten"), validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    invitations = models.ManyToManyField(
        Invitation, blank=True, related_name="parts", verbose_name=_("organisaties in dit deel")
    )
    clients = models.ManyToManyField(
        "cases.CaseParty", blank=True, related_name="+", verbose_name=_("cliënten in dit deel")
    )

    class Meta:
        verbose_name = _("deel van een agendapunt")
        verbose_name_plural = _("delen van agendapunten")
        ordering = ["item", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ParticipationMode(models.TextChoices):
    IN_PERSON = "in_person", _("Op locatie")
    ONLINE = "online", _("Online (met een professional bij de cliënt)")


class ClientParticipation(VersionedModel):
    """Client participation for one agenda item ("ja, tenzij"): whether the clients are invited
    and if not why, who prepares them, their input when they do not come, a trusted person,
    online or in person, and the debrief afterwards."""

    item = models.OneToOneField(
        AgendaItem, on_delete=models.CASCADE, related_name="client_participation", verbose_name=_("agendapunt")
    )
    clients_invited = models.BooleanField(_("cliënten uitgenodigd"), default=True)
    invited_parties = models.ManyToManyField(
        "cases.CaseParty", blank=True, related_name="+", verbose_name=_("uitgenodigde cliënten")
    )
    not_invited_reason = models.TextField(
        _("waarom niet uitgenodigd"), blank=True, help_text=_("Verplicht als de cliënten niet worden uitgenodigd.")
    )
    preparer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bereidt de cliënten voor"),
    )
    client_input = models.TextField(
        _("inbreng van de cliënten"),
        blank=True,
        help_text=_("Wat de cliënten belangrijk vinden en hopen; vooral als zij niet zelf komen."),
    )
    trusted_person = models.CharField(
        _("vertrouwenspersoon"), max_length=200, blank=True, help_text=_("Wie de cliënt meeneemt, bijv. een buurvrouw.")
    )
    mode = models.CharField(_("deelname"), max_length=10, choices=ParticipationMode.choices, blank=True)
    debrief_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nabespreking door"),
    )
    debrief_on = models.DateField(_("nabespreking op"), null=True, blank=True)
    debrief_notes = models.TextField(_("hoe is het ontvangen"), blank=True)

    class Meta:
        verbose_name = _("cliëntparticipatie")
        verbose_name_plural = _("cliëntparticipatie")

    def __str__(self) -> str:
        return f"Cliëntparticipatie {self.item_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Aanwezig")
    ABSENT_WITH_NOTICE = "absent_notice", _("Afwezig met bericht")
    ABSENT_WITHOUT_NOTICE = "absent_no_notice", _("Afwezig zonder bericht")


class Attendance(VersionedModel):
    """Who was at one part of an item, per invited organisation: present (and whether as a
    substitute) or absent with or without notice. Kept for reporting (how often a crucial
    partner was absent)."""

    part = models.ForeignKey(
        AgendaItemPart, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("deel")
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("uitnodiging")
    )
    status = models.CharField(_("aanwezigheid"), max_length=20, choices=AttendanceStatus.choices)
    attended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aanwezig namens de organisatie"),
    )
    as_substitute = models.BooleanField(_("als vervanger"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        ordering = ["part", "invitation__organisation__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["part", "invitation"], name="attendance_unique_invitation")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.invitation_id})"


# The discussion of an item (guide answers, entries, scores, links to what outlives the meeting)
# and the minutes live in their own module; imported here so Django finds them.
from casustafel.meetings.discussion.models import *  # noqa: E402, F403
