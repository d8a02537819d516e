"""The default admission criteria and meeting type a new house starts with.

The criteria are Bijlage 5 of the evaluation of Veiligheidshuis Gooi en Vechtstreek (source:
"Werkinstructie maart 2014"), in the seed's Dutch wording. Criterion a refers to the definition
of complex multiple problems of the Landelijk Kader Veiligheidshuizen (footnote 43), encoded as
a tree: a = OF( EN(a1, a2, a3), a4 ). The full texts are kept verbatim because the house must
be able to show what a triage was judged on; the labels are the short forms of §4.3.

The criteria for local handling and for the RIEC are not admission criteria of the house but
guidance for the routing outcomes; they are shown next to those outcomes on the triage page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_SET_NAME = "Criteria voor behandeling in het veiligheidshuis"
DEFAULT_SOURCE = "Werkinstructie maart 2014 (Bijlage 5, evaluatie VHH Gooi en Vechtstreek)"
DEFAULT_CHANGE_NOTE = (
    "Standaardset overgenomen uit Bijlage 5 (Werkinstructie maart 2014). Criterium a is de definitie "
    "van complexe meervoudige problematiek van het Landelijk Kader Veiligheidshuizen: a1 en a2 en a3, "
    "of a4. Slottekst van de werkinstructie: Als deze criteria niet meer van toepassing zijn, kan "
    "afschaling naar lokaal of afsluiten van het dossier plaatsvinden. Deze criteria worden mogelijk "
    "verder aangescherpt, indien de maximale caseload van het Veiligheidshuis ruimschoots wordt "
    "overschreden. Opschaling naar het RIEC is mogelijk als de criteria hiervoor passend zijn."
)


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of a default set; `combinator` is "all" (EN) or "any" (OF) for a node
    with parts, empty for a leaf."""

    code: str
    label: str
    text: str
    combinator: str = ""
    children: tuple[CriterionSpec, ...] = field(default=())


MULTIPROBLEM_PARTS = CriterionSpec(
    code="a1-a3",
    label="Complexe meervoudige problematiek (a1 en a2 en a3)",
    text=(
        "Complexe meervoudige problematiek conform de definitie van het Landelijk Kader "
        "Veiligheidshuizen: alle drie de onderdelen a1, a2 en a3 zijn van toepassing."
    ),
    combinator="all",
    children=(
        CriterionSpec(
            code="a1",
            label="Meerdere problemen op meer dan één leefgebied",
            text=(
                "Er is sprake van meerdere problemen op meer dan één leefgebied, die (kunnen) leiden tot "
                "crimineel en/of overlastgevend gedrag of verder afglijden;"
            ),
        ),
        CriterionSpec(
            code="a2",
            label="Samenwerking tussen meerdere ketens (minimaal dwang en drang) is nodig",
            text=(
                "Samenwerking tussen meerdere ketens (minimaal dwang en drang) is nodig voor effectieve "
                "aanpak; in reguliere samenwerking binnen één keten niet mogelijk om deze problematiek "
                "effectief aan te pakken;"
            ),
        ),
        CriterionSpec(
            code="a3",
            label="Impact op het (gezins)systeem en/of de directe leefomgeving",
            text=(
                "De multiproblematiek wordt beïnvloed door en heeft impact op het (gezins)systeem en/of "
                "de directe leefomgeving (of dat wordt verwacht);"
            ),
        ),
    ),
)

AREA_SAFETY = CriterionSpec(
    code="a4",
    label="Ernstige lokale of gebiedsgebonden veiligheidsproblematiek",
    text=(
        "Er is sprake van ernstige lokale of gebiedsgebonden veiligheidsproblematiek, die (tijdelijk) "
        "vraagt om een ketenoverstijgende aanpak in het veiligheidshuis."
    ),
)

