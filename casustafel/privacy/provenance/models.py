"""Provenance per item (herkomst): the abstract `Provenance` every item about a person inherits
(where it comes from, its category, legal basis, consent and the contributor's restriction), and
the database constraints that guard it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casustafel.organisations.models import Sector
from casustafel.privacy.covenant.models import InformationCategory, LegalBasis


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
    (`casustafel.privacy.provenance.checks`); who sees what is decided in `casustafel.privacy.provenance.access`.
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
