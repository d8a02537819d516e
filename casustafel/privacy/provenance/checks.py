"""Checking the provenance of an item before it is saved: the fields themselves (Dutch messages
per field) and the covenant's say on whether the contributing organisation may bring in the
category for the case's meeting type.

Pure reads: the services (`casustafel.cases.services.information`) call these before saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from casustafel.organisations.models import Organisation, Sector
from casustafel.privacy.covenant.models import InformationCategory, LegalBasis
from casustafel.privacy.covenant.selectors import CovenantRules, covenant_rules_for
from casustafel.privacy.provenance.models import Consent, ConsentException, Restriction

if TYPE_CHECKING:
    from casustafel.cases.models import Case


@dataclass(frozen=True)
class ProvenanceData:
    """The provenance a contributor states for a new item (the organisation comes from the
    actor, never from the form)."""

    category: str
    legal_basis: str
    consent: str
    legal_basis_detail: str = ""
    consent_exception: str = ""
    consent_note: str = ""
    restriction: str = Restriction.HOUSE
    restricted_sector: str = ""

    def normalised(self) -> ProvenanceData:
        """Strip text and drop values that do not apply (a reason when consent was asked, a
        sector when the item is not sector-restricted), so the database holds no stale
        leftovers of a form that was changed before saving."""
        not_asked = self.consent == Consent.NOT_ASKED
        exception = self.consent_exception if not_asked else ""
        return ProvenanceData(
            category=self.category,
            legal_basis=self.legal_basis,
            consent=self.consent,
            legal_basis_detail=self.legal_basis_detail.strip(),
            consent_exception=exception,
            consent_note=self.consent_note.strip() if exception == ConsentException.OTHER else "",
            restriction=self.restriction,
            restricted_sector=self.restricted_sector if self.restriction == Restriction.SECTOR else "",
        )

    def as_fields(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "legal_basis": self.legal_basis,
            "legal_basis_detail": self.legal_basis_detail,
            "consent": self.consent,
            "consent_exception": self.consent_exception,
            "consent_note": self.consent_note,
            "restriction": self.restriction,
            "restricted_sector": self.restricted_sector,
        }


def provenance_errors(data: ProvenanceData) -> dict[str, str]:
    """Dutch messages per field for provenance that is incomplete or inconsistent."""
    errors: dict[str, str] = {}
    if data.category not in InformationCategory.values:
        errors["category"] = _("Kies de soort informatie.")
    if data.legal_basis not in LegalBasis.values:
        errors["legal_basis"] = _("Kies de grondslag waarop u deze informatie deelt.")
    elif data.legal_basis == LegalBasis.OTHER and not data.legal_basis_detail.strip():
        errors["legal_basis_detail"] = _("Licht de grondslag toe: welke wet of welk artikel?")
    if data.consent not in Consent.values:
        errors["consent"] = _("Geef aan of de betrokkene toestemming gaf.")
    elif data.consent == Consent.NOT_ASKED:
        if data.consent_exception not in ConsentException.values:
            errors["consent_exception"] = _(
                "Geef aan waarom geen toestemming is gevraagd: acuut gevaar, een lopend onderzoek of een andere reden."
            )
        elif data.consent_exception == ConsentException.OTHER and not data.consent_note.strip():
            errors["consent_note"] = _("Licht toe waarom geen toestemming is gevraagd.")
    if data.restriction not in Restriction.values:
        errors["restriction"] = _("Kies wie deze informatie mag zien.")
    elif data.restriction == Restriction.SECTOR and data.restricted_sector not in Sector.values:
        errors["restricted_sector"] = _("Kies de sector die deze informatie mag zien.")
    return errors


@dataclass(frozen=True)
class ContributionCheck:
    """The covenant's answer to "may this organisation bring in this category in this case?".

    `allowed` False refuses the item (`message` says why). `covered` False means no covenant
    applies (none published and in force, or no agreements for the meeting type): the item is
    allowed, and `message` is the warning to show.
    """

    allowed: bool
    covered: bool
    message: str = ""


def uncovered_warning() -> str:
    return _(
        "Er is geen gepubliceerd privacyconvenant met afspraken voor dit overlegtype. U kunt informatie "
        "vastleggen, maar niets toetst of uw organisatie deze soort informatie mag inbrengen. Vraag de "
        "functioneel beheerder het convenant vast te stellen."
    )


def rules_for_case(case: Case) -> CovenantRules:
    """The covenant's rules for the case's meeting type, as in force today."""
    return covenant_rules_for(case.house_id, case.meeting_type_id)


def contribution_check(
    case: Case, organisation: Organisation, category: str, *, rules: CovenantRules | None = None
) -> ContributionCheck:
    """Whether `organisation` may contribute `category` to `case` under the covenant in force.

    Without a covenant covering the case's meeting type the answer is "allowed, with a warning":
    the house has not made agreements yet, and refusing would push information back into e-mail
    and notes. Once the covenant covers the meeting type it decides: the organisation must take
    part in it and its sector must be allowed to bring the category in.
    """
    rules = rules or rules_for_case(case)
    if not rules.covered:
        return ContributionCheck(allowed=True, covered=False, message=uncovered_warning())
    category_label = str(InformationCategory(category).label) if category in InformationCategory.values else category
    if not rules.is_participant(organisation):
        return ContributionCheck(
            allowed=False,
            covered=True,
            message=_(
                "%(organisation)s neemt niet deel aan het privacyconvenant (versie %(version)s) en mag daarom "
                "geen informatie inbrengen."
            )
            % {"organisation": organisation.name, "version": rules.version_number},
        )
    if not rules.may_contribute(organisation.sector, category):
        return ContributionCheck(
            allowed=False,
            covered=True,
            message=_(
                "Volgens het privacyconvenant (versie %(version)s) mag de sector %(sector)s bij dit overlegtype "
                "geen %(category)s inbrengen."
            )
            % {
                "version": rules.version_number,
                "sector": str(Sector(organisation.sector).label),
                "category": category_label[:1].lower() + category_label[1:],
            },
        )
    return ContributionCheck(allowed=True, covered=True)


def contributable_labels(rules: CovenantRules, organisation: Organisation) -> list[str]:
    """The categories `organisation` may bring in (for the form's guidance); empty when the
    covenant does not cover the meeting type or the organisation does not take part."""
    if not rules.covered or not rules.is_participant(organisation):
        return []
    return [
        str(label) for value, label in InformationCategory.choices if rules.may_contribute(organisation.sector, value)
    ]
