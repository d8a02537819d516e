"""In-app notifications (meldingen): a neutral text and a link, never a name or case content.

The text is not stored: it is the label of the notification's kind, translated when shown, so a
notification reads in the language its recipient uses and cannot carry content by accident. The
link leads to a page that applies the ordinary need-to-know checks.

Every notification is shown in the app. It is also e-mailed (the same neutral sentence as the
subject, and the link) unless the recipient switched e-mail off for its kind
(`NotificationPreference`). E-mails go out from the periodic work (`casustafel.notifications
.delivery`), which claims each one in a transaction so several workers never send one twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    INVITED = "invited", _("U bent uitgenodigd voor een casusoverleg.")
    MEETING_CHANGED = "meeting_changed", _("Een casusoverleg waarvoor u bent uitgenodigd is gewijzigd.")
    MEETING_CANCELLED = "meeting_cancelled", _("Een casusoverleg waarvoor u bent uitgenodigd gaat niet door.")
    INVITATION_ANSWERED = "invitation_answered", _("Een uitnodiging voor een casusoverleg is beantwoord.")
    MINUTES_READY = "minutes_ready", _("Het verslag van een casusoverleg staat klaar.")
    AGREEMENT_ASSIGNED = "agreement_assigned", _("Er is een afspraak voor u vastgelegd.")
    AGREEMENT_DUE_SOON = "agreement_due_soon", _("Een afspraak van u moet binnenkort klaar zijn.")
    AGREEMENT_OVERDUE = "agreement_overdue", _("Een afspraak is over de termijn.")
    AGREEMENT_DECLINED = "agreement_declined", _("Een organisatie heeft een afspraak geweigerd.")
    AGREEMENT_FEEDBACK = "agreement_feedback", _("Er is teruggekoppeld op een afspraak.")
    DIRECTION_PROPOSED = "direction_proposed", _("U bent voorgesteld als casusregisseur.")
    DIRECTION_ANSWERED = "direction_answered", _("Een voorstel voor casusregie is beantwoord.")
    ESCALATION_RAISED = "escalation_raised", _("Er is een escalatie gemeld.")
    ESCALATION_STEPPED_UP = "escalation_stepped_up", _("Een escalatie is een stap hoger gekomen.")
    QUESTION_ASKED = "question_asked", _("Het huis heeft een vraag over een aanmelding.")
    QUESTION_ANSWERED = "question_answered", _("Een vraag over een aanmelding is beantwoord.")
    REFERRAL_DECIDED = "referral_decided", _("Er is besloten over een aanmelding.")
    FOLLOW_UP_DUE = "follow_up_due", _("Het is tijd voor een nazorgvraag over een afgesloten casus.")
    # The learning cycle (casustafel.learning).
    ASSESSMENT_INVITED = "assessment_invited", _("U bent uitgenodigd voor een zelfevaluatie.")
    ASSESSMENT_CLOSING = "assessment_closing", _("Een zelfevaluatie waarvoor u bent uitgenodigd sluit binnenkort.")
    IMPROVEMENT_ASSIGNED = "improvement_assigned", _("Er is een verbeteractie voor u vastgelegd.")
    IMPROVEMENT_DUE_SOON = "improvement_due_soon", _("Een verbeteractie van u moet binnenkort klaar zijn.")
    IMPROVEMENT_OVERDUE = "improvement_overdue", _("Een verbeteractie is over de termijn.")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Wacht op verzending")
    SENT = "sent", _("Verstuurd")
    NOT_WANTED = "not_wanted", _("Niet gewenst (alleen in de app)")
    SKIPPED = "skipped", _("Niet verstuurd: ontvanger ziet de casus niet meer")
    FAILED = "failed", _("Verzenden mislukt")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notice to one user: what kind of event (shown as a neutral sentence) and where to
    look. `case_id` is a plain number, as on audit events, so delivery can check need-to-know
    again without holding the case."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("ontvanger")
    )
    kind = models.CharField(_("soort"), max_length=30, choices=NotificationKind.choices)
    url = models.CharField(_("link"), max_length=500)
    case_id = models.PositiveBigIntegerField(_("casus"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    # What the periodic work sends once only ("agreement:12:overdue:2025-03-04"); blank for
    # notifications of a user's action, which happen once by nature.
    key = models.CharField(_("sleutel"), max_length=120, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=12, choices=EmailState.choices, default=EmailState.PENDING, db_index=True
    )
    email_claimed_at = models.DateTimeField(_("e-mail geclaimd op"), null=True, blank=True)
    email_claimed_by = models.CharField(_("e-mail geclaimd door"), max_length=100, blank=True)
    emailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(url__startswith="/"), name="notification_url_local"),
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"Melding {self.pk}"

    @property
    def text(self) -> str:
        return str(self.get_kind_display())


class NotificationPreference(models.Model):
    """A user's choice to receive one kind of notification in the app only. Without a row the
    kind is e-mailed too (a link and a neutral subject)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("gebruiker"),
    )
    kind = models.CharField(_("soort"), max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField(_("ook per e-mail"), default=True)

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"
