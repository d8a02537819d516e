"""The audit trail: an append-only, hash-chained record of every write and every read of
personal data (NEN 7513: what, when, which client, which user, on whose behalf)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("aangemaakt")
    UPDATE = "update", _("gewijzigd")
    DELETE = "delete", _("verwijderd")
    READ = "read", _("ingezien")
    SEARCH = "search", _("gezocht")
    EXPORT = "export", _("geëxporteerd")
    PRINT = "print", _("afgedrukt")
    MERGE = "merge", _("samengevoegd")
    KNOWN_CHECK = "known_check", _("check op bekendheid")
    LOGIN = "login", _("ingelogd")
    LOGIN_FAILED = "login_failed", _("inloggen mislukt")
    LOCKED_OUT = "locked_out", _("account geblokkeerd")
    LOGOUT = "logout", _("uitgelogd")
    SESSION_EXPIRED = "session_expired", _("sessie verlopen")
    MFA_ENROLLED = "mfa_enrolled", _("tweede factor ingesteld")
    MFA_VERIFIED = "mfa_verified", _("tweede factor gecontroleerd")
    MFA_FAILED = "mfa_failed", _("tweede factor onjuist")
    MFA_RESET = "mfa_reset", _("tweede factor gewist")
    PASSWORD_CHANGED = "password_changed", _("wachtwoord gewijzigd")
    ACCESS_DENIED = "access_denied", _("toegang geweigerd")
    ACTING_CHANGED = "acting_changed", _("handelt namens andere organisatie")


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Audit events cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Audit events are created one by one through audit_record")


class AuditEvent(models.Model):
    """One audited act. Events are only ever added; `hash` chains each to its predecessor so a
    changed, removed or inserted row is found by `casustafel verify_audit`.

    `case_id` and `person_id` are plain numbers, not foreign keys: the trail must outlive the
    destruction of a case under the retention rules.
    """

    sequence = models.PositiveBigIntegerField(_("volgnummer"), unique=True)
    occurred_at = models.DateTimeField(_("tijdstip"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gebruiker"),
    )
    actor_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("namens organisatie"),
    )
    actor_role = models.CharField(_("rol"), max_length=20, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verantwoordelijke gebruiker"),
        help_text=_("Bij vervanging: de collega namens wie de vervanger handelde."),
    )
    action = models.CharField(_("handeling"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    case_id = models.PositiveBigIntegerField(_("casus-id"), null=True, blank=True, db_index=True)
    person_id = models.PositiveBigIntegerField(_("betrokkene-id"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True, help_text=_("Per veld [oud, nieuw]."))
    changes_digest = models.CharField(max_length=64)
    request_id = models.CharField(_("verzoek-id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["actor", "occurred_at"], name="audit_actor_time")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not business logic: the only legitimate save is the first insert.
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The single row holding the newest sequence and hash. Locking it serialises writers, so
    two transactions can never chain onto the same predecessor."""

    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("keten-kop audittrail")

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
