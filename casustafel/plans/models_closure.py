"""Closing the loop: what a closing records beyond the case's own status (the closure plan, the
last safety judgement), and the follow-up questions after closure.

The case's status, closing day, reason and destruction date stay with `cases` (`case_close`);
`plans.services.closure.case_closure` records this alongside it in one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.lib.models import TimestampedModel, VersionedModel

__all__ = ["SAFETY_SCORE_MAX", "ClosurePlan", "FollowUp", "FollowUpAnswer"]

SAFETY_SCORE_MAX = 10


class ClosurePlan(TimestampedModel):
    """The closure plan (afsluitingsplan, seed 002 section 2.10): what continues after the
    house lets go and with whom, the plan for when it goes wrong again, and the last safety
    score (0-10) with its justification."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="closure_plan", verbose_name=_("casus")
    )
    continues = models.TextField(
        _("wat loopt door, en bij wie"),
        help_text=_("Bijv. 'Reclassering houdt toezicht op vader tot juni; het wijkteam blijft bij het gezin.'"),
    )
    if_it_goes_wrong = models.TextField(
        _("plan als het later toch weer niet goed gaat"),
        help_text=_("Wie signaleert, en hoe komt de casus dan snel terug in het huis?"),
    )
    last_safety_score = models.PositiveSmallIntegerField(
        _("laatste veiligheidscijfer"), validators=[MinValueValidator(0), MaxValueValidator(SAFETY_SCORE_MAX)]
    )
    last_safety_justification = models.TextField(_("onderbouwing van het veiligheidscijfer"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )

    AUDIT_REDACTED_FIELDS = frozenset({"continues", "if_it_goes_wrong", "last_safety_justification"})

    class Meta:
        verbose_name = _("afsluitingsplan")
        verbose_name_plural = _("afsluitingsplannen")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_safety_score__gte=0, last_safety_score__lte=SAFETY_SCORE_MAX),
                name="closure_plan_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Afsluitingsplan van casus {self.case_id}"


class FollowUpAnswer(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nee")
    UNKNOWN = "unknown", _("Onbekend")


class FollowUp(VersionedModel):
    """A follow-up moment after closure (default 3, 6 and 12 months, per meeting type): the
    process director is asked whether there were new incidents, whether the household was
    referred again, and whether it is still safe. The answers are outcome indicators."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("casus"))
    months = models.PositiveSmallIntegerField(_("maanden na afsluiten"))
    due_on = models.DateField(_("vragen op"), db_index=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    new_incidents = models.CharField(_("nieuwe incidenten?"), max_length=10, choices=FollowUpAnswer.choices, blank=True)
    re_referral = models.CharField(_("opnieuw aangemeld?"), max_length=10, choices=FollowUpAnswer.choices, blank=True)
    still_safe = models.CharField(_("nog steeds veilig?"), max_length=10, choices=FollowUpAnswer.choices, blank=True)
    note = models.TextField(_("toelichting"), blank=True)

    AUDIT_REDACTED_FIELDS = frozenset({"note"})

    class Meta:
        verbose_name = _("nazorgmoment")
        verbose_name_plural = _("nazorgmomenten")
        ordering = ["case", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "months"], name="follow_up_once_per_moment"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | (~Q(new_incidents="") & ~Q(re_referral="") & ~Q(still_safe="")),
                name="follow_up_answered_in_full",
            ),
        ]

    def __str__(self) -> str:
        return f"Nazorg na {self.months} maanden, casus {self.case_id}"
