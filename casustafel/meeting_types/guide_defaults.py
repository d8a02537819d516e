"""The discussion guides a house starts with, as data.

`LEIDRAAD` is the "Leidraad Gezamenlijke Analyse en Planvorming" of seed 002 (De handen ineen!,
ZVH Haaglanden): three phases of gefaseerde ketenzorg, each Vooraf → Doelstelling →
Beeldvorming → Schaalvraag → Oordeelsvorming → Besluitvorming (→ Afsluitingsplan), with the
question and sub-question text of the source. Two things are added, and marked as such:

- "In welke fase bevindt het gezin zich?" comes from the overview page of the leidraad, where
  it is a Vooraf item of every phase;
- the first Beeldvorming question ("Stand van zaken, vooraf verzameld") is the leidraad's own
  efficiency advice from its introduction: the regisseur summarises the information collected
  before the meeting at the start of beeldvorming. The facts with their provenance go there.

The OCR of phase 3's Vooraf is garbled; "Inventarisatie op alle leefgebieden" restores it by
analogy with phases 1 and 2, as the domain notes do. Phase 3's "Afspraken over samenwerking"
has no "Wat doen we als de bodemeisen niet worden nagekomen?" in the source; it is left out
here too (the bodemeis itself always asks for it).

`BOB` is a shorter guide for the other meeting types (Beeldvorming, Oordeelsvorming,
Besluitvorming, without phases), built from the same elements and from the fixed meeting
structure of seed 003 §2.8: name the goal, connect the organisations, make case direction
explicit.

`captures` name the structured entries a question collects in the live meeting besides its
free-text answer (see `Capture`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    prompts: tuple[str, ...] = ()
    captures: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartSpec:
    kind: str
    title: str
    intro: str = ""
    questions: tuple[QuestionSpec, ...] = ()


@dataclass(frozen=True)
class PhaseSpec:
    safety_phase: str  # "" for a guide without phases
    title: str
    parts: tuple[PartSpec, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GuideSpec:
    name: str
    description: str
    phases: tuple[PhaseSpec, ...]


def _vooraf() -> PartSpec:
    return PartSpec(
        kind="before_hand",
        title="Vooraf",
        questions=(
            QuestionSpec(
                "Beeld van het gezin",
                (
                    "Wat is de gezinssamenstelling en thuissituatie?",
                    "Werken betrokkenen mee?",
                    "Inventarisatie op alle leefgebieden",
                ),
            ),
            QuestionSpec("Welke hulpverlening is betrokken?", ("Waar is deze hulp op gericht?",)),
            QuestionSpec("In welke fase bevindt het gezin zich?", captures=("phase",)),
        ),
    )


_SUMMARY = QuestionSpec(
    "Stand van zaken, vooraf verzameld",
    (
        "De proces- of casusregisseur vat de informatie samen die vooraf bij de betrokken professionals is verzameld.",
        "Van elk feit: wat, volgens welke bron en van welke organisatie.",
    ),
    captures=("facts",),
)

_BRAINSTORM_PROMPTS = (
    "Wat kan jij vanuit jouw organisatie bieden?",
    "Wat verwacht jij van andere organisaties?",
    "Welke out-of-the box ideeën heb je?",
)
_PRIORITY = QuestionSpec(
    "Welke acties moeten prioriteit hebben en waarom?",
    (
        "Welke acties hebben prioriteit voor de cliënt?",
        "Hoe kijken materiedeskundigen/expertpoolleden hiernaar?",
        "Wat is de belastbaarheid van de cliënt m.b.t. deze acties?",
    ),
    captures=("priorities",),
)


def _interventions(goal: str) -> QuestionSpec:
    return QuestionSpec(
        f"Welke interventies gaan we inzetten t.b.v. {goal}?",
        ("Wie doet wat en wanneer?", "Wat zijn de bodemeisen en wie bewaakt deze?"),
        captures=("interventions", "agreements", "requirements"),
    )


def _cooperation(*, if_not_met: bool) -> QuestionSpec:
    prompts = ["Wat wordt de tijdslijn?", "Op welk moment komen we weer bij elkaar?"]
    if if_not_met:
        prompts.append("Wat doen we als de bodemeisen niet worden nagekomen?")
    prompts.append("Op welke wijze houden we elkaar op de hoogte?")
    return QuestionSpec("Afspraken over samenwerking", tuple(prompts))


_NOT_KNOWN_YET_ALL = QuestionSpec("Wat weten we nog niet?", ("Zitten alle relevante personen aan tafel?",))
_NOT_KNOWN_YET = QuestionSpec("Wat weten we nog niet?", ("Zitten de juiste mensen aan tafel?",))
_CURRENT_REQUIREMENTS = "Wat zijn de veiligheidsafspraken en bodemeisen? Zijn hier nog aanpassingen in nodig?"

DIRECT_SAFETY = PhaseSpec(
    safety_phase="direct_safety",
    title="Directe veiligheid: Samenwerken aan veiligheid en het maken van een veiligheidsplan",
    parts=(
        _vooraf(),
        PartSpec(
            kind="goal",
            title="Doelstelling",
            intro="Zicht op de zorgen rondom veiligheid en wat gedaan moet worden om directe veiligheid te creëren.",
        ),
        PartSpec(
            kind="picture",
            title="Beeldvorming",
            questions=(
                _SUMMARY,
                QuestionSpec(
                    "Wat zijn de zorgen t.a.v. de onveiligheid?",
                    (
                        "Wie is er bezorgd om de veiligheid van wie en waarom?",
                        "Waar maken we ons zorgen over?",
                        "Top 3 geweldsincidenten: eerste, ergste en laatste",
                        "Is er eerder sprake geweest van huiselijk geweld?",
                        "Wat is het grootste gevaar en voor wie en wat zijn de mogelijke gevolgen?",
                    ),
                    captures=("concerns", "incidents"),
                ),
                QuestionSpec(
                    "Welke onderliggende patronen veroorzaken de onveiligheid of houden dit in stand?",
                    ("Aan welke daarvan moeten als eerste gewerkt worden om directe veiligheid te creëren?",),
                ),
                QuestionSpec(
                    "Welke krachten zijn er nu in het gezin?",
                    (
                        "Wat zorgt voor veiligheid?",
                        "Welke van deze krachten kunnen benut worden om directe veiligheid te creëren?",
                    ),
                    captures=("strengths",),
                ),
                _NOT_KNOWN_YET_ALL,
            ),
        ),
        PartSpec(
            kind="scaling",
            title="Schaalvraag",
            questions=(
                QuestionSpec(
                    "Op een schaal van 1-10 hoe bezorgd ben je over de directe veiligheid van de betrokkenen?",
                    (
                        "Wat is de onderbouwing voor het cijfer?",
                        "Hoe ernstig vind je wat er nu speelt?",
                        "Hoe groot zijn de gevolgen voor de betrokken van deze situatie?",
                        "Hoe schat je de kans in dat de onveiligheid zich herhaalt en/of verergert?",
                        "Wat is de visie van betrokkenen?",
                    ),
                    captures=("scores",),
                ),
            ),
        ),
        PartSpec(
            kind="judgement",
            title="Oordeelsvorming",
            questions=(
                QuestionSpec(
                    "Zijn er nog zorgen om de directe veiligheid of kunnen we gaan werken aan de risico's?",
                    (
                        "Indien het eerste, ga door hieronder. Indien het laatste, ga door naar de fase van risicogestuurde zorg.",
                    ),
                    captures=("phase",),
                ),
                QuestionSpec(
                    "Wat is nu nodig om direct veiligheid te creëren?",
                    (
                        "Wat denkt het gezin dat er nodig is voor directe veiligheid?",
                        "Wat moet er minimaal gerealiseerd worden aan veiligheid (bodemeisen)?",
                        "Hoe weten we wanneer er directe veiligheid is?",
                    ),
                    captures=("needs",),
                ),
            ),
        ),
        PartSpec(
            kind="decision",
            title="Besluitvorming",
            questions=(
                QuestionSpec(
                    "Brainstorm: Welke acties zijn er mogelijk om in dit gezin directe veiligheid te creëren?",
                    _BRAINSTORM_PROMPTS,
                    captures=("brainstorm",),
                ),
                _PRIORITY,
                _interventions("de directe veiligheid"),
                _cooperation(if_not_met=True),
            ),
        ),
    ),
)

RISK_REDUCTION = PhaseSpec(
    safety_phase="risk_reduction",
    title="Risicogestuurde zorg: Samenwerken aan de risico's van (herhaling van) onveiligheid",
    parts=(
        _vooraf(),
        PartSpec(
            kind="goal",
            title="Doelstelling",
            intro="Zicht op de risicofactoren voor geweld en wat gedaan moet worden om stabiele veiligheid te creëren.",
        ),
        PartSpec(
            kind="picture",
            title="Beeldvorming",
            questions=(
                _SUMMARY,
                QuestionSpec(
                    "Wat is de huidige stand van zaken m.b.t. de directe veiligheid?",
                    (
                        "Indien hier zorgen om zijn, ga terug naar de fase van directe veiligheid.",
                        _CURRENT_REQUIREMENTS,
                    ),
                    captures=("phase", "requirements"),
                ),
                QuestionSpec(
                    "Welke risicofactoren en onderliggende patronen veroorzaken de (kans op) onveiligheid?",
                    (
                        "Onderscheid statische en dynamische, en individuele en systemische risicofactoren.",
                        "Top 3 risico's: Aan welke drie risico's moeten als eerste gewerkt worden om stabiele veiligheid te creëren?",
                        "Wat is er in het verleden en heden ingezet met betrokkenen?",
                        "Welke problemen ervaren betrokkenen met de hulpverlening?",
                    ),
                    captures=("risks",),
                ),
                QuestionSpec(
                    "Welke krachten zijn er in het gezin?",
                    (
                        "Welke steunbronnen zijn er voor ieder gezinslid?",
                        "Op welke momenten ging het goed met betrokkenen? Wat beïnvloedde dat?",
                    ),
                    captures=("strengths",),
                ),
                _NOT_KNOWN_YET,
            ),
        ),
        PartSpec(
            kind="scaling",
            title="Schaalvraag",
            questions=(
                QuestionSpec(
                    "Op een schaal van 1-10 hoe bezorgd ben je over de stabiele veiligheid van de betrokkenen?",
                    (
                        "Wat is de onderbouwing voor het cijfer?",
                        "Hoe ernstig schat je de risicofactoren in?",
                        "Hoe schat je de kans in dat er opnieuw onveiligheid komt?",
                        "Wat is de visie van betrokkenen?",
                    ),
                    captures=("scores",),
                ),
            ),
        ),
        PartSpec(
            kind="judgement",
            title="Oordeelsvorming",
            questions=(
                QuestionSpec(
                    "Zijn er opnieuw zorgen om de directe veiligheid?",
                    ("Zo ja, ga terug naar de fase van directe veiligheid.",),
                    captures=("concerns", "phase"),
                ),
                QuestionSpec(
                    "Zijn er nog zorgen om de stabiele veiligheid of kunnen we gaan werken aan herstel?",
                    (
                        "Indien het eerste, ga door hieronder. Indien het laatste, ga door naar de fase van herstelgerichte zorg.",
                    ),
                ),
                QuestionSpec(
                    "Wat is nodig om stabiele veiligheid te creëren?",
                    (
                        "Wat denkt het gezin dat er nodig is voor stabiele veiligheid?",
                        "Wat moet er minimaal gerealiseerd worden aan veiligheid (bodemeisen)?",
                        "Hoe weten we wanneer er stabiele veiligheid is?",
                    ),
                    captures=("needs",),
                ),
            ),
        ),
        PartSpec(
            kind="decision",
            title="Besluitvorming",
            questions=(
                QuestionSpec(
                    "Brainstorm: Welke acties zijn er mogelijk om in dit gezin stabiele veiligheid te creëren?",
                    _BRAINSTORM_PROMPTS,
                    captures=("brainstorm",),
                ),
                _PRIORITY,
                _interventions("de stabiele veiligheid"),
                _cooperation(if_not_met=True),
            ),
        ),
    ),
)

RECOVERY = PhaseSpec(
    safety_phase="recovery",
    title="Herstelgerichte zorg: Samenwerken voor herstel en kwaliteit van leven",
    parts=(
        _vooraf(),
        PartSpec(
            kind="goal",
            title="Doelstelling",
            intro="Zicht op wat nodig is om de veiligheid vast te houden en de opgelopen schade te herstellen.",
        ),
        PartSpec(
            kind="picture",
            title="Beeldvorming",
            questions=(
                _SUMMARY,
                QuestionSpec(
                    "Wat is de huidige stand van zaken m.b.t. de directe en stabiele veiligheid?",
                    (
                        "Indien hier zorgen om zijn, ga terug naar de fase van directe veiligheid of risicogestuurde zorg.",
                        _CURRENT_REQUIREMENTS,
                    ),
                    captures=("phase", "requirements"),
                ),
                QuestionSpec(
                    "Wat heeft het gezin nodig om de ingezette koers vol te houden?",
                    (
                        "Wat ging goed en hoe kan het goed blijven gaan?",
                        "Hoe ziet het sociale netwerk van het gezin eruit en op wie kan het gezin terugvallen in moeilijke tijden?",
                    ),
                    captures=("strengths",),
                ),
                QuestionSpec(
                    "Op welke gebieden is herstel nodig?",
                    (
                        "Top 3 herstelpunten: Op welke gebieden is herstel nodig om blijvend balans in het gezin te creëren.",
                        "Op welk gebied is inzet voor langere tijd noodzakelijk?",
                    ),
                    captures=("needs",),
                ),
                QuestionSpec("Hoe zien gezinsleden de toekomst voor ogen?"),
                _NOT_KNOWN_YET,
            ),
        ),
        PartSpec(
            kind="scaling",
            title="Schaalvraag",
            questions=(
                QuestionSpec(
                    "Op een schaal van 1-10 wat is de kwaliteit van leven van de betrokkenen?",
                    (
                        "Wat is de onderbouwing voor het cijfer?",
                        "Hoe ernstig schat je de schade n.a.v. het geweld in?",
                        "Hoe dicht zitten we bij het hoogst haalbare voor dit gezin?",
                        "Wat is de visie van betrokkenen?",
                    ),
                    captures=("scores",),
                ),
            ),
        ),
        PartSpec(
            kind="judgement",
            title="Oordeelsvorming",
            questions=(
                QuestionSpec(
                    "Zijn er opnieuw zorgen om de directe of stabiele veiligheid?",
                    ("Zo ja, ga terug naar de fase van directe veiligheid of risicogestuurde zorg.",),
                    captures=("concerns", "phase"),
                ),
                QuestionSpec(
                    "Zijn er nog stappen nodig om tot herstel te komen?",
                    (
                        "Indien ja, ga door hieronder. Indien nee, ga door naar besluitvorming en maak een afsluitingsplan.",
                    ),
                ),
                QuestionSpec(
                    "Wat is nodig om te herstellen van de gebeurtenissen?",
                    (
                        "Waar wil het gezin aan werken om hun welzijn te vergroten?",
                        "Wat moet er minimaal gerealiseerd worden aan welzijn?",
                        "Hoe weten we wanneer gezinsleden hersteld zijn?",
                    ),
                    captures=("needs",),
                ),
            ),
        ),
        PartSpec(
            kind="decision",
            title="Besluitvorming",
            questions=(
                QuestionSpec(
                    "Brainstorm: Welke acties zijn er mogelijk om herstel en welzijn te creëren?",
                    _BRAINSTORM_PROMPTS,
                    captures=("brainstorm",),
                ),
                _PRIORITY,
                _interventions("het herstel van de gezinsleden"),
                _cooperation(if_not_met=False),
            ),
        ),
        PartSpec(
            kind="closure_plan",
            title="Afsluitingsplan",
            questions=(
                QuestionSpec(
                    "Indien de casus afgesloten wordt, wat is het plan voor als het later toch weer niet goed gaat?"
                ),
            ),
        ),
    ),
)

LEIDRAAD = GuideSpec(
    name="Leidraad Gezamenlijke Analyse en Planvorming",
    description=(
        "Huiselijk geweld casuïstiek in het Zorg- en Veiligheidshuis. Deze leidraad is een hulpmiddel die naar "
        "behoefte ingezet en aangepast kan worden: het blijft altijd maatwerk. Per gesprek komt meestal één fase "
        "aan bod."
    ),
    phases=(DIRECT_SAFETY, RISK_REDUCTION, RECOVERY),
)

BOB = GuideSpec(
    name="Casusbespreking volgens BOB",
    description=(
        "Beeldvorming, oordeelsvorming en besluitvorming: eerst informatie verzamelen, dan conclusies trekken over "
        "aard en ernst, dan besluiten wie wat doet en wanneer. De voorzitter kiest welke onderdelen aan bod komen."
    ),
    phases=(
        PhaseSpec(
            safety_phase="",
            title="Beeldvorming, oordeelsvorming, besluitvorming",
            parts=(
                PartSpec(
                    kind="before_hand",
                    title="Vooraf",
                    questions=(
                        QuestionSpec(
                            "Wat is het doel van de bespreking van deze casus vandaag?",
                            ("Nieuwe casus, vervolg, evaluatie of afsluiting?",),
                        ),
                        QuestionSpec(
                            "Wie zitten er aan tafel en wie ontbreekt?",
                            (
                                "Welke organisatie kent de betrokkenen uit eigen contact?",
                                "Wie mist er voor de aanpak?",
                            ),
                        ),
                    ),
                ),
                PartSpec(
                    kind="goal",
                    title="Doelstelling",
                    intro="Een gezamenlijk beeld van de situatie, een gezamenlijk oordeel over aard en ernst, en een besluit over wie wat doet en wanneer.",
                ),
                PartSpec(
                    kind="picture",
                    title="Beeldvorming",
                    questions=(
                        _SUMMARY,
                        QuestionSpec(
                            "Wat is er sinds het vorige overleg gebeurd?",
                            ("Zijn de afspraken van de vorige keer uitgevoerd?",),
                        ),
                        QuestionSpec(
                            "Waar maken we ons zorgen over?",
                            (
                                "Wie is er bezorgd om wie en waarom?",
                                "Waarop is de zorg gebaseerd: feit, waarneming of vermoeden?",
                            ),
                            captures=("concerns",),
                        ),
                        QuestionSpec(
                            "Wat gaat er goed?", ("Welke krachten en steunbronnen zijn er?",), captures=("strengths",)
                        ),
                        QuestionSpec("Wat weten we nog niet?", ("Wie kan dat uitzoeken?",)),
                    ),
                ),
                PartSpec(
                    kind="scaling",
                    title="Schaalvraag",
                    questions=(
                        QuestionSpec(
                            "Op een schaal van 0 tot 10: hoe veilig is de situatie van de betrokkenen nu?",
                            ("Wat is de onderbouwing voor het cijfer?", "Wat is de visie van betrokkenen?"),
                            captures=("scores",),
                        ),
                    ),
                ),
                PartSpec(
                    kind="judgement",
                    title="Oordeelsvorming",
                    questions=(
                        QuestionSpec(
                            "Hoe hangen de problemen samen en wat veroorzaakt ze?",
                            ("Welke onderliggende patronen houden de situatie in stand?",),
                        ),
                        QuestionSpec(
                            "Welke risico's zijn het grootst?",
                            ("Statisch of dynamisch, individueel of systemisch?", "Welke drie risico's eerst?"),
                            captures=("risks",),
                        ),
                        QuestionSpec(
                            "Wat is er nodig?",
                            (
                                "Wat denken de betrokkenen zelf dat er nodig is?",
                                "Hoe weten we wanneer het goed genoeg is?",
                            ),
                            captures=("needs",),
                        ),
                    ),
                ),
                PartSpec(
                    kind="decision",
                    title="Besluitvorming",
                    questions=(
                        QuestionSpec(
                            "Brainstorm: welke mogelijkheden zijn er?",
                            ("Wat kan jouw organisatie bieden?", "Wat verwacht je van andere organisaties?"),
                            captures=("brainstorm",),
                        ),
                        QuestionSpec(
                            "Wat heeft prioriteit en waarom?",
                            ("Korte of lange termijn?", "Wat kunnen de betrokkenen aan?"),
                            captures=("priorities",),
                        ),
                        QuestionSpec(
                            "Wie doet wat en wanneer?",
                            ("Welke interventies zetten we in?", "Welke bodemeisen gelden en wie bewaakt ze?"),
                            captures=("interventions", "agreements", "requirements"),
                        ),
                        QuestionSpec(
                            "Wie heeft de casusregie en wanneer komt de casus terug?",
                            ("Op welke wijze houden we elkaar op de hoogte?",),
                        ),
                    ),
                ),
            ),
        ),
    ),
)
