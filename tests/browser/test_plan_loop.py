"""One case from accepted to closed and back, in Chromium (issue 11, "Done when"): the process
director makes the plan with a goal and agreements; the partner accepts and reports from their own
account; an overdue agreement notifies and, after its term, escalates and moves up on its own
(frozen clock, the periodic work run in between); case direction is handed over; the phase moves
back; the case is closed with a closure plan; the follow-up question is answered; a re-entry links
to the closed case. The timeline shows everything to the process director and only the allowed
part to a partner. Every page passes axe-core and the CSP checks (casustafel.testing.browser)."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine
from playwright.sync_api import Page, expect

from casustafel.cases.models import CaseStatus, PartyRole, Referral
from casustafel.cases.services.information import case_fact_add
from casustafel.cases.services.referrals import referral_submit
from casustafel.escalations.models import Escalation, EscalationStep
from casustafel.lib.dates import add_working_days
from casustafel.plans.models import Agreement, FollowUp
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis, Restriction
from casustafel.privacy.provenance.checks import ProvenanceData
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.cases import CasePartyFactory, ReferralFactory
from casustafel.testing.involvements import involve, open_case
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.browser


def _as(page: Page, user) -> None:
    page.context.clear_cookies()
    sign_in(page, user)


def _day(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _open_details(page: Page, summary: str) -> None:
    page.locator("summary", has_text=summary).first.click()


def test_one_case_from_accepted_to_closed_with_monitoring_escalation_follow_up_and_re_entry(
    page: Page, personas: Personas
) -> None:
    case = open_case(personas).case  # org_a (Veilig Thuis) referred; the process director accepted
    involve(personas, case, personas.org_b, reason="Politie: huiselijk geweld")
    # Veilig Thuis's information for its own sector only: the police sees that it exists.
    case_fact_add(
        actor=actor_for(personas, "professional_a"),
        case=case,
        text="Moeder vertelde over eerdere mishandeling in 2019.",
        provenance=ProvenanceData(
            category=InformationCategory.HOUSEHOLD,
            legal_basis=LegalBasis.WGS,
            consent=Consent.GIVEN,
            restriction=Restriction.SECTOR,
            restricted_sector=personas.org_a.sector,
        ),
    )
    today = timezone.localdate()
    plan_url = f"/casussen/{case.pk}/plan/"

    # 1. The process director makes the plan: approach, goal, review date, a goal, agreements.
    _as(page, personas.process_director)
    visit(page, f"/casussen/{case.pk}/")
    follow(page, page.get_by_role("link", name="Plan van aanpak, doelen, bodemeisen en afspraken").click)
    follow(page, page.get_by_role("link", name="Plan van aanpak maken").click)
    page.get_by_label("Gezamenlijke aanpak").check()
    page.get_by_label("Gezamenlijk doel").fill("Moeder en kinderen wonen veilig thuis.")
    page.get_by_label("Samenvatting voor het huishouden (B1)").fill("We zorgen samen dat u veilig thuis woont.")
    page.get_by_label("Rappeldatum").fill((today + dt.timedelta(days=42)).isoformat())
    follow(page, page.get_by_role("button", name="Opslaan als nieuwe versie").click)
    # Without a reason nothing is saved, and nothing typed is lost.
    expect(page.locator("#id_reason_error")).to_contain_text("Schrijf kort op waarom het plan verandert.")
    expect(page.get_by_label("Gezamenlijk doel")).to_have_value("Moeder en kinderen wonen veilig thuis.")
    page.get_by_label("Waarom verandert het plan?").fill("Vastgesteld in het overleg.")
    follow(page, page.get_by_role("button", name="Opslaan als nieuwe versie").click)
    expect(page.locator("#section-plan")).to_contain_text("Moeder en kinderen wonen veilig thuis.")

    follow(page, page.get_by_role("link", name="Doel toevoegen").click)
    page.get_by_label("Doel", exact=True).fill("Geen nieuwe incidenten")
    page.get_by_label("Waarom verandert het plan?").fill("Doel uit het overleg.")
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.locator("#section-goals")).to_contain_text("Geen meetbaar resultaatcriterium")  # a warning

    for what, due in (("Huisbezoek en veiligheidsplan.", 10), ("Gesprek met school over verzuim.", 2)):
        visit(page, plan_url)
        follow(page, page.get_by_role("link", name="Afspraak toevoegen").click)
        page.get_by_label("Wie voert het uit?").select_option(label="Professional A")
        page.get_by_label("Wat", exact=True).fill(what)
        page.get_by_label("Uiterlijk op").fill((today + dt.timedelta(days=due)).isoformat())
        page.get_by_label("Actie van een professional").check()
        page.get_by_label("Onderbouwing").fill("Afgesproken in het overleg.")
        follow(page, page.get_by_role("button", name="Afspraak vastleggen").click)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Afspraak")
    first, school = Agreement.objects.filter(case=case).order_by("pk")

    # Phase: direct safety, forward, and back after a new incident.
    for phase, reason in (
        ("Directe veiligheid", "Acute zorgen."),
        ("Risicogestuurde zorg", "Contactverbod werkt."),
        ("Directe veiligheid", "Nieuw incident."),
    ):
        visit(page, plan_url)
        _open_details(page, "Fase wijzigen")
        page.locator("#section-phase").get_by_label(phase).check()
        page.locator("#section-phase").get_by_label("Waarom?").fill(reason)
        follow(page, page.get_by_role("button", name="Fase wijzigen").click)
    expect(page.locator("#section-phase")).to_contain_text("terug")

    # Case direction: proposed to professional A.
    visit(page, f"/casussen/{case.pk}/regie/")
    page.locator("#id_propose-who").select_option(label="Professional A")
    page.get_by_label("Waarom deze professional?").fill("Kent het gezin het best.")
    follow(page, page.get_by_role("button", name="Voorstel versturen").click)

    # 2. Professional A accepts case direction and the agreement, and reports, from their account.
    _as(page, personas.professional_a)
    visit(page, "/")
    proposals = page.locator("section", has=page.get_by_role("heading", name="Voorgesteld als casusregisseur"))
    follow(page, proposals.get_by_role("link", name=f"Casus {case.pk}").click)
    page.get_by_role("radio", name="Accepteren").check()
    follow(page, page.get_by_role("button", name="Antwoord versturen").click)
    expect(page.get_by_role("status").first).to_contain_text("U bent nu casusregisseur")
    visit(page, "/afspraken/")
    follow(page, page.get_by_role("link", name="Huisbezoek en veiligheidsplan.").click)
    page.get_by_role("radio", name="Accepteren").check()
    follow(page, page.get_by_role("button", name="Antwoord versturen").click)
    page.get_by_label("Deels uitgevoerd").check()
    page.get_by_label("Resultaat").fill("Eerste huisbezoek gedaan; vervolg volgende week.")
    follow(page, page.get_by_role("button", name="Terugkoppeling versturen").click)
    expect(page.get_by_role("status").first).to_contain_text("Uw terugkoppeling is vastgelegd")

    # 3. The school conversation stays open: overdue notice, then escalation after its term,
    # then a step up when that term passes too (the periodic work, frozen clock).
    overdue_day = school.due_date + dt.timedelta(days=1)
    with time_machine.travel(_day(overdue_day), tick=False):
        call_command("tick", verbosity=0)
    escalate_day = add_working_days(school.due_date, 10) + dt.timedelta(days=1)
    with time_machine.travel(_day(escalate_day), tick=False):
        call_command("tick", verbosity=0)
    escalation = Escalation.objects.get(agreement=school)
    assert escalation.step == EscalationStep.AT_PROCESS_DIRECTOR
    up_day = add_working_days(escalate_day, 10) + dt.timedelta(days=1)
    with time_machine.travel(_day(up_day), tick=False):
        call_command("tick", verbosity=0)
    escalation.refresh_from_db()
    assert escalation.step == EscalationStep.AT_HOUSE_MANAGER

    _as(page, personas.professional_a)
    visit(page, "/meldingen/")
    expect(page.locator("main")).to_contain_text("Een afspraak is over de termijn.")
    _as(page, personas.house_manager)
    visit(page, "/")
    follow(page, page.get_by_role("link", name=f"Casus {case.pk}: Afspraak blijft over de termijn").click)
    expect(page.locator("main")).to_contain_text("automatisch opgeschaald")

    # 4. Handover to Veilig Thuis's ambassador; she accepts from her own account.
    _as(page, personas.process_director)
    visit(page, f"/casussen/{case.pk}/regie/")
    page.locator("#id_propose-who").select_option(label="Ambassador A")
    page.get_by_label("Waarom deze professional?").fill("Professional A gaat met verlof.")
    follow(page, page.get_by_role("button", name="Voorstel versturen").click)
    _as(page, personas.ambassador_a)
    visit(page, f"/casussen/{case.pk}/regie/")
    page.get_by_role("radio", name="Accepteren").check()
    follow(page, page.get_by_role("button", name="Antwoord versturen").click)
    expect(page.locator("main")).to_contain_text("Professional A")  # the handover log

    # 5. The timeline: everything for the process director, the allowed part for the police.
    _as(page, personas.process_director)
    visit(page, f"/casussen/{case.pk}/tijdlijn/")
    timeline = page.locator(".ct-timeline")
    for text in (
        "Fase terug",
        "Terugkoppeling van",
        "Escalatie gemeld",
        "automatisch opgeschaald",
        "Overdracht casusregie van Professional A aan Ambassador A",
        "Plan van aanpak, versie",
    ):
        expect(timeline).to_contain_text(text)
    _as(page, personas.professional_b)
    visit(page, f"/casussen/{case.pk}/tijdlijn/")
    timeline = page.locator(".ct-timeline")
    expect(timeline).to_contain_text("Fase terug")
    expect(timeline).to_contain_text("Er is afgeschermde informatie van")  # org_a's restricted fact
    expect(timeline).not_to_contain_text("eerdere mishandeling")
    expect(timeline).not_to_contain_text("Escalatie")  # the police is no party to it

    # 6. Closing: the reason, the goal, what happens to each open agreement, the closure plan.
    _as(page, personas.process_director)
    visit(page, f"/casussen/{case.pk}/afsluiten/")
    page.get_by_label("Doelen bereikt").check()
    follow(page, page.get_by_role("button", name="Casus afsluiten").click)
    expect(page.get_by_role("alert").first).to_contain_text("De casus is nog niet afgesloten")
    page.get_by_role("group", name="Geen nieuwe incidenten").get_by_label("Behaald", exact=True).check()
    page.get_by_label("Waarop rust dit oordeel?").fill("Drie maanden geen melding.")
    for agreement in (first, school):
        group = page.get_by_role("group", name=agreement.what)
        group.get_by_label("Loopt door buiten het huis").check()
        page.locator(f"#id_agreement_{agreement.pk}_continues_with").fill("Wijkteam")
    page.get_by_label("Wat loopt door, en bij wie?").fill("Het wijkteam blijft bij het gezin.")
    page.get_by_label("Wat als het later toch weer niet goed gaat?").fill("Het wijkteam meldt opnieuw aan.")
    page.get_by_label("Laatste veiligheidscijfer (0-10)").fill("7")
    page.get_by_label("Onderbouwing van het veiligheidscijfer").fill("Rustig sinds het contactverbod.")
    follow(page, page.get_by_role("button", name="Casus afsluiten").click)
    expect(page.get_by_role("status").first).to_contain_text("is afgesloten")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    # 7. Three months later the process director answers the follow-up question.
    three = FollowUp.objects.get(case=case, months=3)
    with time_machine.travel(_day(three.due_on, 10), tick=True):
        call_command("tick", verbosity=0)
        _as(page, personas.process_director)
        visit(page, "/")
        follow(page, page.get_by_role("link", name=f"Casus {case.pk}: nazorg na 3 maanden").click)
        page.get_by_role("group", name="Zijn er nieuwe incidenten geweest?").get_by_label("Nee").check()
        page.get_by_role("group", name="Is het huishouden opnieuw aangemeld?").get_by_label("Nee").check()
        page.get_by_role("group", name="Is het nog steeds veilig?").get_by_label("Ja").check()
        follow(page, page.get_by_role("button", name="Antwoorden opslaan").click)
        expect(page.locator(".ct-timeline")).to_contain_text("Nazorg na 3 maanden")

        # 8. A re-entry: Veilig Thuis refers the mother again; triage shows the earlier episode.
        person = case.referral.parties.get(role=PartyRole.SUBJECT).person
        again = ReferralFactory(
            referrer=personas.professional_a,
            referring_organisation=personas.org_a,
            meeting_type=case.meeting_type,
            concern="Opnieuw zorgen na een incident.",
            desired_response_days=7,
            consent="informed",
        )
        CasePartyFactory(referral=again, person=person, role=PartyRole.SUBJECT)
        referral_submit(actor=actor_for(personas, "professional_a"), referral=again, expected_version=None)
        assert Referral.objects.get(pk=again.pk).previous_case_id == case.pk
        visit(page, f"/casussen/triage/{again.pk}/")
        expect(page.locator("#heading-previous-episode")).to_be_visible()
        follow(page, page.get_by_role("link", name="Tijdlijn van de eerdere episode").click)
        timeline = page.locator(".ct-timeline")
        expect(timeline).to_contain_text("Afsluitingsplan")
        expect(timeline).to_contain_text("Opnieuw aangemeld")
