"""The two self-assessment instruments, as data: the promoting and hindering factors of seed 001
(Tabel 1 of "Witte vlekken in casusoverleggen", a checklist per schil) and the participant
questionnaire of seed 003 (Bijlage 4, "Vragenlijst deelnemers casusoverleg").

Questions have stable keys: answers are stored by key, and rounds of the same instrument are
compared key by key. The statements are the sources' own Dutch words (through gettext, so an
English user reads a translation); where this file deviates, it says so:

- seed 003's "Algemene kenmerken" are left out: name, organisation and function are known
  from the account and never shown with answers; gender and age are not needed for the
  purpose (data minimisation, AVG art. 5.1.c); the consultation the answers refer to is the
  self-assessment's meeting type.
- the source's typing errors are corrected ("casemagement", "In hoeveel proces van de
  casussen"); "je" stays, as in the source.
- the scale labels are not printed in seed 003; its reported results use helemaal mee eens,
  mee eens, neutraal, (helemaal) oneens, weet niet. Those are the answers here.
- seed 001 gives factors, not statements: each factor is answered with the same scale
  ("geldt dit voor ons overleg?"), with "weet niet / niet van toepassing", because the
  article says not every factor applies to every house. Hindering factors count as favourable
  when people disagree (`favourable_when`).

Bump `version` when a question's meaning changes; a key that changes meaning must get a new
key, or rounds would be compared on different questions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from django_stubs_ext import StrOrPromise


class QuestionKind(enum.StrEnum):
    SCALE = "scale"  # one of the instrument's scale answers
    NUMBER = "number"  # a whole number within [minimum, maximum]
    TEXT = "text"  # open answer


class Favourable(enum.StrEnum):
    AGREE = "agree"  # agreeing is good for the overleg (most statements)
    DISAGREE = "disagree"  # agreeing is bad (hindering factors, "te vaak opnieuw op de agenda")
    NEITHER = "neither"  # no direction (expectations, "I foresee ...")


# The five-point scale and "weet niet". Stored values are stable; labels are translated.
AGREE_STRONGLY, AGREE, NEUTRAL, DISAGREE, DISAGREE_STRONGLY, DONT_KNOW = (
    "agree_strongly",
    "agree",
    "neutral",
    "disagree",
    "disagree_strongly",
    "dont_know",
)
SCALE_VALUES = (AGREE_STRONGLY, AGREE, NEUTRAL, DISAGREE, DISAGREE_STRONGLY, DONT_KNOW)
AGREEING = frozenset({AGREE_STRONGLY, AGREE})
DISAGREEING = frozenset({DISAGREE, DISAGREE_STRONGLY})


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise
    kind: QuestionKind = QuestionKind.SCALE
    favourable_when: Favourable = Favourable.AGREE
    note: StrOrPromise = ""  # shown under the question (the schil of a factor, a unit)
    minimum: int = 0
    maximum: int = 100
    unit: StrOrPromise = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    questions: tuple[Question, ...]
    intro: StrOrPromise = ""


@dataclass(frozen=True)
class Instrument:
    key: str
    version: int
    title: StrOrPromise
    source: StrOrPromise
    intro: StrOrPromise
    scale: tuple[tuple[str, StrOrPromise], ...]
    sections: tuple[Section, ...]

    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def question(self, key: str) -> Question:
        return next(q for q in self.questions() if q.key == key)

    def keys(self) -> set[str]:
        return {q.key for q in self.questions()}

    def scale_label(self, value: str) -> StrOrPromise:
        return dict(self.scale).get(value, value)


AGREEMENT_SCALE: tuple[tuple[str, StrOrPromise], ...] = (
    (AGREE_STRONGLY, _("Helemaal mee eens")),
    (AGREE, _("Mee eens")),
    (NEUTRAL, _("Neutraal")),
    (DISAGREE, _("Oneens")),
    (DISAGREE_STRONGLY, _("Helemaal oneens")),
    (DONT_KNOW, _("Weet niet")),
)
FACTOR_SCALE: tuple[tuple[str, StrOrPromise], ...] = (
    *AGREEMENT_SCALE[:5],
    (DONT_KNOW, _("Weet niet / niet van toepassing")),
)


def _s(key: str, text: StrOrPromise, favourable: Favourable = Favourable.AGREE) -> Question:
    return Question(key=key, text=text, favourable_when=favourable)


def _open(key: str, text: StrOrPromise) -> Question:
    return Question(key=key, text=text, kind=QuestionKind.TEXT, favourable_when=Favourable.NEITHER)


def _number(key: str, text: StrOrPromise, unit: StrOrPromise, maximum: int = 100) -> Question:
    return Question(
        key=key, text=text, kind=QuestionKind.NUMBER, favourable_when=Favourable.NEITHER, unit=unit, maximum=maximum
    )


def _factor(key: str, text: StrOrPromise, schil: StrOrPromise, favourable: Favourable) -> Question:
    return Question(key=key, text=text, favourable_when=favourable, note=schil)


H = Favourable.DISAGREE  # a hindering factor: better when it does not apply
N = Favourable.NEITHER
SCHIL_1 = _("Schil 1: het casusoverleg")
SCHIL_2 = _("Schil 2: het Veiligheidshuis")
SCHIL_3 = _("Schil 3: de moederorganisaties")
SCHIL_4 = _("Schil 4: beleid en politiek")
SCHIL_2_3 = _("Schillen 2 en 3")
SCHIL_1_2_3 = _("Schillen 1, 2 en 3")

FACTORS = Instrument(
    key="factors",
    version=1,
    title=_("Bevorderende en belemmerende factoren"),
    source=_(
        "Tabel 1 van 'Witte vlekken in casusoverleggen' (Avans Hogeschool, onderzoek in zeven Brabantse "
        "Veiligheidshuizen, 2010-2012): de factoren voor een effectief casusoverleg, per schil."
    ),
    intro=_(
        "Geef per factor aan of die voor ons overleg geldt. Niet elke factor is op elk huis van toepassing; kies "
        "dan 'Weet niet / niet van toepassing'. De antwoorden worden alleen opgeteld getoond, nooit per persoon."
    ),
    scale=FACTOR_SCALE,
    sections=(
        Section(
            "promoting",
            _("Bevorderende factoren"),
            (
                _factor(
                    "f_joint_decisions",
                    _("Gezamenlijke besluitvorming zorgt voor draagvlak en betrokkenheid"),
                    SCHIL_1,
                    Favourable.AGREE,
                ),
                _factor("f_chair_steers", _("Sturende rol van de voorzitter"), SCHIL_1, Favourable.AGREE),
                _factor(
                    "f_driven_participants",
                    _("Gedreven deelnemers die cliëntgericht werken"),
                    SCHIL_1,
                    Favourable.AGREE,
                ),
                _factor("f_separate_complex", _("Apart overleg voor complexe casussen"), SCHIL_1, Favourable.AGREE),
                _factor(
                    "f_house_facilitates",
                    _("Facilitering door het Veiligheidshuis wat betreft locatie, documentatie, werkprocessen"),
                    SCHIL_2,
                    Favourable.AGREE,
                ),
                _factor(
                    "f_administrative_basis",
                    _(
                        "Bestuurlijke basis: documenten voor uniforme werkwijze en werkprocessen en duidelijke taken- en "
                        "rollenbeschrijving"
                    ),
                    SCHIL_2,
                    Favourable.AGREE,
                ),
                _factor(
                    "f_police_networking", _("Belangrijke netwerkende rol van de politie"), SCHIL_2_3, Favourable.AGREE
                ),
                _factor(
                    "f_natural_director",
                    _("Steunpunt Huiselijk Geweld: natuurlijke regisseur en contactpunt centrumgemeente"),
                    SCHIL_3,
                    Favourable.AGREE,
                ),
                _factor(
                    "f_pdca_method",
                    _("De PDCA-cyclus wordt bevorderd door het werken met een methode voor integrale jeugdbescherming"),
                    SCHIL_1_2_3,
                    Favourable.AGREE,
                ),
            ),
        ),
        Section(
            "hindering",
            _("Belemmerende factoren"),
            (
                _factor("h_privacy_unclear", _("Onzekerheid en onduidelijkheid over privacy"), SCHIL_1, H),
                _factor(
                    "h_no_smart_goals",
                    _("Onduidelijke of ontbrekende SMART-doelen op het niveau van casusoverleg"),
                    SCHIL_1,
                    H,
                ),
                _factor(
                    "h_selection_criteria",
                    _("Onvoldoende selectiecriteria, inputvereisten voor bespreking en afspraakregistratie"),
                    SCHIL_2,
                    H,
                ),
                _factor(
                    "h_no_time_reflection",
                    _("Tijdgebrek nodigt niet uit tot een reflexieve houding bij de deelnemers"),
                    SCHIL_3,
                    H,
                ),
                _factor(
                    "h_no_results_measured",
                    _("Moederorganisaties meten resultaten niet en verantwoorden zich niet"),
                    SCHIL_3,
                    H,
                ),
                _factor(
                    "h_om_left",
                    _(
                        "Vertrek van het OM uit het zorgoverleg huiselijk geweld heeft het vertrouwen in het OM en het "
                        "Veiligheidshuis beschadigd"
                    ),
                    SCHIL_3,
                    H,
                ),
                _factor(
                    "h_no_pdca",
                    _("De PDCA-cyclus ontbreekt: het Veiligheidshuis zet processen in gang zonder ze formeel te meten"),
                    SCHIL_1_2_3,
                    H,
                ),
                _factor(
                    "h_turbulence",
                    _(
                        "Centrumgemeenten en landelijke platforms zorgen niet alleen voor ondersteuning maar ook voor "
                        "turbulentie en verstoring"
                    ),
                    SCHIL_4,
                    H,
                ),
            ),
        ),
        Section(
            "remarks",
            _("Toelichting"),
            (_open("f_remarks", _("Wil je een van de antwoorden toelichten met een voorbeeld uit de praktijk?")),),
        ),
    ),
)

MINUTES = _("minuten")
PERCENT = _("procent")

PARTICIPANTS = Instrument(
    key="participants",
    version=1,
    title=_("Vragenlijst deelnemers casusoverleg"),
    source=_(
        "Bijlage 4 van de evaluatie van het Veiligheidshuis Gooi en Vechtstreek (2014): de vragenlijst voor "
        "deelnemers aan het casusoverleg, zonder de algemene kenmerken (naam, organisatie, functie, geslacht, leeftijd)."
    ),
    intro=_(
        "Met deze vragenlijst brengen we in kaart wat het casusoverleg oplevert en welk beeld deelnemers hebben van de "
        "richting waarin het zich moet ontwikkelen. Het invullen kost ongeveer 10-15 minuten. Je antwoorden worden "
        "alleen opgeteld getoond, nooit per persoon; open antwoorden zonder naam en pas vanaf het minimum aantal "
        "ingevulde lijsten."
    ),
    scale=AGREEMENT_SCALE,
    sections=(
        Section(
            "target_group",
            _("Afbakening van de doelgroep"),
            (
                _s("q_goal_clear", _("Het huidige doel van het overleg is helder")),
                _s("q_criteria_clear", _("De criteria voor instroom van de casussen zijn helder")),
                _open("q_criteria_are", _("Deze criteria luiden als volgt:")),
            ),
        ),
        Section(
            "selection",
            _("Selectie en agendering"),
            (
                _s(
                    "q_selection_right_person",
                    _("De selectie van casussen wordt nu gedaan door inhoudelijk meest aangewezen persoon/personen"),
                ),
                _s("q_selection_criteria", _("De selectie verloopt nu volgens de geldende criteria")),
                _s("q_own_cases", _("Het is mogelijk om zelf casussen in te brengen")),
                _s("q_agenda_on_time", _("De agenda wordt tijdig verzonden")),
                _s(
                    "q_expectations_clear",
                    _("Het is goed duidelijk per casus wat van mij wordt verwacht (wat betreft de voorbereiding)"),
                ),
                _s("q_only_relevant", _("Alleen voor het overleg relevante casussen staan op de agenda")),
                _s("q_partners_prepared", _("Alle partners hebben zich meestal voldoende voorbereid")),
                _s("q_self_prepared", _("Ik/mijn directe collega hebben zich altijd voldoende voorbereid")),
                _s("q_time_to_prepare", _("Ik heb voldoende tijd om mij voor te bereiden")),
                _open(
                    "q_selection_example",
                    _("Licht een van de antwoorden hierboven zo mogelijk toe met een voorbeeld uit de praktijk."),
                ),
            ),
        ),
        Section(
            "effort",
            _("Inspanningen versus opbrengsten"),
            (
                _s(
                    "q_better_connections",
                    _(
                        "Het casusoverleg in het veiligheidshuis heeft geleid tot betere verbindingen tussen onze organisatie en de partners"
                    ),
                ),
                _s("q_own_goals", _("Casusoverleg draagt bij aan het bereiken van de doelen van mijn organisatie")),
                _s("q_contribution_large", _("Mijn persoonlijke bijdrage in het casusoverleg is groot"), N),
                _s(
                    "q_foresee_complex",
                    _(
                        "Ik voorzie dat ik na de doorontwikkeling nog veelvuldig bij bespreking van de meest complexe "
                        "casuïstiek naar het veiligheidshuis geroepen zal worden"
                    ),
                    N,
                ),
                _s(
                    "q_foresee_screening",
                    _(
                        "Ik voorzie dat ik na de doorontwikkeling nog veelvuldig voor bespreking van periodiek "
                        "screeningsoverleg in het veiligheidshuis zal zijn"
                    ),
                    N,
                ),
                _s(
                    "q_own_interest",
                    _(
                        "De bijdrage die ik namens mijn organisatie nu in casusoverleg(gen) lever, is ook in het belang "
                        "van mijn eigen organisatie"
                    ),
                ),
                _s(
                    "q_time_at_expense",
                    _(
                        "De tijd die ik nu investeer in casusoverleg gaat ten koste van tijd die ik beter in andere "
                        "casussen kan steken"
                    ),
                    H,
                ),
                _s(
                    "q_yield_unknown",
                    _("Ik weet eigenlijk niet goed wat mijn bijdrage in casusoverleg uiteindelijk oplevert"),
                    H,
                ),
                _s(
                    "q_learn_processes",
                    _("De casusoverleggen zijn alleen al voldoende nuttig om te leren over elkaars werkprocessen"),
                ),
                _s(
                    "q_learn_from_partners",
                    _("Ik leer in casusoverleg van andere partners hoe ik zelf casussen beter kan aanpakken"),
                ),
                _s(
                    "q_information_wisely",
                    _("Ik weet dat partners aan tafel verstandig omgaan met cliëntinformatie die ik verstrek"),
                ),
                _s(
                    "q_know_interventions",
                    _("Door het casusoverleg weet ik beter welke interventies wel en welke niet mogelijk zijn"),
                ),
                _s(
                    "q_colleagues_know",
                    _(
                        "Door mijn deelname aan casusoverleg weten ook mijn directe collega’s beter welke interventies "
                        "wel en welke niet mogelijk zijn"
                    ),
                ),
                _s("q_change_needed", _("Verandering van de opzet van het casusoverleg is hoognodig"), H),
                _open(
                    "q_effort_example",
                    _("Wil je een van de antwoorden hierboven toelichten met een voorbeeld uit de praktijk?"),
                ),
                _number(
                    "n_prep_minutes",
                    _("Hoeveel tijd investeer je nu gemiddeld per casusoverleg aan voorbereiding? (schatting)"),
                    MINUTES,
                    maximum=600,
                ),
                _number(
                    "n_followup_minutes",
                    _(
                        "Hoeveel tijd investeer je nu gemiddeld per casusoverleg aan overleg en afstemming achteraf? (schatting)"
                    ),
                    MINUTES,
                    maximum=600,
                ),
                _number(
                    "n_pct_known",
                    _(
                        "Van alle casussen die het afgelopen jaar door jou (of je directe collega) mede werden besproken: "
                        "in hoeveel procent gaat het om een cliënt die bekend is bij jouw organisatie? (schatting)"
                    ),
                    PERCENT,
                ),
                _number(
                    "n_pct_shared",
                    _(
                        "In hoeveel procent van de casussen gaat het om een cliënt waar jouw organisatie informatie over "
                        "heeft gedeeld? (schatting)"
                    ),
                    PERCENT,
                ),
                _number(
                    "n_pct_should_share",
                    _(
                        "In hoeveel procent van de casussen gaat het om een cliënt waar jouw organisatie informatie over "
                        "zou moeten delen om een effectieve aanpak mogelijk te maken? (schatting)"
                    ),
                    PERCENT,
                ),
                _number(
                    "n_pct_action",
                    _(
                        "In hoeveel procent van de casussen ben jij na het casusoverleg vertrokken met een opdracht dat "
                        "jij/collega('s) actie gaan ondernemen? (schatting)"
                    ),
                    PERCENT,
                ),
                _open("q_strength", _("Wat beschouw jij als de huidige kracht van het veiligheidshuis?")),
                _open("q_change", _("Welke belangrijkste verandering in de opzet is in de toekomst nuttig en nodig?")),
                _open(
                    "q_where_decided",
                    _("Wordt de concrete aanpak in casussen bepaald in het casusoverleg zelf of er omheen? Licht toe."),
                ),
                _open(
                    "q_outside_agenda",
                    _(
                        "Als je voor casusoverleg naar het veiligheidshuis komt, gebruik je dit dan ook voor afstemming "
                        "buiten de agenda om? Geef een voorbeeld."
                    ),
                ),
                _open(
                    "q_staff_information",
                    _(
                        "Als je voor casusoverleg naar het veiligheidshuis komt, gebruik je dit dan ook voor het halen van "
                        "informatie bij de vaste medewerkers van het veiligheidshuis? Geef een voorbeeld."
                    ),
                ),
            ),
        ),
        Section(
            "table",
            _("Partners aan tafel, informatiedeling & inhoud van het overleg"),
            (
                _s("q_fixed_partners_clear", _("Het is duidelijk wie de vaste partners van het overleg zijn")),
                _s(
                    "q_wrong_people",
                    _(
                        "Het merendeel van de organisaties vaardigt nu in de praktijk geen/niet de juiste personen af voor het overleg"
                    ),
                    H,
                ),
                _s("q_composition_fine", _("De huidige samenstelling van het overleg is prima voor de huidige opzet")),
                _s(
                    "q_mandate",
                    _("De aanwezige partijen hebben voldoende mandaat om direct concrete acties af te spreken"),
                ),
                _s(
                    "q_fewer_partners",
                    _("Voor effectief overleg is het nodig dat er minder partners aan tafel zitten"),
                    N,
                ),
                _s("q_crucial_absent", _("Een of meer cruciale partners zijn nu vaak niet aanwezig"), H),
                _s(
                    "q_information_complete",
                    _("De informatie ter tafel is in de meeste gevallen voldoende volledig en juist"),
                ),
                _s(
                    "q_information_missing",
                    _("In het casusoverleg ontbreekt vaak nog wezenlijke informatie over een casus"),
                    H,
                ),
                _s("q_integrity", _("De deelnemers gaan integer om met de gedeelde informatie")),
                _s("q_sharing_efficient", _("De wijze van informatiedeling vindt efficiënt en vlot plaats")),
                _s(
                    "q_case_count_fine",
                    _("Het aantal besproken casussen per overleg is prima voor het huidige doel van het casusoverleg"),
                ),
                _s("q_case_count_too_large", _("Het aantal besproken casussen per overleg is veel te groot"), H),
                _s(
                    "q_fewer_than_three",
                    _("Regelmatig worden casussen besproken waarbij minder dan drie partners nodig zijn"),
                    H,
                ),
                _s(
                    "q_mostly_complex",
                    _(
                        "De huidige caseload van een gemiddeld overleg bestaat al voor meer dan de helft uit zeer "
                        "complexe casussen waar dwang/drang nodig is"
                    ),
                    N,
                ),
                _s(
                    "q_room_depth",
                    _(
                        "Er is nu voldoende ruimte in het overleg om indien nodig dieper inhoudelijk op een casus in te gaan"
                    ),
                ),
                _s("q_analysis_short", _("De analyse die in casussen wordt gemaakt schiet regelmatig tekort"), H),
                _s(
                    "q_chair_relevant",
                    _("De voorzitter zorgt ervoor dat alleen partners met relevante informatie het woord voeren"),
                ),
                _s("q_chair_agreements", _("De voorzitter spreekt partijen aan op het nakomen van gemaakte afspraken")),
                _s(
                    "q_escalate",
                    _("Zonodig wordt er nu direct opgeschaald als een aanpak om welke reden dan ook vastloopt"),
                ),
                _s("q_chair_summarises", _("De voorzitter vat steeds de afgesproken acties goed samen")),
                _s("q_chair_time", _("De voorzitter voorkomt dat het overleg per casus te lang duurt")),
                _s("q_efficient", _("Het casusoverleg is voldoende efficiënt")),
                _s("q_nice_to_know", _("Er is in het overleg teveel aandacht voor nice-to-know informatie"), H),
                _s("q_plan_clear", _("Voor vrijwel alle casussen is het plan van aanpak helder")),
                _s(
                    "q_plan_insufficient",
                    _("Het plan van aanpak is voor meer dan de helft van de casussen onvoldoende"),
                    H,
                ),
                _s("q_who_acts_clear", _("Het is altijd duidelijk van welke professional actie wordt verwacht")),
                _s("q_term_clear", _("Het is altijd duidelijk op welke termijn er actie wordt verwacht")),
                _s(
                    "q_term_shorter",
                    _(
                        "De termijn voor het uitvoeren van de actie zou eigenlijk veel korter moeten zijn om effect te kunnen hebben"
                    ),
                    H,
                ),
                _s(
                    "q_org_falls_short",
                    _(
                        "Als ik kritisch kijk schiet mijn organisatie regelmatig tekort in het nakomen van afgesproken acties"
                    ),
                    H,
                ),
                _s("q_held_to_account", _("Ik word aangesproken op de acties die bij mij/mijn organisatie liggen")),
                _s(
                    "q_time_for_actions",
                    _("Ik heb voldoende tijd om de acties voor mijn organisatie uit te (doen) voeren"),
                ),
                _open(
                    "q_table_example",
                    _("Wil je een van de antwoorden hierboven toelichten met een voorbeeld uit de praktijk?"),
                ),
                _open(
                    "q_escalation_practice",
                    _("Hoe wordt nu in de praktijk omgegaan met het opschalen van casussen die vastlopen?"),
                ),
                _open("q_missing_partner", _("De partner die vaak wordt gemist is/zijn:")),
                _number(
                    "n_pct_casemanagement",
                    _("In hoeveel procent van de besproken casussen is casemanagement helder afgesproken? (schatting)"),
                    PERCENT,
                ),
            ),
        ),
        Section(
            "closing",
            _("Afronding en monitoring & leren van elkaar"),
            (
                _s("q_too_often_again", _("Casussen staan nu te vaak opnieuw op de agenda"), H),
                _s("q_closed_right_moment", _("Een casus wordt op het juiste moment afgesloten")),
                _s(
                    "q_picture_of_course",
                    _(
                        "Ik heb een goed beeld van het verloop in casussen waar ik zelf informatie vanuit mijn organisatie heb aangeleverd"
                    ),
                ),
                _s("q_learning", _("We zijn in het casusoverleg erg bezig om van elkaar te leren")),
                _s("q_reflect", _("We staan in casusoverleg regelmatig stil bij de wijze waarop we samenwerken")),
                _s(
                    "q_more_reflection",
                    _(
                        "Om effectiever te kunnen overleggen is het nodig om vaker tijd te nemen voor reflectie van de werkwijze"
                    ),
                    N,
                ),
                _open("q_remarks", _("Tot slot: heb je nog opmerkingen?")),
            ),
        ),
    ),
)

INSTRUMENTS: dict[str, Instrument] = {FACTORS.key: FACTORS, PARTICIPANTS.key: PARTICIPANTS}


def instrument(key: str) -> Instrument:
    return INSTRUMENTS[key]
