"""The Dutch narratives of the demo referrals: synthetic households (Faker nl_NL, seeded) with the
concerns the evaluation of Veiligheidshuis Gooi en Vechtstreek describes (seed 003 §2.1):
domestic violence with children, a repeat offender returning from detention, confused
behaviour and nuisance, addiction and debts, a teenager drifting into crime, and a case that
belongs with the RIEC. Pure data and text; `referrals.py` writes it through the services.

Every name, birth date and BSN is invented. BSNs come from Faker and pass the elfproef, but no
real person's number is ever used on purpose; they exist so the demo shows matching on BSN.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from faker import Faker

from casustafel.cases.models import LifeDomain, PartyRole, ResponseTerm

# Criterion codes of the default set (Bijlage 5), leaves only.
LEAF_CODES = ("a1", "a2", "a3", "a4", "b", "c", "d", "e")


@dataclass
class PartySpec:
    """A person in a story. `reuse` names a person remembered from an earlier referral."""

    key: str
    role: PartyRole
    given_names: str
    surname_prefix: str
    surname: str
    date_of_birth: dt.date | None
    bsn: str = ""
    note: str = ""
    sex: str = "m"

    @property
    def family_name(self) -> str:
        """'Van der Ploeg': the surname as used without a given name before it."""
        prefix = self.surname_prefix[:1].upper() + self.surname_prefix[1:]
        return " ".join(part for part in (prefix, self.surname) if part)

    @property
    def first_name(self) -> str:
        return self.given_names.split()[0]

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.surname_prefix, self.surname) if part)

    @property
    def age(self) -> int:
        if self.date_of_birth is None:
            return 0
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class ProblemSpec:
    domain: LifeDomain
    party: str  # key of the party it concerns; "" for the household
    description: str
    source: str


@dataclass(frozen=True)
class PriorSpec:
    description: str
    by_whom: str
    period: str
    result: str
    source: str


@dataclass
class Story:
    """One household and everything a referrer and the triage write about it."""

    scenario: str
    parties: list[PartySpec]
    concern: str
    concern_source: str
    problems: list[ProblemSpec]
    prior_actions: list[PriorSpec]
    response_days: int
    consent: str
    consent_note: str
    question: str
    answer: str
    # Reasons when a criterion is met (per leaf code); `not_met` holds (verdict, reason) for the
    # criteria that a routing other than accept turns on.
    met: dict[str, str] = field(default_factory=dict)
    a4: tuple[str, str] = ("does_not_meet", "Geen gebiedsgebonden veiligheidsproblematiek; het gaat om één huishouden.")
    step_down: tuple[dict[str, tuple[str, str]], str] = ({}, "")
    reject: tuple[dict[str, tuple[str, str]], str] = ({}, "")
    riec: tuple[dict[str, tuple[str, str]], str] = ({}, "")
    urgency: str = ""
    second_partners: tuple[tuple[str, str], ...] = ()

    def party(self, key: str) -> PartySpec:
        return next(party for party in self.parties if party.key == key)


class People:
    """Invents the people of the stories: names, birth dates and unique valid BSNs."""

    def __init__(self, faker: Faker, rng: random.Random) -> None:
        self.faker = faker
        self.rng = rng
        self.bsns: set[str] = set()

    def surname(self) -> tuple[str, str]:
        """('van der', 'Ploeg') from Faker's 'van der Ploeg'; the leading lower-case words are
        the prefix (tussenvoegsel), so 'Pieters van der Maes' stays one surname."""
        words = self.faker.last_name().split(" ")
        split = 0
        while split < len(words) - 1 and (words[split][:1].islower() or words[split][:1] == "'"):
            split += 1
        return " ".join(words[:split]), " ".join(words[split:])

    def bsn(self) -> str:
        """A valid BSN for about two in three people (the rest is unknown to the referrer)."""
        if self.rng.random() < 0.35:
            return ""
        for _attempt in range(20):
            number = self.faker.ssn()
            if number not in self.bsns:
                self.bsns.add(number)
                return number
        return ""

    def person(
        self,
        key: str,
        role: PartyRole,
        *,
        sex: str,
        ages: tuple[int, int],
        surname: tuple[str, str] | None = None,
        note: str = "",
    ) -> PartySpec:
        first = self.faker.first_name_female() if sex == "f" else self.faker.first_name_male()
        prefix, last = surname or self.surname()
        return PartySpec(
            key=key,
            role=role,
            given_names=first,
            surname_prefix=prefix,
            surname=last,
            date_of_birth=self.faker.date_of_birth(minimum_age=ages[0], maximum_age=ages[1]),
            bsn=self.bsn(),
            note=note,
            sex=sex,
        )


def _pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def _euro(amount: int) -> str:
    return "€ " + f"{amount:,}".replace(",", ".")


def _hij(sex: str) -> str:
    return "zij" if sex == "f" else "hij"


def _zijn(sex: str) -> str:
    return "haar" if sex == "f" else "zijn"


def domestic_violence(people: People, rng: random.Random, gemeente: str, subject: PartySpec | None = None) -> Story:
    """Huiselijk geweld in een gezin met kinderen (instroom via Veilig Thuis)."""
    family = people.surname()
    father = people.person("subject", PartyRole.SUBJECT, sex="m", ages=(32, 46), surname=family, note="Vader; pleger")
    mother = people.person(
        "victim", PartyRole.VICTIM, sex="f", ages=(29, 43), note=f"Moeder; partner van {father.first_name}"
    )
    teen = people.person("child1", PartyRole.CHILD, sex=_pick(rng, "f", "m"), ages=(13, 14), surname=family)
    young = people.person("child2", PartyRole.CHILD, sex=_pick(rng, "f", "m"), ages=(4, 9), surname=family)
    incidents = rng.randint(3, 7)
    weeks = rng.randint(2, 5)
    debts = rng.randrange(8_000, 26_000, 500)
    return Story(
        scenario="domestic_violence",
        parties=[father, mother, teen, young],
        concern=(
            f"In de afgelopen twee jaar zijn er {incidents} meldingen van huiselijk geweld geweest bij het gezin "
            f"{father.family_name} in {gemeente}. Bij het laatste incident, {weeks} weken geleden, "
            f"heeft {father.first_name} zijn partner {mother.first_name} in het bijzijn van de kinderen geslagen; de politie heeft "
            f"hem aangehouden en de burgemeester heeft een tijdelijk huisverbod van tien dagen opgelegd. "
            f"{teen.first_name} ({teen.age}) vertelt de mentor niet naar huis te durven. Vader drinkt en heeft "
            f"schulden; moeder wil de relatie niet beëindigen. De vrijwillige hulp komt niet van de grond en het "
            f"geweld keert terug zodra het huisverbod afloopt."
        ),
        concern_source="Politiemutaties, onderzoek Veilig Thuis, gesprekken met moeder en met de mentor op school",
        problems=[
            ProblemSpec(
                LifeDomain.RELATIONSHIPS,
                "subject",
                "Herhaald fysiek en psychisch geweld tegen de partner; tijdelijk huisverbod opgelegd.",
                "Politiemutaties en meldingen bij Veilig Thuis",
            ),
            ProblemSpec(
                LifeDomain.ADDICTION,
                "subject",
                "Overmatig alcoholgebruik, vooral in het weekend; vader ontkent dat het een probleem is.",
                "Verklaring moeder, waarneming Veilig Thuis bij huisbezoek",
            ),
            ProblemSpec(
                LifeDomain.FINANCES,
                "subject",
                f"Schulden van ongeveer {_euro(debts)} (huurachterstand, zorgverzekering); loonbeslag.",
                "Gesprek met moeder; schuldhulpverlening van de gemeente",
            ),
            ProblemSpec(
                LifeDomain.PARENTING,
                "child1",
                f"De kinderen zijn getuige van het geweld; {teen.first_name} verzuimt en slaapt slecht, "
                f"{young.first_name} plast weer in bed.",
                "Mentor op school, gesprek Veilig Thuis met moeder",
            ),
            ProblemSpec(
                LifeDomain.VIOLENCE_TRANSMISSION,
                "subject",
                "Vader groeide zelf op in een gezin met geweld.",
                "Eigen verklaring vader in gesprek met Veilig Thuis",
            ),
        ],
        prior_actions=[
            PriorSpec(
                "Onderzoek na de melding en vrijwillige hulpverlening",
                "Veilig Thuis Gooi en Vechtstreek",
                "het afgelopen half jaar",
                "Ouders hielden de hulp na twee gesprekken af",
                "Dossier Veilig Thuis",
            ),
            PriorSpec(
                "Tijdelijk huisverbod van tien dagen",
                f"Burgemeester van {gemeente}, op advies van de politie",
                f"{weeks} weken geleden",
                "Na afloop keerde vader terug; moeder trok haar verklaring in",
                "Politiemutatie en besluit huisverbod",
            ),
            PriorSpec(
                "Gesprekken over opvoeding en geldzaken",
                f"Sociaal wijkteam {gemeente}",
                "vorig jaar",
                "Moeder kwam na de eerste afspraak niet meer",
                "Terugkoppeling sociaal wijkteam",
            ),
        ],
        response_days=ResponseTerm.WITHIN_1_WEEK,
        consent=_pick(rng, "informed", "informed", "not_asked"),
        consent_note="Moeder is bang voor de reactie van vader; beide ouders worden na de triage door Veilig Thuis geïnformeerd.",
        question=(
            f"Loopt er een strafzaak tegen {father.first_name}, en hoe gaat het nu met {teen.first_name} op school?"
        ),
        answer=(
            "De politie heeft aangifte opgenomen; het OM beslist binnenkort over vervolging. De school meldt dat "
            f"{teen.first_name} sinds twee weken weer elke dag komt, maar stil en teruggetrokken is."
        ),
        met={
            "a1": "Problemen op vijf leefgebieden: relaties, verslaving, financiën, opvoeden en geweldsoverdracht.",
            "a2": "Veilig Thuis en jeugdbescherming (drang) én politie en OM (straf) zijn nodig; geen van hen kan het alleen.",
            "a3": "Het geweld raakt moeder en beide kinderen direct.",
            "b": "Veilig Thuis, het sociaal wijkteam en een huisverbod zijn ingezet, zonder blijvend resultaat.",
            "c": f"Laatste incident {weeks} weken geleden; het huisverbod is afgelopen.",
            "d": "Het strafrechtelijk kader (aangifte, huisverbod) moet samen met de hulp aan het gezin worden ingezet.",
            "e": "Informatie van Veilig Thuis, politie en school is beschikbaar.",
        },
        step_down=(
            {
                "a2": ("does_not_meet", "Regie binnen de zorgketen volstaat; er is geen strafrechtelijk traject."),
                "d": ("does_not_meet", "Geen nieuwe incidenten; een strafpartner is niet nodig."),
            },
            "Afgeschaald naar lokaal: sinds het huisverbod werken beide ouders mee met het sociaal wijkteam en er "
            "zijn geen nieuwe incidenten. Veilig Thuis volgt het gezin nog drie maanden (criteria lokale "
            "afhandeling a en f).",
        ),
        urgency=(
            "De kinderen zijn acuut onveilig: een nieuw incident terwijl het huisverbod net is afgelopen. Wachten op "
            "de informatie van de GGZ over vader is niet verantwoord."
        ),
        second_partners=(
            ("jgb", "Jeugdbescherming: onderzoek naar de veiligheid van de kinderen"),
            ("police", "Politie: aangifte en toezicht op het huisverbod"),
        ),
    )


def detention_return(people: People, rng: random.Random, gemeente: str, subject: PartySpec | None = None) -> Story:
    """Een veelpleger komt terug uit detentie (nazorg ex-gedetineerden)."""
    man = subject or people.person("subject", PartyRole.SUBJECT, sex="m", ages=(23, 44))
    man.key, man.role, man.note = "subject", PartyRole.SUBJECT, "Komt binnenkort vrij uit de PI"
    mother = people.person(
        "mother",
        PartyRole.SYSTEM_MEMBER,
        sex="f",
        ages=(52, 72),
        surname=(man.surname_prefix, man.surname),
        note=f"Moeder; {man.first_name} wil na detentie tijdelijk bij haar wonen",
    )
    months = rng.choice((8, 10, 14, 18))
    records = rng.randint(18, 46)
    weeks = rng.randint(2, 4)
    return Story(
        scenario="detention_return",
        parties=[man, mother],
        concern=(
            f"{man.first_name} ({man.age}) komt over {weeks} weken vrij na {months} maanden detentie voor "
            f"woninginbraken en een straatroof. Hij is sinds zijn zestiende {records} keer met de politie in "
            f"aanraking geweest. Na eerdere detenties viel hij binnen enkele weken terug: geen woning, geen "
            f"inkomen, cocaïnegebruik en dezelfde vriendengroep. Zijn moeder in {gemeente} wil hem tijdelijk "
            f"opvangen, maar is bang voor ruzies zoals vorige keer."
        ),
        concern_source="Reclasseringsadvies, gesprekken in de PI, justitiële documentatie (OM)",
        problems=[
            ProblemSpec(
                LifeDomain.HOUSING,
                "subject",
                "Geen woning na ontslag uit de PI; alleen tijdelijk onderdak bij moeder.",
                "Casemanager nazorg in de PI, gesprek met moeder",
            ),
            ProblemSpec(
                LifeDomain.CRIME,
                "subject",
                f"Veelpleger: woninginbraken, winkeldiefstal en een straatroof; {records} antecedenten.",
                "Justitiële documentatie (OM)",
            ),
            ProblemSpec(
                LifeDomain.ADDICTION,
                "subject",
                "Dagelijks cocaïne- en cannabisgebruik vóór de detentie.",
                "Reclasseringsadvies",
            ),
            ProblemSpec(
                LifeDomain.FINANCES,
                "subject",
                "Geen inkomen en geen geldig identiteitsbewijs; openstaande boetes bij het CJIB.",
                f"Nazorgcoördinator gemeente {gemeente}",
            ),
            ProblemSpec(
                LifeDomain.SOCIAL_NETWORK,
                "subject",
                "Vrienden uit het criminele circuit; weinig andere contacten.",
                "Wijkagent (politie)",
            ),
        ],
        prior_actions=[
            PriorSpec(
                "Nazorg ex-gedetineerden: identiteitsbewijs, uitkering en zorgverzekering regelen",
                f"Nazorgcoördinator gemeente {gemeente}",
                "na de vorige vrijlating",
                "Uitkering geregeld, geen woning; na twee maanden weer aangehouden",
                "Dossier nazorg gemeente",
            ),
            PriorSpec(
                "Reclasseringstoezicht met meldplicht",
                "Reclassering Nederland",
                "vorige voorwaardelijke veroordeling",
                "Meldplicht twee keer geschonden",
                "Reclasseringsrapportage",
            ),
        ],
        response_days=ResponseTerm.WITHIN_2_WEEKS,
        consent=_pick(rng, "consent", "informed"),
        consent_note="",
        question="Is er plek in begeleid wonen, en welke bijzondere voorwaarden heeft de rechter opgelegd?",
        answer=(
            "Kwintes heeft vanaf de eerste van de volgende maand een plek. De rechter legde een meldplicht en een "
            "behandelverplichting bij Jellinek op."
        ),
        met={
            "a1": "Problemen op vijf leefgebieden: huisvesting, criminaliteit, verslaving, financiën en netwerk.",
            "a2": "Reclassering (drang), politie en OM (straf) en woon- en verslavingszorg zijn nodig.",
            "a3": "Een terugval raakt zijn moeder en de buurt (inbraken).",
            "b": "Eerdere nazorg en toezicht liepen vast op huisvesting en middelengebruik.",
            "c": f"Vrijlating over {weeks} weken.",
            "d": "Toezicht (meldplicht) moet samengaan met woonbegeleiding en verslavingszorg.",
            "e": "Reclasseringsadvies en informatie van de PI zijn beschikbaar.",
        },
        a4=("does_not_meet", "Geen gebiedsgebonden problematiek naast zijn eigen delicten."),
        step_down=(
            {
                "a2": (
                    "does_not_meet",
                    "Reclassering en de nazorgcoördinator kunnen dit samen; meer ketens zijn niet nodig.",
                ),
                "d": ("does_not_meet", "Woning en uitkering zijn geregeld; toezicht loopt al."),
            },
            "Afgeschaald naar lokaal: de nazorgcoördinator van de gemeente en de reclassering pakken dit samen op; "
            "woning en uitkering zijn geregeld (criteria lokale afhandeling b en f).",
        ),
        second_partners=(
            ("kwintes", "Begeleid wonen na detentie"),
            ("jellinek", "Verslavingsbehandeling als bijzondere voorwaarde"),
        ),
    )


def confused_nuisance(people: People, rng: random.Random, gemeente: str, subject: PartySpec | None = None) -> Story:
    """Verward gedrag en ernstige woonoverlast."""
    sex = _pick(rng, "f", "m")
    subject = people.person("subject", PartyRole.SUBJECT, sex=sex, ages=(44, 71))
    sibling = people.person(
        "sibling",
        PartyRole.SYSTEM_MEMBER,
        sex=_pick(rng, "f", "m"),
        ages=(40, 75),
        surname=(subject.surname_prefix, subject.surname),
        note="Broer of zus; het enige familiecontact",
    )
    months = rng.randint(4, 14)
    reports = rng.randint(9, 31)
    arrears = rng.randint(3, 7)
    hij = _hij(sex)
    return Story(
        scenario="confused_nuisance",
        parties=[subject, sibling],
        concern=(
            f"{subject.first_name} ({subject.age}) veroorzaakt sinds {months} maanden ernstige overlast in een "
            f"portiekflat in {gemeente}: 's nachts schreeuwen en bonken, buren bedreigen en afval van het balkon "
            f"gooien. De politie kwam in een jaar {reports} keer ter plaatse voor verward gedrag. {hij.capitalize()} "
            f"weigert hulp, heeft een huurachterstand van {arrears} maanden en de woningcorporatie overweegt "
            f"ontruiming. Buren voelen zich onveilig; een buurvrouw is vertrokken."
        ),
        concern_source="Registraties verward gedrag (E33) van de politie, klachten bij de woningcorporatie, melding OGGZ",
        problems=[
            ProblemSpec(
                LifeDomain.MENTAL_HEALTH,
                "subject",
                "Vermoeden van een psychotische stoornis; eerder opgenomen, nu geen behandeling.",
                "Huisarts en GGD (OGGZ)",
            ),
            ProblemSpec(
                LifeDomain.HOUSING,
                "subject",
                f"Huurachterstand van {arrears} maanden; de corporatie kondigde een ontruimingsprocedure aan.",
                "Woningcorporatie",
            ),
            ProblemSpec(
                LifeDomain.SOCIAL_NETWORK,
                "subject",
                f"Geïsoleerd; alleen af en toe contact met {sibling.first_name}.",
                f"Telefoongesprek met {sibling.first_name}",
            ),
            ProblemSpec(
                LifeDomain.CRIME,
                "subject",
                "Bedreiging van buren (aangifte) en vernieling in het trappenhuis.",
                "Politie, aangiften van buren",
            ),
            ProblemSpec(
                LifeDomain.PHYSICAL_HEALTH,
                "subject",
                "Vervuiling van de woning; meldingen van ongedierte.",
                "GGD, melding woonoverlast",
            ),
        ],
        prior_actions=[
            PriorSpec(
                "Bemoeizorg: drie huisbezoeken",
                "GGD Gooi en Vechtstreek (OGGZ)",
                "de afgelopen maanden",
                "Deur niet geopend; één kort gesprek aan de deur",
                "Verslag OGGZ",
            ),
            PriorSpec(
                "Buurtbemiddeling aangeboden",
                "Versa Welzijn",
                "vorig jaar",
                f"Door {subject.first_name} geweigerd",
                "Woningcorporatie",
            ),
        ],
        response_days=ResponseTerm.WITHIN_2_WEEKS,
        consent="not_asked",
        consent_note=f"{subject.first_name} weigert elk contact; er is acuut risico op escalatie met de buren.",
        question="Is er een verkennend onderzoek naar verplichte ggz gedaan, en hoe staat de ontruimingsprocedure?",
        answer=(
            "De GGD heeft een verkennend onderzoek Wvggz aangevraagd. De corporatie houdt de ontruiming aan zolang "
            "er een plan van aanpak komt."
        ),
        met={
            "a1": "Problemen op vijf leefgebieden: psychische en lichamelijke gezondheid, huisvesting, netwerk, criminaliteit.",
            "a2": "GGZ (zorg), woningcorporatie en politie en OM (aangifte bedreiging) moeten samen optrekken.",
            "a3": "De overlast raakt de hele portiek; buren voelen zich onveilig.",
            "b": "Bemoeizorg en buurtbemiddeling zijn geprobeerd en geweigerd.",
            "c": "Meldingen deze maand; ontruiming dreigt.",
            "d": "Zorg (verplichte ggz) en straf (aangifte bedreiging) moeten samen worden ingezet.",
            "e": "Informatie van politie, GGD en corporatie is beschikbaar.",
        },
        a4=("meets", f"Gebiedsgebonden: de overlast treft de hele portiek in {gemeente}."),
        step_down=(
            {
                "a2": ("does_not_meet", "De GGD en de corporatie kunnen dit binnen het lokale zorgnetwerk oppakken."),
                "d": ("does_not_meet", "De aangifte is ingetrokken; een strafpartner is niet nodig."),
            },
            "Afgeschaald naar lokaal: de GGD heeft contact gekregen en de corporatie zet de ontruiming stil. Het "
            "lokale zorgnetwerk van de gemeente neemt de regie (criteria lokale afhandeling a en d).",
        ),
        reject=(
            {
                "a1": ("does_not_meet", "Vooral één leefgebied: psychische gezondheid."),
                "b": ("does_not_meet", "De bemoeizorg is net begonnen; lokaal is nog niet genoeg geprobeerd."),
            },
            "Niet aangenomen: het gaat vooral om psychische gezondheid en de GGD is net met bemoeizorg begonnen. "
            "Bespreek het eerst in het lokale zorgnetwerk en meld opnieuw aan als dat vastloopt (criteria a en b).",
        ),
        second_partners=(
            ("ggz_centraal", "Behandeling en beoordeling verplichte ggz"),
            ("housing", "Woningcorporatie: huurachterstand en overlast"),
        ),
    )


def addiction_debts(people: People, rng: random.Random, gemeente: str, subject: PartySpec | None = None) -> Story:
    """Verslaving en schulden in een gezin."""
    family = people.surname()
    subject = people.person("subject", PartyRole.SUBJECT, sex="m", ages=(28, 52), surname=family)
    partner = people.person(
        "partner", PartyRole.SYSTEM_MEMBER, sex="f", ages=(26, 50), note=f"Partner van {subject.first_name}"
    )
    child = people.person("child", PartyRole.CHILD, sex=_pick(rng, "f", "m"), ages=(5, 11), surname=family)
    substance = _pick(rng, "cocaïne", "alcohol en gokken", "GHB")
    debts = rng.randrange(18_000, 64_000, 1_000)
    creditors = rng.randint(8, 19)
    return Story(
        scenario="addiction_debts",
        parties=[subject, partner, child],
        concern=(
            f"{subject.first_name} ({subject.age}) is verslaafd aan {substance} en heeft ongeveer {_euro(debts)} "
            f"schuld bij {creditors} schuldeisers. Het gezin in {gemeente} dreigt uit huis te worden gezet; de "
            f"energie is al eens afgesloten. {partner.first_name} werkt parttime en houdt het gezin draaiende. "
            f"{child.first_name} ({child.age}) komt vaak zonder ontbijt en te laat op school. Buren melden dat er "
            f"vanuit de woning wordt gedeald."
        ),
        concern_source="Intake verslavingszorg, dossier schuldhulpverlening gemeente, signaal van school, buurtmeldingen",
        problems=[
            ProblemSpec(
                LifeDomain.ADDICTION,
                "subject",
                f"Dagelijks gebruik van {substance}; twee keer uit behandeling gevallen.",
                "Behandelverslag Jellinek",
            ),
            ProblemSpec(
                LifeDomain.FINANCES,
                "subject",
                f"Problematische schulden bij {creditors} schuldeisers; de deurwaarder komt geregeld.",
                "Schuldhulpverlening gemeente",
            ),
            ProblemSpec(
                LifeDomain.HOUSING,
                "",
                "Huurachterstand; de verhuurder heeft een vonnis tot ontruiming.",
                "Woningcorporatie",
            ),
            ProblemSpec(
                LifeDomain.PARENTING,
                "child",
                f"Zorgen over de basiszorg van {child.first_name}: geen ontbijt, vaak te laat, geen gymspullen.",
                "Intern begeleider basisschool",
            ),
            ProblemSpec(
                LifeDomain.CRIME,
                "subject",
                "Signalen van drugshandel vanuit de woning.",
                "Wijkagent (politie), buurtmeldingen",
            ),
        ],
        prior_actions=[
            PriorSpec(
                "Ambulante verslavingsbehandeling",
                "Jellinek verslavingszorg",
                "de afgelopen twee jaar",
                "Twee keer uitgevallen",
                "Behandelverslag Jellinek",
            ),
            PriorSpec(
                "Schuldhulpverlening (minnelijk traject)",
                f"Gemeente {gemeente}, schuldhulpverlening",
                "vorig jaar",
                "Afgebroken door nieuwe schulden",
                "Dossier schuldhulpverlening",
            ),
        ],
        response_days=ResponseTerm.WITHIN_2_WEEKS,
        consent=_pick(rng, "consent", "informed"),
        consent_note="",
        question="Stemmen beide ouders in met bespreking, en heeft de wijkagent de signalen van drugshandel bevestigd?",
        answer=(
            f"{partner.first_name} stemt in; {subject.first_name} is geïnformeerd. De wijkagent heeft twee "
            "buurtmeldingen; er loopt geen onderzoek."
        ),
        met={
            "a1": "Problemen op vijf leefgebieden: verslaving, financiën, huisvesting, opvoeden en criminaliteit.",
            "a2": "Verslavingszorg en schuldhulp (zorg) én politie (drugshandel) zijn nodig.",
            "a3": f"De schulden en het gebruik raken {partner.first_name} en {child.first_name} direct.",
            "b": "Verslavingsbehandeling en schuldhulp zijn beide vastgelopen.",
            "c": "Ontruiming is aangekondigd.",
            "d": "Zorg en de aanpak van de drugshandel moeten samen worden ingezet.",
            "e": "Informatie van Jellinek, gemeente en school is beschikbaar.",
        },
        step_down=(
            {
                "a2": ("does_not_meet", "Geen strafrechtelijke component aangetoond; zorg en schuldhulp volstaan."),
                "d": ("does_not_meet", "De politie heeft geen signalen van drugshandel bevestigd."),
            },
            "Afgeschaald naar lokaal: er is geen strafrechtelijke component. Schuldhulp en verslavingszorg stemmen "
            "af via het sociaal wijkteam (criteria lokale afhandeling b en d).",
        ),
        reject=(
            {
                "b": (
                    "does_not_meet",
                    "Er is lokaal nog geen gezamenlijke aanpak van schulden en verslaving geprobeerd.",
                ),
                "d": ("does_not_meet", "Een partner uit de strafketen is niet nodig."),
            },
            "Niet aangenomen: er is lokaal nog geen gezamenlijke aanpak geprobeerd en een strafpartner is niet "
            "nodig. Het sociaal wijkteam kan schuldhulp en verslavingszorg samen brengen (criteria b en d).",
        ),
        second_partners=(
            ("versa", "Maatschappelijk werk: schulden en opvoedondersteuning"),
            ("jellinek", "Verslavingsbehandeling"),
        ),
    )


def youth_crime(people: People, rng: random.Random, gemeente: str, subject: PartySpec | None = None) -> Story:
    """Een jongere die afglijdt naar criminaliteit."""
    teen = subject or people.person("subject", PartyRole.SUBJECT, sex=_pick(rng, "m", "m", "f"), ages=(14, 17))
    sex = teen.sex
    teen.key, teen.role, teen.note = "subject", PartyRole.SUBJECT, ""
    mother = people.person(
        "mother",
        PartyRole.SYSTEM_MEMBER,
        sex="f",
        ages=(36, 52),
        surname=(teen.surname_prefix, teen.surname),
        note="Moeder; gezag",
    )
    arrests = rng.randint(3, 7)
    hours = rng.randint(90, 260)
    return Story(
        scenario="youth_crime",
        parties=[teen, mother],
        concern=(
            f"{teen.first_name} ({teen.age}) is het afgelopen half jaar {arrests} keer aangehouden: winkeldiefstal, "
            f"bedreiging met een mes en heling van scooters. {_zijn(sex).capitalize()} schoolverzuim is opgelopen tot "
            f"{hours} uur en {_hij(sex)} trekt op met oudere jongeren die bij de politie in {gemeente} bekend zijn. "
            f"Moeder heeft geen grip meer. Er zijn signalen dat {_hij(sex)} wordt geronseld als drugskoerier."
        ),
        concern_source="Jeugdagent (politie), leerplichtambtenaar, gesprek met moeder",
        problems=[
            ProblemSpec(
                LifeDomain.CRIME,
                "subject",
                "Winkeldiefstal, bedreiging met een mes, heling; signalen van ronselen als drugskoerier.",
                "Politie (jeugdagent)",
            ),
            ProblemSpec(
                LifeDomain.EDUCATION,
                "subject",
                f"Structureel verzuim: {hours} uur ongeoorloofd afwezig dit schooljaar.",
                "Regionaal Bureau Leerplicht",
            ),
            ProblemSpec(
                LifeDomain.PARENTING,
                "mother",
                "Moeder ervaart geen gezag meer; vader is niet in beeld.",
                "Gesprek met moeder",
            ),
            ProblemSpec(
                LifeDomain.SOCIAL_NETWORK,
                "subject",
                "Vriendengroep van oudere jongeren met antecedenten.",
                "Politie (jeugdagent)",
            ),
        ],
        prior_actions=[
            PriorSpec(
                "Halt-afdoening na winkeldiefstal",
                "Bureau Halt",
                "vorig schooljaar",
                "Afgerond; binnen twee maanden een nieuw delict",
                "Politie",
            ),
            PriorSpec(
                "Verzuimaanpak en gesprekken met moeder",
                "Regionaal Bureau Leerplicht Gooi en Vechtstreek",
                "dit schooljaar",
                "Het verzuim nam toe",
                "Leerplichtdossier",
            ),
        ],
        response_days=ResponseTerm.WITHIN_1_WEEK,
        consent="informed",
        consent_note="",
        question="Is de Raad voor de Kinderbescherming een onderzoek gestart, en wanneer dient de strafzaak?",
        answer="De Raad is een beschermingsonderzoek gestart. De zitting bij de kinderrechter is over zes weken.",
        met={
            "a1": "Problemen op vier leefgebieden: criminaliteit, onderwijs, opvoeden en netwerk.",
            "a2": "Jeugdreclassering en jeugdbescherming (drang), politie en OM (straf) en onderwijs zijn nodig.",
            "a3": "Moeder en de jongere broertjes en zusjes worden erdoor geraakt.",
            "b": "Halt en een verzuimaanpak zijn ingezet zonder resultaat.",
            "c": "Laatste aanhouding vorige maand.",
            "d": "Straf (OM, jeugdreclassering) en zorg (jeugdhulp, school) moeten samen worden ingezet.",
            "e": "Informatie van politie, leerplicht en moeder is beschikbaar.",
        },
        step_down=(
            {
                "a2": ("does_not_meet", "Vooral een verzuimprobleem; regie binnen één keten volstaat."),
                "d": ("does_not_meet", "Geen nieuwe delicten sinds de Halt-afdoening."),
            },
            "Afgeschaald naar lokaal: het gaat vooral om verzuim. Leerplicht en het jeugdteam van de gemeente pakken "
            "dit samen met moeder op (criteria lokale afhandeling a en b).",
        ),
        reject=(
            {
                "a1": ("does_not_meet", "Eén delict en verder geen problemen op andere leefgebieden bekend."),
                "c": ("does_not_meet", "Het incident is meer dan een jaar oud."),
            },
            "Niet aangenomen: het ging om één incident, meer dan een jaar geleden, en er zijn geen andere problemen "
            "bekend (criteria a en c).",
        ),
        second_partners=(
            ("ldh_jbr", "Jeugdreclassering"),
            ("leerplicht", "Leerplicht: terug naar school"),
        ),
    )


def organised_crime(people: People, rng: random.Random, gemeente: str, subject: PartySpec | None = None) -> Story:
    """Signalen van georganiseerde criminaliteit: hoort bij het RIEC."""
    subject = people.person("subject", PartyRole.SUBJECT, sex="m", ages=(36, 61))
    partner = people.person(
        "partner", PartyRole.SYSTEM_MEMBER, sex="f", ages=(32, 58), note=f"Partner van {subject.first_name}"
    )
    plants = rng.randrange(400, 2_400, 100)
    return Story(
        scenario="organised_crime",
        parties=[subject, partner],
        concern=(
            f"Bij een doorzoeking van een bedrijfspand in {gemeente} dat {subject.first_name} ({subject.age}) huurt, "
            f"is een hennepkwekerij van {plants} planten aangetroffen. Hij is bestuurder van drie bv's en een "
            f"autoverhuurbedrijf met weinig zichtbare activiteit, en heeft contacten met een motorclub. Buren melden "
            f"intimidatie. Zorgvragen zijn niet bekend."
        ),
        concern_source="Politie (recherche), Kamer van Koophandel, meldingen van buurtbewoners",
        problems=[
            ProblemSpec(
                LifeDomain.CRIME,
                "subject",
                "Grootschalige hennepteelt; contacten met een motorclub; intimidatie van buren.",
                "Politie (recherche)",
            ),
            ProblemSpec(
                LifeDomain.FINANCES,
                "subject",
                "Vermoeden van witwassen: contante aankopen van auto's, bv's zonder zichtbare omzet.",
                "Kamer van Koophandel, politie",
            ),
        ],
        prior_actions=[
            PriorSpec(
                "Bestuurlijke sluiting van het pand (Opiumwet artikel 13b)",
                f"Burgemeester van {gemeente}",
                "vorige maand",
                "Pand voor zes maanden gesloten",
                "Besluit van de gemeente",
            ),
        ],
        response_days=ResponseTerm.WITHIN_4_WEEKS,
        consent="not_asked",
        consent_note="Lopend strafrechtelijk onderzoek; informeren zou het onderzoek schaden.",
        question="Is er naast het strafrechtelijk onderzoek een zorgvraag bij het gezin bekend?",
        answer="Nee, er is geen hulpverlening betrokken en er zijn geen kinderen.",
        met={
            "a1": "Problemen op twee leefgebieden: criminaliteit en financiën.",
            "a2": "Politie, OM en gemeente (bestuurlijke aanpak) zijn nodig.",
            "a3": "De intimidatie raakt de buurt.",
            "b": "De burgemeester heeft het pand gesloten.",
            "c": "De doorzoeking was vorige maand.",
            "d": "Er is geen zorgvraag; de oplossing ligt niet in zorg en straf samen.",
            "e": "Informatie van politie en Kamer van Koophandel is beschikbaar.",
        },
        a4=("meets", f"Gebiedsgebonden: intimidatie en ondermijning in een bedrijventerrein in {gemeente}."),
        riec=(
            {
                "a3": ("does_not_meet", "Geen (gezins)systeem met hulpvragen; het gaat om ondermijning."),
                "d": ("does_not_meet", "Geen zorgvraag: de oplossing ligt niet in de verbinding zorg en straf."),
            },
            "Doorverwezen naar het RIEC: er zijn aanwijzingen voor georganiseerde criminaliteit (grootschalige "
            "hennepteelt, mogelijk witwassen, contacten met een motorclub) en geen zorgvragen (RIEC-criteria a en b).",
        ),
    )


Scenario = Callable[..., Story]

# Each takes (people, rng, municipality name, subject=None); `subject` is a person of an earlier
# referral who returns (only the detention and youth stories use it).
SCENARIOS: dict[str, Scenario] = {
    "domestic_violence": domestic_violence,
    "detention_return": detention_return,
    "confused_nuisance": confused_nuisance,
    "addiction_debts": addiction_debts,
    "youth_crime": youth_crime,
    "organised_crime": organised_crime,
}
