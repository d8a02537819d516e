"""What the demo region consists of: the house, its municipalities, its partner organisations
and its own staff. Pure data; `builder.py` turns it into rows through the services.

Organisation names are the real kinds of partner the evaluation of the Veiligheidshuis Gooi en
Vechtstreek names (seed 003, §1.4 and the Voorwoord), under their present-day names where they
merged or were renamed. Every e-mail domain ends in `.example` (RFC 2606), so no demo message
can ever reach a real organisation. The people are invented by Faker.
"""

from __future__ import annotations

from dataclasses import dataclass

from casustafel.organisations.models import Role, Sector

HOUSE_NAME = "Zorg- en Veiligheidshuis Gooi en Vechtstreek"
HOUSE_REGION = "Gooi en Vechtstreek"
HOUSE_EMAIL = "info@zvh-gooienvechtstreek.example"
OFFICE_KEY = "office"

DEFAULT_SEED = 2014  # the year of the evaluation the domain notes are based on
DEMO_PASSWORD = "Casustafel-demo!"  # passes the validators: 16 characters, not common, not numeric


@dataclass(frozen=True)
class OrganisationSpec:
    """One organisation of the demo region.

    Args:
        key: stable handle for later builders (`region.organisations["veilig_thuis"]`).
        name: the organisation's name in the house (unique per house).
        sector: criminal_justice / supervision / care / municipality / other.
        domain: e-mail domain of its people; always a `.example` domain.
        job_titles: titles handed out in turn to its professionals.
        professionals: how many professionals at scale 1 (1–3); `--scale` multiplies it.
        weight: municipalities only: share of the house's caseload (see MUNICIPALITIES).
    """

    key: str
    name: str
    sector: Sector
    domain: str
    job_titles: tuple[str, ...]
    professionals: int
    weight: int = 0


OFFICE = OrganisationSpec(
    key=OFFICE_KEY,
    name="Bureau Zorg- en Veiligheidshuis Gooi en Vechtstreek",
    sector=Sector.OTHER,
    domain="zvh-gooienvechtstreek.example",
    job_titles=(),
    professionals=0,
)

# The house's own staff: (role, job titles, one user per title).
HOUSE_STAFF: tuple[tuple[Role, tuple[str, ...]], ...] = (
    (Role.PROCESS_DIRECTOR, ("Procesregisseur", "Procesregisseur")),
    (Role.HOUSE_MANAGER, ("Manager Zorg- en Veiligheidshuis",)),
    (Role.SECRETARY, ("Medewerker secretariaat", "Medewerker secretariaat")),
    (Role.ADMINISTRATOR, ("Functioneel beheerder",)),
    (Role.PRIVACY_OFFICER, ("Functionaris gegevensbescherming",)),
    # The bestuurscommissie steers the house; its members hold a board role at the office,
    # which gives the house-wide management view rather than a partner's case view.
    (Role.BOARD, ("Voorzitter bestuurscommissie", "Lid bestuurscommissie")),
)