DEFAULT_CRITERIA: tuple[CriterionSpec, ...] = (
    CriterionSpec(
        code="a",
        label="Multiproblem/complexiteit conform de definitie van het Landelijk Kader Veiligheidshuizen",
        text=(
            "Is er sprake van multiproblem/complexiteit conform de definitie van het Landelijk Kader Veiligheidshuizen?"
        ),
        combinator="any",
        children=(MULTIPROBLEM_PARTS, AREA_SAFETY),
    ),
    CriterionSpec(
        code="b",
        label="Lokaal voldoende mee gedaan (bv. lokaal zorgoverleg of lokaal OOV + politie)?",
        text=("Is er lokaal al voldoende mee gedaan, bv. in een lokaal zorgoverleg of lokaal door OOV met de politie?"),
    ),
    CriterionSpec(code="c", label="Is er actualiteit?", text="Is er actualiteit?"),
    CriterionSpec(
        code="d",
        label="Ligt de oplossing in een verbinding tussen zorg en straf/dwang?",
        text=(
            "Voor gevallen die primair vanuit de gemeenten en zorgpartners worden aangeleverd: is een "
            "partner uit de strafketen benodigd gelet op o.a. redelijk actuele (dreigende) strafbare "
            "feiten? Maar andersom ook als gevallen via politie en justitie worden aangeleverd: zijn er "
            "wel zorgpartners bij nodig? Dus ligt de oplossing van de casus in een verbinding tussen zorg "
            "en straf/dwang?"
        ),
    ),
    CriterionSpec(
        code="e",
        label="Voldoende (essentiële) informatie beschikbaar voor bespreking op maat?",
        text=(
            "Voorafgaand aan behandeling in het Veiligheidshuis: is er voldoende (essentiële) informatie "
            "beschikbaar over de casus (het subject en zijn systeem) of moet deze eerst verder worden "
            "verrijkt? Dat is een randvoorwaarde, ook gelet op het op maat uitnodigen van direct "
            "betrokken partners (incl. gemeente)."
        ),
    ),
)

# Guidance next to the routing outcomes (Bijlage 5, second and third list), verbatim.
LOCAL_HANDLING_CRITERIA: tuple[tuple[str, str], ...] = (
    (
        "a",
        "de problematiek is niet (zeer) complex (bv. enkelvoudige of meervoudige hulpvraag) of is "
        "niet/beperkt multi-problem.",
    ),
    ("b", "er is regie en afstemming binnen één keten nodig."),
    ("c", "de problematiek dient nog verder in kaart te worden gebracht of worden verrijkt."),
    (
        "d",
        "er zijn mogelijkheden voor de gemeente om met zorgpartners een antwoord op de problematiek te "
        "vinden (enkele zorgketen).",
    ),
    (
        "e",
        "er zijn mogelijkheden voor de gemeente om met de politie een antwoord op de problematiek te "
        "vinden (enkele strafketen).",
    ),
    (
        "f",
        "er is geen urgentie (meer) dan wel geen actualiteit (meer). Lokaal volgen of beperkt handelen "
        "met één of een zeer beperkt aantal samenwerkingspartners is voldoende.",
    ),
    ("g", "de maximale caseload van het veiligheidshuis voor de desbetreffende gemeente is (vooralsnog) bereikt."),
)

RIEC_CRITERIA: tuple[tuple[str, str], ...] = (
    (
        "a",
        "Er is sprake van zware en (mogelijk) georganiseerde criminaliteit. Denk aan lidmaatschap van een "
        "criminele organisatie (zoals een Motorclub), witwassen, zware fraude, grootschalige hennepteelt, "
        "zware drugszaken, mensenhandel/mensensmokkel, e.d.",
    ),
    ("b", "Er ligt geen antwoord (meer) in de combinatie zorg-strafrecht"),
)


@dataclass(frozen=True)
class MeetingTypeSpec:
    """A default meeting type with its input requirements: (check, stage, minimum)."""

    name: str
    goals: str
    privacy_reminder: str
    first_contact_hours: int = 48
    retention_years: int = 5
    requirements: tuple[tuple[str, str, int], ...] = ()
    minutes_per_case: int = 30
    default_duration_minutes: int = 120
    clients_invited_by_default: bool = True
    separate_perpetrator_and_victim: bool = False


DEFAULT_MEETING_TYPES: tuple[MeetingTypeSpec, ...] = (
    MeetingTypeSpec(
        name="Casus-op-Maat",
        goals=(
            "Complexe casuïstiek waarin zorg en straf/dwang moeten samenwerken. Alleen de professionals "
            "die nodig zijn voor de aanpak zitten aan tafel: zij bespreken de problematiek in de diepte, "
            "ontwerpen gezamenlijk de aanpak en bepalen en volgen samen de interventies. Per casus wordt "
            "overwogen of het zinvol is de cliënt uit te nodigen."
        ),
        privacy_reminder=(
            "Deel alleen wat nodig is voor de aanpak van deze casus, met de partners die aan deze casus "
            "deelnemen. Noem de bron van wat u inbrengt. Informatie uit dit overleg gaat niet verder dan "
            "het convenant toestaat."
        ),
        requirements=(
            ("concern_described", "before_triage", 1),
            ("subject_known", "before_triage", 1),
            # "meer dan één leefgebied" (criterion a1): at least two life domains.
            ("life_domains", "before_triage", 2),
            ("prior_actions", "before_triage", 1),
            ("response_term", "before_triage", 1),
            ("sources", "before_triage", 1),
            ("consent", "before_triage", 1),
            ("household_complete", "before_agenda", 1),
            ("municipality", "before_agenda", 1),
        ),
        # "Niet 10 minuten maar 30 tot 60 minuten per casus" (seed 003, §1.6).
        minutes_per_case=45,
        default_duration_minutes=180,
    ),
)

