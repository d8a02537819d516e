"""The default indicator catalogue, as data: what every house starts with
(`indicator_catalogue_install`). Each computed entry names its computation
(`reporting/indicators/`); the house edits names, targets and owners, which makes new versions.

No entry carries a target: a norm is the house's decision, set on the indicator's page. The effort and
value entries read the learning cycle's records and appear once those are installed
(`reporting.indicators.base.register` from the app that holds them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casustafel.reporting.models import IndicatorKind, IndicatorSource, IndicatorUnit, PublishGrain

HOUSE_MANAGER = _("Ketenmanager")
PROCESS_DIRECTION = _("Procesregie")
CASUSTAFEL = _("Casustafel (eigen registratie van het huis)")


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    name: object
    kind: str
    counts: object
    unit: str
    numerator: object = ""
    denominator: object = ""
    owner: object = HOUSE_MANAGER
    grain: str = PublishGrain.MONTH
    source: str = IndicatorSource.COMPUTED
    source_name: object = CASUSTAFEL

    @property
    def computation(self) -> str:
        return self.key if self.source == IndicatorSource.COMPUTED else ""


OUTPUT, PROCESS, OUTCOME = IndicatorKind.OUTPUT, IndicatorKind.PROCESS, IndicatorKind.OUTCOME
COUNT, PERCENT, DAYS, SCORE = IndicatorUnit.COUNT, IndicatorUnit.PERCENT, IndicatorUnit.DAYS, IndicatorUnit.SCORE

DEFAULT_CATALOGUE: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "referrals_route",
        _("Aanmeldingen per instroomroute"),
        OUTPUT,
        _("Aanmeldingen ingediend in de periode (concepten niet), per instroomroute, woongemeente en maand."),
        COUNT,
    ),
    IndicatorSpec(
        "triage_decisions",
        _("Besluiten van de triage"),
        OUTPUT,
        _("Aanmeldingen waarover de triage in de periode besloot: aangenomen, afgeschaald, RIEC, niet aangenomen."),
        PERCENT,
        numerator=_("aangenomen"),
        denominator=_("alle besluiten in de periode"),
    ),
    IndicatorSpec(
        "cases_opened",
        _("Casussen geopend"),
        OUTPUT,
        _("Casussen geopend in de periode; eerste episodes en heraanmeldingen apart."),
        COUNT,
    ),
    IndicatorSpec("cases_closed", _("Casussen afgesloten"), OUTPUT, _("Casussen afgesloten in de periode."), COUNT),
    IndicatorSpec(
        "caseload_end",
        _("Actieve casussen aan het eind van de periode"),
        OUTPUT,
        _("Casussen geopend vóór het eind van de periode en toen nog niet afgesloten."),
        COUNT,
    ),
    IndicatorSpec(
        "caseload_during",
        _("Caseload (episodes in behandeling)"),
        OUTPUT,
        _("Casussen die ergens in de periode actief waren, geteld als episodes."),
        COUNT,
    ),
    IndicatorSpec(
        "cases_discussed",
        _("Besproken casussen: personen en episodes"),
        OUTPUT,
        _(
            "Casussen besproken in een gehouden overleg in de periode. Episodes: elke casus; personen: elke persoon "
            "één keer, bij de laatste episode (een heraanmelding is een nieuwe episode van dezelfde persoon)."
        ),
        COUNT,
    ),
    IndicatorSpec(
        "days_to_triage",
        _("Doorlooptijd tot het besluit van de triage"),
        PROCESS,
        _("Mediaan van de dagen van indienen tot het besluit, over de besluiten in de periode."),
        DAYS,
        owner=PROCESS_DIRECTION,
    ),
    IndicatorSpec(
        "days_to_first_meeting",
        _("Doorlooptijd tot de eerste bespreking"),
        PROCESS,
        _(
            "Mediaan van de dagen van indienen tot de eerste bespreking, over de casussen die in de periode voor het eerst besproken werden."
        ),
        DAYS,
        owner=PROCESS_DIRECTION,
    ),
    IndicatorSpec(
        "days_to_closure",
        _("Doorlooptijd tot afsluiten"),
        PROCESS,
        _("Mediaan van de dagen van indienen tot afsluiten, over de casussen afgesloten in de periode."),
        DAYS,
        owner=PROCESS_DIRECTION,
    ),
    IndicatorSpec(
        "first_contact",
        _("Eerste contact binnen de norm"),
        PROCESS,
        _("Aanmeldingen waarvan de termijn voor het eerste contact in de periode afliep."),
        PERCENT,
        numerator=_("contact op of vóór de termijn"),
        denominator=_("aanmeldingen met de termijn in de periode"),
        owner=PROCESS_DIRECTION,
    ),
    IndicatorSpec(
        "agreements_on_time",
        _("Afspraken op tijd uitgevoerd"),
        PROCESS,
        _("Afspraken met de uiterste datum in de periode, naar wat er op die datum mee gebeurd was."),
        PERCENT,
        numerator=_("op tijd uitgevoerd"),
        denominator=_("op tijd uitgevoerd plus niet op tijd (geweigerde en vóór de termijn vervallen afspraken niet)"),
    ),
    IndicatorSpec(
        "agreements_overdue",
        _("Afspraken over de termijn"),
        PROCESS,
        _("Openstaande, niet geweigerde afspraken waarvan de uiterste datum aan het eind van de periode voorbij was."),
        COUNT,
    ),
    IndicatorSpec(
        "cases_without_director",
        _("Casussen zonder casusregisseur"),
        PROCESS,
        _("Actieve casussen zonder casusregisseur aan het eind van de periode."),
        COUNT,
        owner=PROCESS_DIRECTION,
    ),
    IndicatorSpec(
        "escalations",
        _("Escalaties per stap"),
        PROCESS,
        _("Stappen van escalaties die in de periode begonnen, per stap of niveau."),
        COUNT,
    ),
    IndicatorSpec(
        "escalation_duration",
        _("Duur van een escalatiestap"),
        PROCESS,
        _("Mediaan van de dagen dat een stap duurde, over de stappen die in de periode afliepen."),
        DAYS,
    ),
    IndicatorSpec(
        "crucial_attendance",
        _("Aanwezigheid van cruciale partners"),
        PROCESS,
        _("Uitnodigingen van cruciale partners voor agendapunten van gehouden overleggen in de periode."),
        PERCENT,
        numerator=_("aanwezig"),
        denominator=_("alle uitnodigingen van cruciale partners"),
        owner=PROCESS_DIRECTION,
    ),
    IndicatorSpec(
        "client_participation",
        _("Cliëntparticipatie"),
        PROCESS,
        _("Agendapunten van gehouden overleggen in de periode: cliënten uitgenodigd, deelgenomen, nabesproken."),
        PERCENT,
        numerator=_("agendapunten met uitgenodigde cliënten"),
        denominator=_("alle besproken agendapunten"),
        owner=PROCESS_DIRECTION,
    ),
    IndicatorSpec(
        "goals_at_closure",
        _("Doelen behaald bij afsluiten"),
        OUTCOME,
        _("Doelen van de casussen afgesloten in de periode (ingetrokken doelen niet), naar hun stand bij afsluiten."),
        PERCENT,
        numerator=_("behaald"),
        denominator=_("alle doelen van de afgesloten casussen"),
    ),
    IndicatorSpec(
        "safety_scores",
        _("Veiligheidscijfer bij de eerste en de laatste bespreking"),
        OUTCOME,
        _(
            "Afgesloten casussen in de periode: het gemiddelde cijfer (0-10) van de deelnemers bij de eerste en bij de "
            "laatste bespreking met scores, gemiddeld over de casussen."
        ),
        SCORE,
    ),
    IndicatorSpec(
        "phase_entry_closure",
        _("Fase bij binnenkomst en bij afsluiten"),
        OUTCOME,
        _("Afgesloten casussen in de periode naar hun eerste fase en hun fase bij afsluiten."),
        PERCENT,
        numerator=_("afgesloten in de herstelfase"),
        denominator=_("alle afgesloten casussen"),
    ),
    *(
        IndicatorSpec(
            f"after_closure_{months}",
            _("Heraanmelding of nieuwe incidenten binnen %(months)s maanden na afsluiten") % {"months": months},
            OUTCOME,
            _(
                "Casussen waarvan de termijn van %(months)s maanden na afsluiten in de periode viel: nieuwe aanmelding "
                "(gezien door het systeem) en de nazorgantwoorden van de procesregie."
            )
            % {"months": months},
            PERCENT,
            numerator=_("opnieuw aangemeld"),
            denominator=_("casussen met deze termijn in de periode"),
            owner=PROCESS_DIRECTION,
        )
        for months in (3, 6, 12)
    ),
)
