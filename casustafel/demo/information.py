"""Demo information on cases: a few facts and concerns per organisation involved, with varied
provenance (category, consent and its exceptions, house-wide / sector-restricted / known-only),
so the information page shows both content and "Er is afgeschermde informatie van ..." notices.

Written through `case_fact_add` as a professional of each involved organisation, so the covenant
decides what each may bring in (a fact the covenant refuses is simply left out). Deterministic
(seeded) and idempotent: a case that already has information is skipped. No attachments: the
demo writes no files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from casustafel.audit.context import Actor
from casustafel.cases.models import Case, CaseFact, CaseInvolvement, CaseStatus, FactKind, PartyRole, Person
from casustafel.cases.services.information import case_fact_add
from casustafel.demo.transactions import story
from casustafel.organisations.models import Membership, Organisation, Role, Sector
from casustafel.privacy.models import Consent, ConsentException, InformationCategory, Restriction
from casustafel.privacy.provenance.checks import ProvenanceData, contribution_check, rules_for_case

if TYPE_CHECKING:
    from casustafel.demo.builder import DemoRegion, Writer

CASES_WITH_INFORMATION = 8
SEED_OFFSET = 4


@dataclass(frozen=True)
class FactSpec:
    kind: str
    category: str
    text: Callable[[random.Random], str]
    consent: str = Consent.GIVEN
    consent_exception: str = ""
    restriction: str = Restriction.HOUSE
    restricted_sector: str = ""
    about_subject: bool = True


def _pick(*options: str) -> Callable[[random.Random], str]:
    return lambda rng: rng.choice(options)


# What each sector typically brings in. Texts are invented and name nobody.
SPECS: dict[str, list[FactSpec]] = {
    Sector.CRIMINAL_JUSTICE: [
        FactSpec(
            FactKind.FACT,
            InformationCategory.POLICE_JUSTICE,
            lambda rng: (
                f"{rng.randint(2, 6)} mutaties huiselijk geweld op het woonadres in het afgelopen halfjaar; "
                "bij de laatste was een kind aanwezig."
            ),
            restriction=Restriction.SECTOR,
            restricted_sector=Sector.CRIMINAL_JUSTICE,
        ),
        FactSpec(
            FactKind.FACT,
            InformationCategory.POLICE_JUSTICE,
            _pick(
                "Er loopt een strafrechtelijk onderzoek; details volgen na afstemming met het OM.",
                "Verdachte van bedreiging; de zaak ligt bij het OM voor een beslissing.",
            ),
            consent=Consent.NOT_ASKED,
            consent_exception=ConsentException.RUNNING_INVESTIGATION,
            restriction=Restriction.KNOWN_ONLY,
        ),
        FactSpec(
            FactKind.CONCERN,
            InformationCategory.HOUSEHOLD,
            _pick(
                "Wijkagent ziet dat de spanning in het gezin oploopt sinds vader weer thuis woont.",
                "Buren melden geregeld geschreeuw 's avonds laat.",
            ),
            consent=Consent.NOT_ASKED,
            consent_exception=ConsentException.ACUTE_DANGER,
        ),
    ],
    Sector.SUPERVISION: [
        FactSpec(
            FactKind.FACT,
            InformationCategory.SUPERVISION,
            _pick(
                "Twee meldafspraken bij de reclassering gemist; de toezichthouder heeft een waarschuwing gegeven.",
                "Bijzondere voorwaarde: contactverbod met de ex-partner, geldig tot het einde van de proeftijd.",
            ),
            restriction=Restriction.SECTOR,
            restricted_sector=Sector.CRIMINAL_JUSTICE,
        ),
        FactSpec(
            FactKind.CONCERN,
            InformationCategory.YOUTH_PROTECTION,
            _pick(
                "De gezinsvoogd maakt zich zorgen over de veiligheid van de jongste kinderen.",
                "Ondertoezichtstelling loopt af; verlenging wordt voorbereid.",
            ),
        ),
    ],
    Sector.CARE: [
        FactSpec(
            FactKind.FACT,
            InformationCategory.CARE,
            _pick(
                "In behandeling bij de GGZ; de behandelaar ziet terugval sinds de zomer.",
                "Gebruikt dagelijks alcohol; een eerdere opname is voortijdig afgebroken.",
            ),
            restriction=Restriction.KNOWN_ONLY,
        ),
        FactSpec(
            FactKind.FACT,
            InformationCategory.HOUSEHOLD,
            _pick(
                "Moeder en de kinderen wonen tijdelijk bij de grootmoeder.",
                "Het gezin bestaat uit twee volwassenen en drie kinderen tussen 4 en 12 jaar.",
            ),
            about_subject=False,
        ),
        FactSpec(
            FactKind.CONCERN,
            InformationCategory.CARE,
            _pick(
                "De behandelaar vreest dat de hoofdpersoon zijn medicatie niet meer inneemt.",
                "Vermoeden van verwaarlozing van de woning en de eigen verzorging.",
            ),
            consent=Consent.REFUSED,
            restriction=Restriction.SECTOR,
            restricted_sector=Sector.CARE,
        ),
    ],
    Sector.MUNICIPALITY: [
        FactSpec(
            FactKind.FACT,
            InformationCategory.HOUSING_FINANCES,
            lambda rng: (
                f"Huurachterstand van {rng.randint(12, 60) * 100} euro; de woningcorporatie overweegt "
                "een ontruimingsprocedure."
            ),
        ),
        FactSpec(
            FactKind.FACT,
            InformationCategory.SCHOOL,
            _pick(
                "De leerplichtambtenaar registreert sinds januari veel ongeoorloofd verzuim.",
                "Het oudste kind is geschorst en zit thuis zonder dagbesteding.",
            ),
            about_subject=False,
        ),
    ],
    Sector.OTHER: [
        FactSpec(
            FactKind.FACT,
            InformationCategory.HOUSING_FINANCES,
            _pick(
                "Meerdere overlastmeldingen bij de woningcorporatie; een gedragsaanwijzing is verstuurd.",
                "Schuldhulpverlening is gestart; het budgetbeheer loopt via de gemeente.",
            ),
        ),
    ],
}


def with_demo_information() -> Exists:
    """Cases the information demo filled: facts besides the referral's content, which every
    case holds from its opening (dated then by the referral stories)."""
    return Exists(CaseFact.objects.filter(case=OuterRef("pk")).exclude(created_at=OuterRef("opened_at")))


def build_demo_information(region: DemoRegion, *, stdout: Writer | None = None) -> int:
    """Add information to the first active demo cases that have none yet.

    Returns:
        The number of facts added.
    """
    rng = random.Random(region.seed * 1000 + SEED_OFFSET)
    cases = list(
        Case.objects.filter(house=region.house, status=CaseStatus.ACTIVE)
        .select_related("referral")
        .order_by("opened_at", "pk")[:CASES_WITH_INFORMATION]
    )
    added = 0
    with story():
        for case in cases:
            if Case.objects.filter(pk=case.pk).filter(with_demo_information()).exists():
                continue
            added += _fill_case(case, rng)
    if stdout is not None and added:
        stdout.write(f"  {added} facts with provenance on {len(cases)} cases\n")
    return added


def _subject(case: Case) -> Person | None:
    party = case.referral.parties.filter(role=PartyRole.SUBJECT).select_related("person").first()
    return party.person if party else None


def _contributor(involvement: CaseInvolvement) -> Membership | None:
    """A professional of the involved organisation: its contact on the case, else the first."""
    memberships = Membership.objects.active().filter(organisation=involvement.organisation, role=Role.PROFESSIONAL)
    return (
        memberships.filter(user=involvement.contact_id).first() if involvement.contact_id else None
    ) or memberships.order_by("pk").first()


def _fill_case(case: Case, rng: random.Random) -> int:
    rules = rules_for_case(case)
    subject = _subject(case)
    added = 0
    involvements = CaseInvolvement.objects.current().filter(case=case).select_related("organisation").order_by("pk")
    for involvement in involvements:
        membership = _contributor(involvement)
        if membership is None:
            continue
        organisation: Organisation = involvement.organisation
        specs = SPECS.get(organisation.sector, [])
        for spec in rng.sample(specs, k=min(len(specs), 2)):
            if not contribution_check(case, organisation, spec.category, rules=rules).allowed:
                continue
            case_fact_add(
                actor=Actor(user=membership.user, membership=membership),
                case=case,
                text=spec.text(rng),
                kind=spec.kind,
                person=subject if spec.about_subject else None,
                provenance=ProvenanceData(
                    category=spec.category,
                    legal_basis=rules.legal_basis or "wgs",
                    consent=spec.consent,
                    consent_exception=spec.consent_exception,
                    restriction=spec.restriction,
                    restricted_sector=spec.restricted_sector,
                ),
            )
            added += 1
    return added
