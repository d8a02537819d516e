"""In-app notifications (meldingen): a neutral text and a link, never a name or case content.

The text is not stored: it is the label of the notification's kind, translated when shown, so a
notification reads in the language its recipient uses and cannot carry content by accident. The
link leads to a page that applies the ordinary need-to-know checks. Delivery by e-mail and
per-user preferences come with the plans issue; they add channels to `notification_send`.
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
        constraints = [models.CheckConstraint(condition=Q(url__startswith="/"), name="notification_url_local")]

    def __str__(self) -> str:
        return f"Melding {self.pk}"

    @property
    def text(self) -> str:
        return str(self.get_kind_display())
