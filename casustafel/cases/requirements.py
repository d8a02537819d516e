"""Input requirements (inputcriteria): what must be known about a referral before triage and
before the case may be put on an agenda, evaluated per `InputRequirementCheck`.

Pure functions over a referral and its related rows. Callers that evaluate many referrals, or
render a page, prefetch `parties__person`, `problems`, `prior_actions` and
`meeting_type__input_requirements` (see `REFERRAL_CHECKLIST_PREFETCH`) so the evaluation costs
no further queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casustafel.cases.models import PartyRole, Referral
from casustafel.meeting_types.models import InputRequirement, InputRequirementCheck, RequirementStage

REFERRAL_CHECKLIST_PREFETCH = ("parties__person", "problems", "prior_actions", "meeting_type__input_requirements")


@dataclass(frozen=True)
class ChecklistItem:
    """One input requirement and whether the referral meets it.

    Args:
        requirement: the configured requirement (its label is `requirement.get_requirement_display()`).
        met: whether the referral satisfies it now.
        missing_text: what is still missing, in Dutch; empty when met.
    """

    requirement: InputRequirement
    met: bool
    missing_text: str = ""

    @property
    def label(self) -> str:
        return str(self.requirement.get_requirement_display())


Evaluation = tuple[bool, str]


def _concern_described(referral: Referral, requirement: InputRequirement) -> Evaluation:
    if referral.concern.strip():
        return True, ""
    return False, _("De omschrijving van de zorg ontbreekt.")


def _subject_known(referral: Referral, requirement: InputRequirement) -> Evaluation:
    subjects = [party for party in referral.parties.all() if party.role == PartyRole.SUBJECT]
    if not subjects:
        return False, _("Er is nog geen hoofdpersoon toegevoegd.")
    if any(party.person.date_of_birth is None for party in subjects):
        return False, _("Van de hoofdpersoon ontbreekt de geboortedatum.")
    return True, ""


def _household_complete(referral: Referral, requirement: InputRequirement) -> Evaluation:
    # A case is about a person in their system (cliëntsysteem): besides the subject, at least
    # one other member of the household or system must be named, each with a role.
    parties = list(referral.parties.all())
    if not parties:
        return False, _("Er zijn nog geen betrokkenen toegevoegd.")
    if not any(party.role != PartyRole.SUBJECT for party in parties):
        return False, _(
            "Alleen de hoofdpersoon is genoemd. Voeg de andere leden van het huishouden of systeem toe, met hun rol."
        )
    return True, ""


def _life_domains(referral: Referral, requirement: InputRequirement) -> Evaluation:
    domains = {problem.domain for problem in referral.problems.all()}
    if len(domains) >= requirement.minimum:
        return True, ""
    return False, ngettext(
        "Problemen beschreven op %(count)d leefgebied; nodig: minimaal %(minimum)d.",
        "Problemen beschreven op %(count)d leefgebieden; nodig: minimaal %(minimum)d.",
        len(domains),
    ) % {"count": len(domains), "minimum": requirement.minimum}


def _prior_actions(referral: Referral, requirement: InputRequirement) -> Evaluation:
    if list(referral.prior_actions.all()):
        return True, ""
    return False, _("Er is nog niet beschreven wat er al is gedaan, en door wie.")


def _response_term(referral: Referral, requirement: InputRequirement) -> Evaluation:
    if referral.desired_response_days:
        return True, ""
    return False, _("De gewenste reactietermijn is nog niet gekozen.")


def _sources(referral: Referral, requirement: InputRequirement) -> Evaluation:
    missing: list[str] = []
    if referral.concern.strip() and not referral.concern_source.strip():
        missing.append(_("de omschrijving van de zorg"))
    if any(not problem.source.strip() for problem in referral.problems.all()):
        missing.append(_("een probleem per leefgebied"))
    if any(not action.source.strip() for action in referral.prior_actions.all()):
        missing.append(_("de eerdere aanpak"))
    if not missing:
        return True, ""
    return False, _("De bron ontbreekt bij: %(items)s.") % {"items": ", ".join(missing)}


def _municipality(referral: Referral, requirement: InputRequirement) -> Evaluation:
    if referral.municipality_id:
        return True, ""
    return False, _("De woongemeente is nog niet gekozen.")


def _consent(referral: Referral, requirement: InputRequirement) -> Evaluation:
    if not referral.consent:
        return False, _("Nog niet vastgelegd of de betrokkene weet dat informatie wordt gedeeld.")
    if referral.consent == "not_asked" and not referral.consent_note.strip():
        return False, _("Bij 'niet gevraagd' ontbreekt de toelichting waarom niet.")
    return True, ""


EVALUATORS: dict[str, Callable[[Referral, InputRequirement], Evaluation]] = {
    InputRequirementCheck.CONCERN_DESCRIBED: _concern_described,
    InputRequirementCheck.SUBJECT_KNOWN: _subject_known,
    InputRequirementCheck.HOUSEHOLD_COMPLETE: _household_complete,
    InputRequirementCheck.LIFE_DOMAINS: _life_domains,
    InputRequirementCheck.PRIOR_ACTIONS: _prior_actions,
    InputRequirementCheck.RESPONSE_TERM: _response_term,
    InputRequirementCheck.SOURCES: _sources,
    InputRequirementCheck.MUNICIPALITY: _municipality,
    InputRequirementCheck.CONSENT: _consent,
}


def referral_checklist(referral: Referral, stage: RequirementStage | str | None) -> list[ChecklistItem]:
    """The completeness checklist of a referral against its meeting type's input requirements.

    Args:
        referral: the referral; prefetch `REFERRAL_CHECKLIST_PREFETCH` to avoid queries.
        stage: `RequirementStage.BEFORE_TRIAGE` or `BEFORE_AGENDA`; None gives both stages.

    Returns:
        One item per configured requirement of that stage, in the meeting type's order. Empty
        when the referral has no meeting type yet or the meeting type requires nothing.
    """
    if referral.meeting_type is None:
        return []
    items: list[ChecklistItem] = []
    for requirement in referral.meeting_type.input_requirements.all():
        if stage is not None and requirement.stage != stage:
            continue
        met, missing_text = EVALUATORS[requirement.requirement](referral, requirement)
        items.append(ChecklistItem(requirement=requirement, met=met, missing_text="" if met else missing_text))
    return items


def missing_items(referral: Referral, stage: RequirementStage | str | None) -> list[ChecklistItem]:
    """Only the unmet items of `referral_checklist` (what the triage page flags)."""
    return [item for item in referral_checklist(referral, stage) if not item.met]
