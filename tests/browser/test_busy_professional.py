"""The referral-and-triage walk as a busy professional meets it (issue 8, "Done when"), in
Chromium: a new user logs in, fills every section of a referral, saves the sections in another
order than she typed them, changes a person's role, is called away so that the session expires
while she is typing, logs in again and finds everything she typed; leaving a page with unsaved
input asks first. Then a process director finds the triage team by a search, weighs with the
summary in view and decides. Every page and every swap passes axe (no violation at all), the
CSP and console checks, and the header's controls an explicit contrast check."""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

import pytest
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Dialog, Page, expect

from casustafel.accounts.middleware import LAST_ACTIVITY_KEY
from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.cases.models import Case, CaseParty, LifeDomainProblem, PartyRole, PriorAction, Referral
from casustafel.meeting_types.models import Criterion
from casustafel.meetings.services.meeting_types import meeting_types_install_default
from casustafel.organisations.models import Role
from casustafel.testing.browser import assert_header_contrast, follow, sign_in, swap, visit
from casustafel.testing.factories import TEST_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser

CONCERN = "Politie is drie keer geweest na ruzie; de kinderen zijn bang en verzuimen school."
CONCERN_SOURCE = "Politiemutaties en gesprek met moeder"
HALF_TYPED_ACTION = "Het wijkteam begeleidt het gezin sinds maart; moeder wil vooral rust voor de kinderen en"
HALF_TYPED_PROBLEM = "Huurachterstand van vier maanden; de corporatie dreigt met"


def log_in(page: Page, user: User) -> None:
    """Through the login pages, as a person does: password, then the authenticator's code."""
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    follow(page, page.get_by_role("button", name="Inloggen").click)
    device = TOTPDevice.objects.get(user=user)
    # A code is accepted once: logging in again within the same 30 seconds takes the next one
    # (the device tolerates one step of drift).
    now = TOTP(device.bin_key, step=device.step, t0=device.t0).t()
    ahead = max(0, device.last_t + 1 - now)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + ahead)
    page.get_by_label("Code uit uw authenticator-app").fill(f"{code:0{device.digits}d}")
    follow(page, page.get_by_role("button", name="Controleren").click)