_PRIVACY_REMINDER = (
    "Deel alleen wat nodig is voor de aanpak van deze casus, met de partners die aan deze casus "
    "deelnemen. Noem de bron van wat u inbrengt. Informatie uit dit overleg gaat niet verder dan "
    "het convenant toestaat."
)

# The other meeting types the seeds describe, with the settings they report. The demo house
# runs all six; a new house starts with Casus-op-Maat and adds these as it needs them.
OTHER_MEETING_TYPES: tuple[MeetingTypeSpec, ...] = (
    MeetingTypeSpec(
        name="Zorgoverleg huiselijk geweld",
        goals=(
            "Afstemming over casussen van huiselijk geweld die via Veilig Thuis binnenkomen: zorg en justitie "
            "stemmen één systeemgerichte aanpak af voor pleger, slachtoffer en kinderen, en bepalen welke "
            "partner de casus oppakt."
        ),
        privacy_reminder=_PRIVACY_REMINDER,
        requirements=(
            ("concern_described", "before_triage", 1),
            ("subject_known", "before_triage", 1),
            ("sources", "before_triage", 1),
            ("consent", "before_triage", 1),
        ),
        # A process-oriented meeting: many cases, short slots (seed 000, §2.6).
        minutes_per_case=15,
        default_duration_minutes=120,
        clients_invited_by_default=False,
        separate_perpetrator_and_victim=True,
    ),
    MeetingTypeSpec(
        name="MDA++",
        goals=(
            "Multidisciplinaire aanpak van ernstig en hardnekkig huiselijk geweld en kindermishandeling, ook "
            "intieme terreur. Met de cliënten: gezamenlijke analyse en één plan, in drie fasen (directe "
            "veiligheid, risicogestuurde zorg, herstel), met de leidraad Gezamenlijke Analyse en Planvorming. "
            "De aanpak loopt tot het veilig is."
        ),
        privacy_reminder=_PRIVACY_REMINDER,
        requirements=(
            ("concern_described", "before_triage", 1),
            ("subject_known", "before_triage", 1),
            ("household_complete", "before_triage", 1),
            ("sources", "before_triage", 1),
            ("consent", "before_triage", 1),
        ),
        # Usually one phase per meeting; the leidraad needs time (seed 002, §3.4).
        minutes_per_case=60,
        default_duration_minutes=180,
        separate_perpetrator_and_victim=True,
    ),
    MeetingTypeSpec(
        name="Top-X",
        goals=(
            "Persoonsgerichte aanpak van de inwoners die de meeste overlast en criminaliteit veroorzaken, "
            "aangemeld door de gemeente: straf, drang en zorg in één plan per persoon."
        ),
        privacy_reminder=_PRIVACY_REMINDER,
        requirements=(
            ("concern_described", "before_triage", 1),
            ("subject_known", "before_triage", 1),
            ("prior_actions", "before_triage", 1),
            ("municipality", "before_triage", 1),
        ),
    ),
    MeetingTypeSpec(
        name="Nazorg ex-gedetineerden",
        goals=(
            "Afstemming van de nazorg voor wie uit detentie komt: identiteitsbewijs, inkomen, huisvesting, "
            "schulden en zorg geregeld vóór de dag van ontslag, en een screening op het risico van recidive."
        ),
        privacy_reminder=_PRIVACY_REMINDER,
        requirements=(
            ("subject_known", "before_triage", 1),
            ("municipality", "before_triage", 1),
        ),
        minutes_per_case=15,
        default_duration_minutes=90,
        clients_invited_by_default=False,
    ),
    MeetingTypeSpec(
        name="Actie-overleg",
        goals=(
            "Kort overleg op de dag zelf over acute situaties: wie doet vandaag wat. Afspraken krijgen een "
            "datum en een uur; het verslag is dezelfde dag klaar."
        ),
        privacy_reminder=_PRIVACY_REMINDER,
        first_contact_hours=24,
        requirements=(("concern_described", "before_triage", 1),),
        minutes_per_case=10,
        default_duration_minutes=45,
        clients_invited_by_default=False,
    ),
)