PARTNERS: tuple[OrganisationSpec, ...] = (
    # Strafrecht (straf/dwang)
    OrganisationSpec(
        "police",
        "Politie Midden-Nederland, basisteam Gooi en Vechtstreek",
        Sector.CRIMINAL_JUSTICE,
        "politie-midden-nederland.example",
        ("Interventiespecialist", "Coördinator huiselijk geweld", "Wijkagent"),
        3,
    ),
    OrganisationSpec(
        "om",
        "Openbaar Ministerie, arrondissementsparket Midden-Nederland",
        Sector.CRIMINAL_JUSTICE,
        "om-midden-nederland.example",
        ("Officier van justitie", "Parketsecretaris"),
        2,
    ),
    OrganisationSpec(
        "raad",
        "Raad voor de Kinderbescherming",
        Sector.CRIMINAL_JUSTICE,
        "kinderbescherming.example",
        ("Raadsonderzoeker", "Raadsonderzoeker"),
        2,
    ),
    # Drang (supervision)
    OrganisationSpec(
        "reclassering",
        "Reclassering Nederland",
        Sector.SUPERVISION,
        "reclassering.example",
        ("Reclasseringswerker", "Reclasseringswerker"),
        2,
    ),
    OrganisationSpec(
        "ldh_jbr",
        "Leger des Heils Jeugdbescherming & Reclassering",
        Sector.SUPERVISION,
        "legerdesheils-jbr.example",
        ("Reclasseringswerker", "Jeugdreclasseerder"),
        2,
    ),
    # The certified youth-protection institutions the region contracts (regiogv.nl): Jeugd en
    # Gezinsbeschermers (successor of BJZ Noord-Holland in the seed) and the William Schrikker Groep.
    OrganisationSpec(
        "jgb",
        "Jeugd en Gezinsbeschermers",
        Sector.SUPERVISION,
        "jeugdengezinsbeschermers.example",
        ("Jeugdbeschermer", "Jeugdbeschermer"),
        2,
    ),
    OrganisationSpec(
        "wsg",
        "William Schrikker Groep",
        Sector.SUPERVISION,
        "williamschrikkergroep.example",
        ("Jeugdbeschermer",),
        1,
    ),
    # Zorg (care)
    OrganisationSpec(
        "veilig_thuis",
        "Veilig Thuis Gooi en Vechtstreek",
        Sector.CARE,
        "veiligthuis-gooienvechtstreek.example",
        ("Casemanager", "Triagist", "Casemanager"),
        3,
    ),
    OrganisationSpec(
        "ggz_centraal",
        "GGZ Centraal",
        Sector.CARE,
        "ggzcentraal.example",
        ("Sociaal psychiatrisch verpleegkundige", "Casemanager FACT-team", "Psychiater"),
        3,
    ),
    OrganisationSpec(
        "jellinek",
        "Jellinek verslavingszorg",
        Sector.CARE,
        "jellinek.example",
        ("Casemanager verslavingszorg",),
        1,
    ),
    OrganisationSpec(
        "de_waag",
        "De Waag, forensische zorg",
        Sector.CARE,
        "dewaag.example",
        ("Forensisch behandelaar",),
        1,
    ),
    OrganisationSpec(
        "mee",
        "MEE Utrecht, Gooi & Vecht",
        Sector.CARE,
        "mee-gooienvecht.example",
        ("Cliëntondersteuner", "Cliëntondersteuner"),
        2,
    ),
    OrganisationSpec(
        "kwintes",
        "Kwintes",
        Sector.CARE,
        "kwintes.example",
        ("Woonbegeleider",),
        1,
    ),
    OrganisationSpec(
        "ggd",
        "GGD Gooi en Vechtstreek",
        Sector.CARE,
        "ggd-gooienvechtstreek.example",
        ("Coördinator OGGZ", "Sociaal verpleegkundige"),
        2,
    ),
    OrganisationSpec(
        "versa",
        "Versa Welzijn",
        Sector.CARE,
        "versawelzijn.example",
        ("Maatschappelijk werker", "Maatschappelijk werker"),
        2,
    ),
    # Overig
    OrganisationSpec(
        "housing",
        "Woningcorporatie Het Gooi en Omstreken",
        Sector.OTHER,
        "gooienomstreken.example",
        ("Medewerker leefbaarheid", "Woonconsulent"),
        2,
    ),
    OrganisationSpec(
        "slachtofferhulp",
        "Slachtofferhulp Nederland",
        Sector.OTHER,
        "slachtofferhulp.example",
        ("Casemanager",),
        1,
    ),
    OrganisationSpec(
        "leerplicht",
        "Regionaal Bureau Leerplicht Gooi en Vechtstreek",
        Sector.OTHER,
        "leerplicht-gooienvechtstreek.example",
        ("Leerplichtambtenaar",),
        1,
    ),
)

# Nine municipalities: the region as the evaluation (seed 003, ch. 3) describes it, before
# Bussum, Naarden and Muiden merged into Gooise Meren (2016) and Weesp into Amsterdam (2022).
# Today's region is smaller (Blaricum, Gooise Meren, Hilversum, Huizen, Laren, Wijdemeren;
# Eemnes, in the province of Utrecht, works together with Blaricum and Laren), so no present-day
# set of nine exists without counting a merged municipality twice. These nine
# match the seed's tables one for one, so later builders can draw case volumes from them.
# `weight` is each municipality's 2013 caseload in nazorg (seed Tabel 3; Hilversum 55%).
MUNICIPALITY_TITLES = ("Regisseur zorg en veiligheid", "Beleidsadviseur OOV", "Consulent sociaal team")


def _municipality(key: str, name: str, professionals: int, weight: int) -> OrganisationSpec:
    return OrganisationSpec(
        key=f"gemeente_{key}",
        name=f"Gemeente {name}",
        sector=Sector.MUNICIPALITY,
        domain=f"{key}.example",
        job_titles=MUNICIPALITY_TITLES,
        professionals=professionals,
        weight=weight,
    )


MUNICIPALITIES: tuple[OrganisationSpec, ...] = (
    _municipality("blaricum", "Blaricum", 1, 1),
    _municipality("bussum", "Bussum", 2, 45),
    _municipality("hilversum", "Hilversum", 3, 177),
    _municipality("huizen", "Huizen", 2, 35),
    _municipality("laren", "Laren", 1, 6),
    _municipality("muiden", "Muiden", 1, 2),
    _municipality("naarden", "Naarden", 1, 11),
    _municipality("weesp", "Weesp", 2, 27),
    _municipality("wijdemeren", "Wijdemeren", 1, 10),
)

ORGANISATIONS: tuple[OrganisationSpec, ...] = (OFFICE, *PARTNERS, *MUNICIPALITIES)