def expire_session(page: Page) -> None:
    """Make the server see the session as idle for 16 minutes, and let the page's clock run
    16 minutes on: the page's own idle timer then fires as it would after a coffee break."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[LAST_ACTIVITY_KEY] = time.time() - 16 * 60
    session.save()
    with page.expect_navigation(url="**/inloggen/**"):
        page.clock.run_for(16 * 60 * 1000)


def test_a_referral_filled_in_any_order_survives_a_session_expiry_and_is_triaged(
    page: Page, personas: Personas
) -> None:
    (casus_op_maat,) = meeting_types_install_default(actor=Actor.system(), house=personas.house)
    OrganisationFactory(house=personas.house, municipality=True, name="Gemeente Teststad")
    officer = UserFactory(full_name="Wijkagent Bakker")
    MembershipFactory(user=officer, organisation=personas.org_b, role=Role.PROFESSIONAL)
    professional = personas.professional_a
    page.clock.install()

    # A new user logs in and starts a referral.
    visit(page, "/inloggen/")
    log_in(page, professional)
    assert_header_contrast(page)
    follow(page, page.get_by_role("link", name="Aanmeldingen", exact=True).click)
    follow(page, page.get_by_role("link", name="Nieuwe aanmelding").click)
    page.get_by_label("Huiselijk geweld (via Veilig Thuis)").check()
    follow(page, page.get_by_role("button", name="Concept aanmaken").click)
    referral = Referral.objects.get(referrer=professional)

    # She types in three sections first, then saves them in another order: each save keeps
    # what is typed in the others.
    general = page.locator("#section-general")
    concern = page.locator("#section-concern")
    term = page.locator("#section-term")
    general.get_by_label("Gevraagd overlegtype").select_option(label="Casus-op-Maat")
    general.get_by_label("Woongemeente").select_option(label="Gemeente Teststad")
    concern.get_by_label("Omschrijving van de zorg").fill(CONCERN)
    concern.get_by_label("Bron van deze informatie").fill(CONCERN_SOURCE)
    term.get_by_label("Binnen 1 week").check()
    term.get_by_label("Ja, geïnformeerd").check()
    swap(page, term.get_by_role("button", name="Opslaan").click)
    expect(page.locator("#section-term .ct-saved")).to_be_visible()
    expect(concern.get_by_label("Omschrijving van de zorg")).to_have_value(CONCERN)
    swap(page, general.get_by_role("button", name="Opslaan").click)
    expect(concern.get_by_label("Omschrijving van de zorg")).to_have_value(CONCERN)
    swap(page, concern.get_by_role("button", name="Opslaan").click)
    expect(page.locator("#section-concern .ct-saved")).to_contain_text("De omschrijving van de zorg is opgeslagen")
    expect(page.locator("#section-status")).to_contain_text("Laatst gewijzigd")
    referral.refresh_from_db()
    assert (referral.concern, referral.desired_response_days, referral.meeting_type) == (CONCERN, 7, casus_op_maat)

    # Persons, one in the wrong role at first.
    adding = page.locator("#party-add")
    for given, surname, born, role in (
        ("Lotte", "Visser", "1986-01-20", "Hoofdpersoon"),
        ("Ruben", "Visser", "1984-06-12", "Slachtoffer"),
        ("Sanne", "Visser", "2014-09-03", "Kind"),
    ):
        adding.get_by_label("Voornamen").fill(given)
        adding.get_by_label("Achternaam").fill(surname)
        adding.get_by_label("Geboortedatum").fill(born)
        adding.get_by_label("Rol in de casus").select_option(label=role)
        swap(page, adding.get_by_role("button", name="Toevoegen").click)
        expect(page.locator("#party-list")).to_contain_text(f"{given} {surname}")
    ruben = CaseParty.objects.get(referral=referral, person__given_names="Ruben")

    # A problem on Ruben's name, then his role is corrected in place: the problem stays.
    problems = page.locator("#problem-add")
    problems.get_by_label("Leefgebied").select_option(label="Verslaving en middelengebruik")
    problems.get_by_label("Betreft").select_option(label="Ruben Visser")
    problems.get_by_label("Omschrijving").fill("Drinkt dagelijks; ontkent het probleem.")
    problems.get_by_label("Bron").fill("Moeder")
    swap(page, problems.get_by_role("button", name="Toevoegen").click)
    row = page.locator(f"#party-{ruben.pk}")
    row.get_by_text("Rol of gegevens wijzigen").click()
    row.get_by_label("Rol in de casus").select_option(label="Pleger / verdachte")
    swap(page, row.get_by_role("button", name="Wijziging opslaan").click)
    expect(page.locator(f"#party-{ruben.pk}")).to_contain_text("Pleger / verdachte")
    expect(page.locator("#problem-list")).to_contain_text("Ruben Visser")
    assert CaseParty.objects.get(pk=ruben.pk).role == PartyRole.PERPETRATOR
    assert LifeDomainProblem.objects.filter(referral=referral, person=ruben.person).exists()

    # Leaving with unsaved input asks first; staying keeps it.
    actions = page.locator("#action-add")
    actions.get_by_label("Wat is er gedaan?").fill(HALF_TYPED_ACTION)
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Aanmeldingen", exact=True).first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(f"/casussen/aanmeldingen/{referral.pk}/")
    expect(actions.get_by_label("Wat is er gedaan?")).to_have_value(HALF_TYPED_ACTION)
    # From here on no page may ask: every remaining leave is a save.
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))

    # Called away mid-sentence: the session expires; nothing typed is lost.
    actions.get_by_label("Door wie").fill("Sociaal wijkteam Teststad")
    problems.get_by_label("Leefgebied").select_option(label="Huisvesting")
    problems.get_by_label("Omschrijving").fill(HALF_TYPED_PROBLEM)
    expire_session(page)
    expect(page.get_by_role("status").first).to_contain_text("Uw sessie is verlopen na 15 minuten zonder activiteit")
    assert page.url.endswith(f"/inloggen/?next=%2Fcasussen%2Faanmeldingen%2F{referral.pk}%2F")
    log_in(page, professional)
    assert page.url.endswith(f"/casussen/aanmeldingen/{referral.pk}/")
    expect(page.locator("#ct-held-notice")).to_contain_text("Uw sessie was verlopen.")
    expect(actions.get_by_label("Wat is er gedaan?")).to_have_value(HALF_TYPED_ACTION)
    expect(actions.get_by_label("Door wie")).to_have_value("Sociaal wijkteam Teststad")
    expect(problems.get_by_label("Omschrijving")).to_have_value(HALF_TYPED_PROBLEM)
    expect(problems.get_by_label("Leefgebied")).to_have_value("housing")
    assert not PriorAction.objects.filter(referral=referral).exists()  # back, but not saved unseen

    # She finishes the sentences and saves; then submits.
    actions.get_by_label("Wat is er gedaan?").fill(HALF_TYPED_ACTION + " de school wordt betrokken.")
    actions.get_by_label("Bron", exact=True).fill("Wijkteam")
    swap(page, actions.get_by_role("button", name="Toevoegen").click)
    problems.get_by_label("Omschrijving").fill(HALF_TYPED_PROBLEM + " ontruiming.")
    problems.get_by_label("Bron").fill("Woningcorporatie")
    swap(page, problems.get_by_role("button", name="Toevoegen").click)
    assert PriorAction.objects.filter(referral=referral, by_whom="Sociaal wijkteam Teststad").exists()
    assert LifeDomainProblem.objects.filter(referral=referral, description__endswith="ontruiming.").exists()
    follow(page, page.get_by_role("button", name="Aanmelding indienen").click)
    expect(page.get_by_role("status").first).to_contain_text("Uw aanmelding is ingediend")

    # The process director sees whom it is about, finds the team by a search, and weighs with
    # the summary in view.
    page.context.clear_cookies()
    sign_in(page, personas.process_director)
    visit(page, "/")
    expect(page.get_by_role("link", name=f"Aanmelding {referral.pk}: Lotte Visser").first).to_be_visible()
    follow(page, page.get_by_role("link", name=f"Aanmelding {referral.pk}: Lotte Visser").first.click)
    search = page.get_by_label("Zoek iemand op naam of organisatie")
    search.fill("bakker")
    expect(page.locator("#team-results")).to_contain_text("Wijkagent Bakker")
    expect(page.locator("#team-results legend")).to_contain_text([personas.org_b.name])
    page.locator("#team-results").get_by_label("Wijkagent Bakker").click()  # moves to the chosen ones
    expect(page.locator("#team-chosen-list")).to_contain_text("Wijkagent Bakker")
    summary = page.locator("#triage-summary")
    version = casus_op_maat.criteria_set.versions.get(number=1)
    for leaf in Criterion.objects.filter(version=version, children__isnull=True).order_by("position", "pk"):
        block = page.locator(f"#criterion-{leaf.pk}")
        block.get_by_label("Voldoet", exact=True).check()
        block.get_by_label(f"Onderbouwing bij {leaf.code}").fill("Blijkt uit de aanmelding.")
    expect(summary).to_contain_text("a1, a2, a3, a4, b, c, d, e")
    expect(summary.locator(".ct-badge")).to_have_text("Voldoet")
    page.get_by_label("Aannemen in het huis").check()
    page.get_by_label("Overlegtype", exact=True).select_option(label="Casus-op-Maat")
    page.get_by_label("Procesregisseur", exact=True).select_option(label="Process Director")
    page.get_by_label("Eerste overleg").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.get_by_label("Reden voor de aanmelder").fill("Zorg en straf trekken samen op.")
    follow(page, page.get_by_role("button", name="Besluit vastleggen").click)
    expect(page.get_by_role("status").first).to_contain_text("Het besluit is vastgelegd")
    case = Case.objects.get(referral=referral)
    assert list(case.referral.triages.get().team_members.all()) == [officer]
    assert asked == ["beforeunload"]  # only the one leave with unsaved input asked
