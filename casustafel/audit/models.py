"""The audit trail: an append-only record of every write and every read of personal data
(NEN 7513: what, when, which client, which user, on whose behalf), kept tamper-evident by a
keyed hash per event and signed checkpoints per house (see docs/architecture.md, "The audit
trail").

Writers insert events without any lock (`audit_record`); the periodic sealer
(`casustafel tick`) chains each house's new events, in order, into a signed `AuditSeal`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    VERIFY = "verify", _("integriteit gecontroleerd")


# Security events: attempts, not accesses. A refused request on a case, person or referral URL is
# logged as ACCESS_DENIED; it never counts as a read of that person's data.
SECURITY_ACTIONS = frozenset(
    {AuditAction.ACCESS_DENIED, AuditAction.LOGIN_FAILED, AuditAction.LOCKED_OUT, AuditAction.MFA_FAILED}
)


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Audit records cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be updated")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Audit records are created through audit_record")


AuditEventQuerySet = AppendOnlyQuerySet


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not business logic: the only legitimate save is the first insert.
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be deleted")


class AuditEvent(AppendOnlyModel):
    """One audited act. Events are only ever added. `hash` is a keyed hash (HMAC with
    `AUDIT_KEY`) over everything the event says, the persons and cases it links included, so
    an edited or forged event is found by `casustafel verify_audit`; the sealer puts every event
    into exactly one signed `AuditSeal` of its house, so a removed or inserted one is found too.

    `case_id` and `person_id` are plain numbers, not foreign keys: the trail must outlive the
    destruction of a case under the retention rules. A list or search that shows several
    cases or persons links each of them through `AuditSubject` (see `audit_list`).

    `sequence` is the insertion number given by the database: increasing, with gaps where a
    transaction rolled back; within a house the order of the trail is the order of its seals.
    """

    sequence = models.BigAutoField(_("volgnummer"), primary_key=True)
    house = models.ForeignKey(
        "organisations.SafetyHouse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("huis"),
        help_text=_("Het huis waarvoor gehandeld werd; leeg voor gebeurtenissen van de installatie (inloggen)."),
    )
    occurred_at = models.DateTimeField(_("tijdstip"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("gebruiker"),
    )
    actor_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
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
    action = models.CharField(_("handeling"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    case_id = models.PositiveBigIntegerField(_("casus-id"), null=True, blank=True, db_index=True)
    person_id = models.PositiveBigIntegerField(_("betrokkene-id"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True, help_text=_("Per veld [oud, nieuw]."))
    changes_digest = models.CharField(max_length=64)
    request_id = models.CharField(_("verzoek-id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    # Random per event, covered by the hash: two otherwise identical events (same user, object
    # and microsecond) still get distinct hashes, so the unique index refuses a copied event.
    nonce = models.CharField(max_length=16)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        ordering = ["sequence"]
        # Each index serves one filter of the access log, the subject-access overview or the
        # destruction job (docs/deployment.md lists them with the query they serve).
        indexes = [
            models.Index(fields=["house", "occurred_at", "sequence"], name="audit_house_time"),
            models.Index(fields=["house", "action", "occurred_at"], name="audit_house_action_time"),
            models.Index(
                fields=["occurred_at", "sequence"], name="audit_installation_time", condition=Q(house__isnull=True)
            ),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["actor_organisation", "occurred_at"], name="audit_org_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class SubjectKind(models.TextChoices):
    CASE = "case", _("casus")
    PERSON = "person", _("betrokkene")


class AuditSubject(AppendOnlyModel):
    """A case or person an event showed, besides the one in its `case_id` / `person_id`: one row
    per case or person in a list or search result. Covered by the event's hash."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="subjects", db_index=False)
    kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("getoonde casus of betrokkene")
        verbose_name_plural = _("getoonde casussen en betrokkenen")
        constraints = [models.UniqueConstraint(fields=["event", "kind", "subject_id"], name="audit_subject_once")]
        indexes = [models.Index(fields=["kind", "subject_id"], name="audit_subject_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} in #{self.event_id}"


class AuditPending(models.Model):
    """An event not sealed yet. `audit_record` adds one with every event; the sealer removes it
    when the event is in a seal. An event neither pending nor sealed was slipped in (or its
    pending row removed) and is reported by the verification."""

    event = models.OneToOneField(AuditEvent, primary_key=True, on_delete=models.PROTECT, related_name="+")
    house = models.ForeignKey(
        "organisations.SafetyHouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("nog niet verzegelde gebeurtenis")
        indexes = [models.Index(fields=["house", "event"], name="audit_pending_house")]

    def __str__(self) -> str:
        return f"pending #{self.event_id}"


class AuditChain(models.Model):
    """The audit chain of one house (or, with no house, of the installation: log-ins, log-outs
    and other events not done for a house). Holds the newest seal and how far the periodic
    work has verified and examined it. Locked only by the sealer, never by writers."""

    house = models.OneToOneField(
        "organisations.SafetyHouse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_chain",
        verbose_name=_("huis"),
    )
    sealed_number = models.PositiveBigIntegerField(default=0)
    sealed_digest = models.CharField(max_length=64)
    verified_number = models.PositiveBigIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    examined_number = models.PositiveBigIntegerField(
        default=0, help_text="The newest seal whose events the pattern detectors have examined."
    )

    class Meta:
        verbose_name = _("auditketen")
        verbose_name_plural = _("auditketens")

    def __str__(self) -> str:
        return f"audit chain {self.house_id or 'installation'} #{self.sealed_number}"


class AuditSeal(models.Model):
    """A signed checkpoint: one batch of a chain's events, in order.

    `members` lists the sequence numbers of exactly the events sealed (delta-encoded);
    `digest` = SHA-256 over the previous seal's digest, the number and every member's hash in
    order; `signature` = HMAC with `AUDIT_KEY` over the chain, number, range, count and both
    digests. Without the key nobody can remove an event from a seal, add one, or re-seal.
    """

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="seals")
    number = models.PositiveBigIntegerField()
    sealed_at = models.DateTimeField()
    first_sequence = models.PositiveBigIntegerField()
    last_sequence = models.PositiveBigIntegerField()
    event_count = models.PositiveIntegerField()
    members = models.BinaryField()
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("verzegeling")
        verbose_name_plural = _("verzegelingen")
        constraints = [models.UniqueConstraint(fields=["chain", "number"], name="audit_seal_number")]
        indexes = [models.Index(fields=["chain", "first_sequence"], name="audit_seal_range")]

    def __str__(self) -> str:
        return f"seal {self.chain_id}/{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Seals cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Seals cannot be deleted")


class VerificationKind(models.TextChoices):
    INCREMENTAL = "incremental", _("nieuwe verzegelingen")
    FULL = "full", _("volledig")


class VerificationStatus(models.TextChoices):
    QUEUED = "queued", _("wacht op verwerking")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("afgebroken")


class AuditVerification(models.Model):
    """One run of the integrity check of a chain: a full one (a background task, started by the
    privacy officer or the operator) or the incremental one of the periodic work when it found
    problems. Progress is written while it runs, so the integrity page can show it."""

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="verifications")
    kind = models.CharField(max_length=12, choices=VerificationKind.choices)
    status = models.CharField(max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seals_total = models.PositiveBigIntegerField(default=0)
    seals_done = models.PositiveBigIntegerField(default=0)
    events_checked = models.PositiveBigIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("controle van de auditketen")
        verbose_name_plural = _("controles van de auditketen")
        indexes = [models.Index(fields=["chain", "kind", "created_at"], name="audit_verification_recent")]

    def __str__(self) -> str:
        return f"verification {self.kind} of chain {self.chain_id}: {self.status}"

    @property
    def percent(self) -> int:
        if self.status == VerificationStatus.DONE:
            return 100
        return int(100 * self.seals_done / self.seals_total) if self.seals_total else 0


class AuditFinding(models.Model):
    """An unusual pattern found by a detector (privacy/detectors.py) in a house's sealed events.
    Derived data, computed by the periodic work and extended as more events come in, so the
    access log reads findings instead of computing them per page view."""

    house = models.ForeignKey(
        "organisations.SafetyHouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    event_count = models.PositiveIntegerField(default=0)
    distinct_count = models.PositiveIntegerField(default=0)
    reference_at = models.DateTimeField(
        null=True, blank=True, help_text="A moment the finding refers to, e.g. when the involvement ended."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opvallend patroon")
        verbose_name_plural = _("opvallende patronen")
        indexes = [
            models.Index(fields=["house", "ends_at"], name="audit_finding_house_time"),
            models.Index(fields=["house", "kind", "actor", "ends_at"], name="audit_finding_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_id} {self.starts_at:%Y-%m-%d %H:%M}"


class AuditFindingEvent(models.Model):
    """An event that is part of a finding (the access log badges its row)."""

    finding = models.ForeignKey(AuditFinding, on_delete=models.CASCADE, related_name="links")
    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "finding"], name="audit_finding_event_once")]

    def __str__(self) -> str:
        return f"#{self.event_id} in finding {self.finding_id}"
