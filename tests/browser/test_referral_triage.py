"""From a partner's concern to a routed case, in Chromium: a professional refers a household
(draft, persons, life domains, submit), a process director triages it (a verdict with a
reason per criterion, the live evaluation of the multiproblem definition, accept), and the
referrer sees the outcome and the reason. Every page, and the htmx-swapped evaluation, passes
axe-core and the CSP checks of casustafel.testing.browser."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from casustafel.audit.context import Actor
from casustafel.cases.models import Case, Referral, ReferralStatus, Triage
from casustafel.meeting_types.models import Criterion
from casustafel.meetings.services.meeting_types import meeting_types_install_default
from casustafel.testing.browser import assert_axe_clean, assert_console_clean, follow, sign_in, swap, visit
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser

REASONS = {
    "a1": "Huisvesting, financiën en opvoeding.",
    "a2": "Politie, OM en Veilig Thuis nodig.",
    "a3": "Kinderen lijden onder de situatie.",
    "a4": "Geen gebiedsgebonden problematiek.",
    "b": "Wijkteam twee jaar betrokken, zonder resultaat.",
    "c": "Laatste incident vorige week.",
    "d": "Strafzaak loopt, zorg nodig.",
    "e": "Aanmelding is volledig.",
}


def add_party(page: Page, given: str, surname: str, born: str, role: str) -> None:
    parties = page.locator("#party-add")
    parties.get_by_label("Voornamen").fill(given)
    parties.get_by_label("Achternaam").fill(surname)
    parties.get_by_label("Geboortedatum").fill(born)
    parties.get_by_label("Rol in de casus").select_option(label=role)
    swap(page, parties.get_by_role("button", name="Toevoegen").click)
    expect(page.locator("#party-list")).to_contain_text(f"{given} {surname}")


def add_problem(page: Page, domain: str, description: str, source: str) -> None:
    problems = page.locator("#section-problems")
    problems.get_by_label("Leefgebied").select_option(label=domain)
    problems.get_by_label("Omschrijving").fill(description)
    problems.get_by_label("Bron").fill(source)
    swap(page, problems.get_by_role("button", name="Toevoegen").click)
    expect(page.locator("#problem-list tbody")).to_contain_text(domain)


def test_professional_refers_director_triages_and_referrer_sees_the_outcome(page: Page, personas: Personas) -> None:
    (casus_op_maat,) = meeting_types_install_default(actor=Actor.system(), house=personas.house)
    OrganisationFactory(house=personas.house, municipality=True, name="Gemeente Teststad")

    # 1. The professional of Veilig Thuis refers a household.
    sign_in(page, personas.professional_a)
    visit(page, "/casussen/aanmeldingen/")
    follow(page, page.get_by_role("link", name="Nieuwe aanmelding").click)
    page.get_by_label("Huiselijk geweld (via Veilig Thuis)").check()
    page.get_by_label("Gevraagd overlegtype").select_option(label="Casus-op-Maat")
    page.get_by_label("Woongemeente").select_option(label="Gemeente Teststad")
    follow(page, page.get_by_role("button", name="Concept aanmaken").click)
    referral = Referral.objects.get(referrer=personas.professional_a)

    concern = page.locator("#section-concern")
    concern.get_by_label("Omschrijving van de zorg").fill(
        "Politie is drie keer geweest na ruzie; de kinderen zijn bang en verzuimen school."
    )
    concern.get_by_label("Bron van deze informatie").fill("Politiemutaties en gesprek met moeder")
    swap(page, concern.get_by_role("button", name="Opslaan").click)

    add_party(page, "Ruben", "Visser", "1984-06-12", "Pleger / verdachte")
    add_party(page, "Sanne", "Visser", "2014-09-03", "Kind")
    add_party(page, "Lotte", "Visser", "1986-01-20", "Hoofdpersoon")
    add_problem(page, "Huisvesting", "Huurachterstand van vier maanden; ontruiming dreigt.", "Woningcorporatie")
    add_problem(page, "Opvoeden en opgroeien", "Sanne verzuimt school sinds januari.", "Leerplichtambtenaar")

    term = page.locator("#section-term")
    term.get_by_label("Binnen 1 week").check()
    term.get_by_label("Ja, geïnformeerd").check()
    swap(page, term.get_by_role("button", name="Opslaan").click)
    follow(page, page.get_by_role("button", name="Aanmelding indienen").click)
    expect(page.get_by_role("status").first).to_contain_text("Uw aanmelding is ingediend")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED

    # 2. The process director triages it.
    page.context.clear_cookies()
    sign_in(page, personas.process_director)
    visit(page, "/")
    expect(page.get_by_role("heading", name="Wachten op triage")).to_be_visible()
    follow(page, page.get_by_role("link", name="Triage", exact=True).click)
    follow(page, page.get_by_role("link", name=f"Aanmelding {referral.pk}").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Triage van aanmelding {referral.pk}")
    expect(page.locator("#section-facts")).to_contain_text("Lotte Visser")

    version = casus_op_maat.criteria_set.versions.get(number=1)
    leaves = {c.code: c for c in Criterion.objects.filter(version=version, children__isnull=True)}
    for code, reason in REASONS.items():
        block = page.locator(f"#criterion-{leaves[code].pk}")
        verdict = "Voldoet niet" if code in ("a2", "a4") else "Voldoet"
        block.get_by_label(verdict, exact=True).check()
        block.get_by_label(f"Onderbouwing bij {code}").fill(reason)

    # The live evaluation names the part of the multiproblem definition that fails.
    evaluation = page.locator("#triage-evaluation")
    expect(evaluation).to_contain_text("Niet voldaan door: a2")
    expect(evaluation).to_contain_text("Niet voldaan door: a1-a3, a4")
    assert_axe_clean(page)
    page.locator(f"#criterion-{leaves['a2'].pk}").get_by_label("Voldoet", exact=True).check()
    expect(evaluation).to_contain_text("De aanmelding voldoet aan de criteria.")
    assert_axe_clean(page)
    assert_console_clean(page)

    # Deciding without a reason for the referrer is refused; what was typed stays.
    page.get_by_label("Aannemen in het huis").check()
    page.get_by_label("Overlegtype", exact=True).select_option(label="Casus-op-Maat")
    page.get_by_label("Procesregisseur", exact=True).select_option(label="Process Director")
    first_meeting = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Eerste overleg").fill(first_meeting.isoformat())
    follow(page, page.get_by_role("button", name="Besluit vastleggen").click)
    expect(page.locator("#id_outcome_reason_error")).to_contain_text("Schrijf de reden van dit besluit")
    expect(page.get_by_label("Onderbouwing bij a1")).to_have_value(REASONS["a1"])

    page.get_by_label("Reden voor de aanmelder").fill(
        "Zorg en straf moeten hier samen optrekken; eerste Casus-op-Maat over een week."
    )
    follow(page, page.get_by_role("button", name="Besluit vastleggen").click)
    expect(page.get_by_role("status").first).to_contain_text("Het besluit is vastgelegd: Aannemen in het huis")
    case = Case.objects.get(referral=referral)
    assert case.process_director == personas.process_director
    assert case.first_meeting_date == first_meeting
    assert Triage.objects.get(referral=referral).verdicts.count() == len(REASONS)

    # The case page: the household, the referring organisation involved; the process director
    # involves the police through the page.
    visit(page, f"/casussen/{case.pk}/")
    expect(page.locator("#section-household")).to_contain_text("Lotte Visser")
    involvements = page.locator("#section-involvements")
    expect(involvements).to_contain_text(personas.org_a.name)
    with page.expect_response(lambda response: "/contactpersonen/" in response.url):
        page.get_by_label("Organisatie", exact=True).select_option(label=personas.org_b.name)
    page.get_by_label("Reden van betrokkenheid").fill("Politie: huiselijk geweld")
    # The contact is searched among the police's case workers (htmx as one types), never listed.
    with page.expect_response(lambda response: "/contactpersonen/" in response.url):
        page.get_by_label("Zoek een medewerker").fill("professional b")
    results = page.locator("#contact-results")
    expect(results).to_contain_text("Gevonden bij de gekozen organisatie")
    expect(results).not_to_contain_text("Professional A")
    results.get_by_label("Professional B").click()  # moves to the chosen one (casustafel.js)
    expect(page.locator("#contact-chosen-list").get_by_label("Professional B")).to_be_checked()
    assert_axe_clean(page)
    follow(page, page.get_by_role("button", name="Betrekken").click)
    expect(page.locator("#section-involvements")).to_contain_text("Politie: huiselijk geweld")
    expect(page.locator(f"#section-involvements tr:has-text('{personas.org_b.name}')")).to_contain_text(
        "Professional B"
    )

    # 3. The referrer sees the outcome and the reason.
    page.context.clear_cookies()
    sign_in(page, personas.professional_a)
    visit(page, f"/casussen/aanmeldingen/{referral.pk}/")
    decision = page.locator(".ct-decision")
    expect(decision).to_contain_text("Aannemen in het huis")
    expect(decision).to_contain_text("Zorg en straf moeten hier samen optrekken")
    visit(page, f"/casussen/triage/{referral.pk}/", status=404)
    visit(page, "/casussen/")
    follow(page, page.get_by_role("link", name=f"Casus {case.pk}").click)
    expect(page.locator("#section-household")).to_contain_text("Lotte Visser")


def test_administrator_configures_meeting_type_criteria_version_and_caseload_cap(
    page: Page, personas: Personas
) -> None:
    OrganisationFactory(house=personas.house, municipality=True, name="Gemeente Teststad")
    sign_in(page, personas.administrator)
    visit(page, "/")
    follow(page, page.get_by_role("link", name="Overlegtypen").click)
    follow(page, page.get_by_role("button", name="Standaardoverlegtype installeren").click)
    expect(page.get_by_role("status").first).to_contain_text("Casus-op-Maat")
    follow(page, page.get_by_role("link", name="Casus-op-Maat").click)

    # An input requirement is added and removed.
    page.get_by_label("Eis", exact=True).select_option(label="De gewenste reactietermijn is gekozen")
    follow(page, page.get_by_role("button", name="Toevoegen").click)
    expect(page.locator(".utrecht-alert--error, .ct-errorlist").first).to_contain_text("heeft deze inputeis al")
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page, page.get_by_role("button", name="Verwijderen De gewenste reactietermijn is gekozen").click)
    expect(page.get_by_role("status").first).to_contain_text("De inputeis is verwijderd")

    follow(page, page.get_by_role("link", name="Instellingen wijzigen").click)
    page.get_by_label("Norm eerste contact (uren)").fill("24")
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.locator("main")).to_contain_text("24 uur na indienen")

    # Editing the criteria makes version 2; version 1 stays readable.
    follow(page, page.get_by_role("link", name="Criteria", exact=True).click)
    follow(page, page.get_by_role("link", name="Criteria voor behandeling in het veiligheidshuis").click)
    expect(page.locator("main")).to_contain_text("OF: één onderdeel is genoeg")
    follow(page, page.get_by_role("button", name="Criteria wijzigen (nieuwe versie)").click)
    follow(page, page.get_by_role("link", name="Wijzigen c").click)
    page.get_by_label("Korte omschrijving").fill("Is er sprake van urgentie?")
    follow(page, page.get_by_role("button", name="Opslaan").click)
    page.get_by_label("Toelichting op de wijziging").fill("Actualiteit vervangen door urgentie (evaluatie 2014).")
    follow(
        page, page.locator("#heading-version-settings").locator("xpath=..").get_by_role("button", name="Opslaan").click
    )
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page, page.get_by_role("button", name="Versie 2 in gebruik nemen").click)
    expect(page.get_by_role("heading", name="Versie 2 (in gebruik)")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Is er sprake van urgentie?")
    follow(page, page.get_by_role("link", name="Versie 1", exact=True).click)
    expect(page.locator("main")).to_contain_text("Is er actualiteit?")

    # A caseload cap for the municipality.
    visit(page, "/casussen/caseloadplafonds/")
    page.get_by_label("Gemeente", exact=True).select_option(label="Gemeente Teststad")
    page.get_by_label("Maximaal aantal actieve casussen").fill("12")
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.locator("tbody")).to_contain_text("12")
