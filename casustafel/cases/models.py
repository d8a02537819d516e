"""Referral and triage: persons, referrals with their parties and problems, versioned admission
criteria, triage verdicts, and the case that an accepted referral becomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.types import AnyUser
from casustafel.lib.models import TimestampedModel, VersionedModel
from casustafel.privacy.models import PROVENANCE_REDACTED_FIELDS, Provenance, provenance_constraints


class EntryRoute(models.TextChoices):
    TOP_X = "top_x", _("Top-X (via gemeente)")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Huiselijk geweld (via Veilig Thuis)")
    FIELD = "field", _("Veldaanmelding (door een partner)")


class PartyRole(models.TextChoices):
    SUBJECT = "subject", _("Hoofdpersoon")
    VICTIM = "victim", _("Slachtoffer")
    PERPETRATOR = "perpetrator", _("Pleger / verdachte")
    CHILD = "child", _("Kind")
    SYSTEM_MEMBER = "system_member", _("Systeemlid")


class LifeDomain(models.TextChoices):
    """The life domains (leefgebieden) of seed 002, table 3.1."""

    WORK = "work", _("Werk")
    DAYTIME = "daytime", _("Zinvolle dagbesteding en vrije tijd")
    FINANCES = "finances", _("Financiën")
    HOUSING = "housing", _("Huisvesting")
    PARENTING = "parenting", _("Opvoeden en opgroeien")
    SOCIAL_NETWORK = "social_network", _("Sociaal netwerk")
    CRIME = "crime", _("Criminaliteit")
    MENTAL_HEALTH = "mental_health", _("Psychische gezondheid (ggz)")
    INTELLECTUAL_DISABILITY = "intellectual_disability", _("(Licht) verstandelijke beperking")
    PHYSICAL_HEALTH = "physical_health", _("Lichamelijke gezondheid")
    EDUCATION = "education", _("Onderwijs en opleiding")
    ADDICTION = "addiction", _("Verslaving en middelengebruik")
    RELATIONSHIPS = "relationships", _("Relaties")
    VIOLENCE_TRANSMISSION = "violence_transmission", _("Intergenerationele overdracht van geweld")


class ResponseTerm(models.IntegerChoices):
    """The desired response term (gewenste responstermijn), recorded apart from the criteria
    as Bijlage 6 point 1 advises."""

    WITHIN_2_DAYS = 2, _("Binnen 2 dagen (acuut)")
    WITHIN_1_WEEK = 7, _("Binnen 1 week")
    WITHIN_2_WEEKS = 14, _("Binnen 2 weken")
    WITHIN_4_WEEKS = 28, _("Binnen 4 weken")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Wacht op triage")
    INFORMATION_REQUESTED = "information_requested", _("Meer informatie gevraagd")
    ACCEPTED = "accepted", _("Aangenomen")
    STEPPED_DOWN = "stepped_down", _("Afgeschaald naar lokaal")
    REFERRED_RIEC = "referred_riec", _("Doorverwezen naar RIEC")
    REJECTED = "rejected", _("Niet aangenomen")


OPEN_REFERRAL_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.INFORMATION_REQUESTED)


class Routing(models.TextChoices):
    """The outcome of a triage."""

    ACCEPT = "accept", _("Aannemen in het huis")
    STEP_DOWN_LOCAL = "step_down_local", _("Afschalen naar lokale zorg")
    REFER_RIEC = "refer_riec", _("Doorverwijzen naar het RIEC")
    REJECT = "reject", _("Niet aannemen")
    NEED_MORE_INFORMATION = "need_more_information", _("Meer informatie nodig")


class Verdict(models.TextChoices):
    MEETS = "meets", _("Voldoet")
    DOES_NOT_MEET = "does_not_meet", _("Voldoet niet")
    UNKNOWN = "unknown", _("Onbekend")


class Person(VersionedModel):
    """A natural person known to the house; registered once, party to any number of referrals.

    The BSN is optional, validated with the elfproef, stored encrypted (`bsn_encrypted`) and
    matched through a keyed hash (`bsn_digest`) so matching never decrypts.
    """

    AUDIT_REDACTED_FIELDS = frozenset({"bsn_encrypted", "bsn_digest"})

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    given_names = models.CharField(_("voornamen"), max_length=120)
    surname_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("achternaam"), max_length=120)
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    bsn_encrypted = models.TextField(_("BSN (versleuteld)"), blank=True, editable=False)
    bsn_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("samengevoegd met"),
        help_text=_("Na samenvoegen verwijst de dubbele registratie naar de blijvende."),
    )
    created_by_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("geregistreerd door")
    )

    class Meta:
        verbose_name = _("betrokkene")
        verbose_name_plural = _("betrokkenen")
        ordering = ["surname", "given_names", "pk"]
        indexes = [models.Index(fields=["house", "surname", "date_of_birth"], name="person_match")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.surname_prefix, self.surname) if part)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: AnyUser) -> ReferralQuerySet:
        """Referrals the user may see: their own, their organisation's as its ambassador, and
        every submitted referral of the house for its process directors and secretaries.
        Drafts stay with the referrer (and their ambassador); destroyed referrals with nobody."""
        from casustafel.organisations.models import Membership, Role
        from casustafel.organisations.selectors import request_memberships

        if not user.is_authenticated:
            return self.none()
        staff_houses: Any
        ambassador_orgs: Any
        known = request_memberships(user)
        if known is not None:  # as in `CaseQuerySet.visible_to`: the request's memberships, in ids
            staff = (Role.PROCESS_DIRECTOR, Role.SECRETARY)
            staff_houses = sorted({m.organisation.house_id for m in known if m.role in staff})
            ambassador_orgs = sorted({m.organisation_id for m in known if m.is_ambassador})
        else:
            active = Membership.objects.active().filter(user=user)
            staff_houses = active.filter(role__in=[Role.PROCESS_DIRECTOR, Role.SECRETARY]).values("organisation__house")
            ambassador_orgs = active.filter(is_ambassador=True).values("organisation")
        # A destroyed referral holds no personal data any more; only its destruction record is shown.
        return self.filter(destroyed_at__isnull=True).filter(
            Q(referrer=user)
            | Q(referring_organisation__in=ambassador_orgs)
            | (Q(house__in=staff_houses) & ~Q(status=ReferralStatus.DRAFT))
        )


class Referral(VersionedModel):
    """A request to the house to handle a person or household (aanmelding). Facts (concern,
    parties, problems, what was done) are kept apart from the criteria scoring (triage)."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    entry_route = models.CharField(_("instroomroute"), max_length=20, choices=EntryRoute.choices)
    status = models.CharField(
        _("status"), max_length=25, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT, db_index=True
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("aanmelder")
    )
    referring_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("aanmeldende organisatie"),
    )
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("gevraagd overlegtype"),
        help_text=_("Het overleg waarvoor u aanmeldt; de triage kan een ander kiezen."),
    )
    municipality = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"sector": "municipality"},
        verbose_name=_("woongemeente"),
    )
    concern = models.TextField(
        _("omschrijving van de zorg"),
        blank=True,
        help_text=_("Wat is er aan de hand, en waarom is het huis nodig? Feiten, geen oordelen."),
    )
    concern_source = models.CharField(
        _("bron van de omschrijving"),
        max_length=200,
        blank=True,
        help_text=_("Waar komt deze informatie vandaan (eigen waarneming, politiemutatie, melding...)?"),
    )
    desired_response_days = models.PositiveSmallIntegerField(
        _("gewenste reactietermijn"), choices=ResponseTerm.choices, null=True, blank=True
    )
    consent = models.CharField(
        _("weet de betrokkene dat informatie wordt gedeeld?"),
        max_length=20,
        blank=True,
        choices=[
            ("informed", _("Ja, geïnformeerd")),
            ("consent", _("Ja, en stemt in")),
            ("refused", _("Nee, weigert")),
            ("not_asked", _("Niet gevraagd")),
        ],
    )
    consent_note = models.CharField(
        _("toelichting toestemming"),
        max_length=300,
        blank=True,
        help_text=_("Verplicht bij 'niet gevraagd': waarom niet (acuut gevaar, lopend onderzoek...)."),
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    first_contact_due_at = models.DateTimeField(_("eerste contact uiterlijk"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("eerste contact op"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("reactie uiterlijk"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("besluit op"), null=True, blank=True)
    # Retention of a referral that never becomes a case (issue 4, point 6; privacy/retention_*.py).
    # A referral that becomes a case follows the case's `retention_until`.
    retention_until = models.DateField(
        _("bewaren tot"),
        null=True,
        blank=True,
        help_text=_(
            "Alleen bij een aanmelding waarover zonder casus is besloten: besluitdatum plus de bewaartermijn "
            "van het overlegtype."
        ),
    )
    destroyed_at = models.DateTimeField(_("vernietigd op"), null=True, blank=True)
    # Re-entry: a referral for a person of a closed case of the house is linked to that case on
    # submission, so triage sees the earlier episode (as far as the viewer may see it).
    previous_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="re_referrals",
        verbose_name=_("eerdere episode"),
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-submitted_at", "-created_at", "pk"]
        indexes = [
            models.Index(fields=["house", "status"], name="referral_house_status"),
            # The reports count a house's referrals by the moment they fall in (docs/indicators.md;
            # measured in bench/README.md, issue 12).
            models.Index(fields=["house", "submitted_at"], name="referral_house_submitted"),
            models.Index(fields=["house", "outcome_at"], name="referral_house_outcome"),
            models.Index(fields=["house", "first_contact_due_at"], name="referral_house_contact_due"),
        ]

    def __str__(self) -> str:
        return f"Aanmelding {self.pk}"


class CaseParty(VersionedModel):
    """A person in a referral (and the case it becomes) with their role in it."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="parties", verbose_name=_("aanmelding")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties", verbose_name=_("betrokkene"))
    role = models.CharField(_("rol in de casus"), max_length=20, choices=PartyRole.choices)
    note = models.CharField(
        _("toelichting"), max_length=300, blank=True, help_text=_("Bijv. relatie tot de hoofdpersoon.")
    )
    # Whether the referring side typed the person's BSN. A person chosen from the house's
    # registrations on name and birth date may carry a BSN another organisation recorded: the
    # referral then never shows it, not even masked.
    bsn_given = models.BooleanField(_("BSN door de aanmelder ingevuld"), default=False, editable=False)
    # The last check op bekendheid for this party: only yes/no and whom to contact, never the
    # other case's content or id. Kept so the referrer sees it on the referral after reloading.
    known_checked_at = models.DateTimeField(_("check op bekendheid op"), null=True, blank=True)
    known_elsewhere = models.BooleanField(
        _("bekend in een andere actieve casus of aanmelding"),
        null=True,
        blank=True,
        help_text=_("Leeg zolang er geen check op bekendheid is gedaan."),
    )
    known_contact = models.CharField(
        _("contactpersoon bij bekendheid"),
        max_length=300,
        blank=True,
        help_text=_("Wie de aanmelder kan bellen: de procesregisseur van die casus of het bureau van het huis."),
    )

    class Meta:
        verbose_name = _("betrokkene in casus")
        verbose_name_plural = _("betrokkenen in casus")
        ordering = ["referral", "pk"]
        constraints = [models.UniqueConstraint(fields=["referral", "person"], name="case_party_unique_person")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.referral}"


class LifeDomainProblem(TimestampedModel):
    """A problem on one life domain, with where the information comes from."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="problems", verbose_name=_("aanmelding")
    )
    domain = models.CharField(_("leefgebied"), max_length=30, choices=LifeDomain.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("betreft")
    )
    description = models.TextField(_("omschrijving"))
    source = models.CharField(_("bron"), max_length=200, help_text=_("Waar komt deze informatie vandaan?"))

    class Meta:
        verbose_name = _("probleem per leefgebied")
        verbose_name_plural = _("problemen per leefgebied")
        ordering = ["referral", "domain", "pk"]

    def __str__(self) -> str:
        return self.get_domain_display()


class PriorAction(TimestampedModel):
    """What has been done already, locally or elsewhere, and by whom (criterion b)."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="prior_actions", verbose_name=_("aanmelding")
    )
    description = models.TextField(_("wat is gedaan"))
    by_whom = models.CharField(_("door wie"), max_length=200)
    period = models.CharField(_("wanneer"), max_length=100, blank=True)
    result = models.CharField(_("resultaat"), max_length=300, blank=True)
    source = models.CharField(_("bron"), max_length=200)

    class Meta:
        verbose_name = _("eerdere aanpak")
        verbose_name_plural = _("eerdere aanpak")
        ordering = ["referral", "pk"]

    def __str__(self) -> str:
        return self.by_whom


class InformationRequest(TimestampedModel):
    """A process director's question to the referrer, and the referrer's answer, kept on the
    referral."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="information_requests", verbose_name=_("aanmelding")
    )
    question = models.TextField(_("vraag"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gevraagd door")
    )
    answer = models.TextField(_("antwoord"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)

    class Meta:
        verbose_name = _("informatievraag")
        verbose_name_plural = _("informatievragen")
        ordering = ["referral", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Vraag {self.pk}"


class Triage(VersionedModel):
    """The weighing of a referral against one criteria-set version, per criterion, and its
    routing outcome. A referral can be triaged again after more information arrives."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="triages", verbose_name=_("aanmelding")
    )
    criteria_version = models.ForeignKey(
        "meeting_types.CriteriaSetVersion",
        on_delete=models.PROTECT,
        related_name="triages",
        verbose_name=_("criteriaversie"),
    )
    team_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("triageteam")
    )
    outcome = models.CharField(_("uitkomst"), max_length=25, choices=Routing.choices, blank=True)
    outcome_reason = models.TextField(_("toelichting voor de aanmelder"), blank=True)
    urgency_override = models.BooleanField(_("urgentie: aannemen ondanks criteria"), default=False)
    urgency_justification = models.TextField(_("onderbouwing urgentie"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besloten door"),
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    class Meta:
        verbose_name = _("triage")
        verbose_name_plural = _("triages")
        ordering = ["referral", "-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(urgency_override=False) | ~Q(urgency_justification=""),
                name="triage_override_needs_justification",
            ),
        ]

    def __str__(self) -> str:
        return f"Triage {self.pk}"


class CriterionVerdict(models.Model):
    """The verdict on one criterion (leaf) in a triage, with a short reason."""

    triage = models.ForeignKey(Triage, on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("triage"))
    criterion = models.ForeignKey(
        "meeting_types.Criterion", on_delete=models.PROTECT, related_name="+", verbose_name=_("criterium")
    )
    verdict = models.CharField(_("oordeel"), max_length=15, choices=Verdict.choices)
    reason = models.CharField(_("onderbouwing"), max_length=500)

    class Meta:
        verbose_name = _("oordeel per criterium")
        verbose_name_plural = _("oordelen per criterium")
        ordering = ["triage", "criterion__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["triage", "criterion"], name="verdict_unique_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.get_verdict_display()}"


class CloseReason(models.TextChoices):
    """Why the house ends its handling of a case: a fixed list, so outcomes can be counted."""

    GOALS_ACHIEVED = "goals_achieved", _("Doelen bereikt")
    STEPPED_DOWN = "stepped_down", _("Afgeschaald naar lokale zorg")
    COMPULSORY_FRAMEWORK = "compulsory_framework", _("Doorverwezen naar een gedwongen kader")
    CLIENT_REFUSES = "client_refuses", _("Cliënt weigert medewerking")
    MOVED_AWAY = "moved_away", _("Verhuisd buiten de regio")
    OTHER = "other", _("Anders")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Actief")
    CLOSED = "closed", _("Afgesloten")
    DESTROYED = "destroyed", _("Vernietigd")


class CaseQuerySet(models.QuerySet["Case"]):
    def active(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.ACTIVE)

    def visible_to(self, user: AnyUser, at: dt.datetime | None = None) -> CaseQuerySet:
        """Cases the user may see (need-to-know, WGS): every case of their house for its
        process directors and secretaries; otherwise only cases in which one of their
        organisations is involved *now*, or, during a substitution window, an organisation
        of the colleague they stand in for. An organisation that limits its cases to the
        people named (`CaseVisibility.NAMED`) lets only them, its ambassador and their
        substitutes in (`CaseInvolvementQuerySet.admitting`). Board members, administrators
        and privacy officers see no case through this path."""
        from casustafel.organisations.models import CASE_STAFF_ROLES, Membership, Substitution
        from casustafel.organisations.selectors import is_request_now, request_memberships, request_stand_ins

        if not user.is_authenticated:
            return self.none()
        moment = at or timezone.now()
        sight: models.QuerySet[Membership]
        staff_houses: Any
        known = request_memberships(user) if is_request_now(user, at) else None
        if known is not None:
            # In a request, now: the same memberships as the subqueries below, as the request
            # loaded them once, in literal ids. Nesting those subqueries into every query built
            # on this one cost a page more CPU than running it.
            staff_houses = sorted({m.organisation.house_id for m in known if m.role in CASE_STAFF_ROLES})
            stand_ins = {membership for membership, _organisation in request_stand_ins(user)}
            sight = Membership.objects.filter(pk__in=sorted({m.pk for m in known} | stand_ins))
        else:
            active = Membership.objects.active(timezone.localdate(moment)).filter(user=user)
            staff_houses = active.filter(role__in=CASE_STAFF_ROLES).values("organisation__house")
            stood_in_for = Substitution.objects.granting(user, moment).values("absent_membership")
            sight = Membership.objects.filter(Q(pk__in=active.values("pk")) | Q(pk__in=stood_in_for))
        involved = CaseInvolvement.objects.current(moment).admitting(sight)
        # A destroyed case holds no personal data any more; only its destruction record is shown.
        return self.exclude(status=CaseStatus.DESTROYED).filter(
            Q(house__in=staff_houses) | Q(pk__in=involved.values("case"))
        )


def working_for(user: AnyUser, moment: dt.datetime, field: str = "organisation") -> Q:
    """Rows whose `field` is an organisation through which the user works on cases at `moment`:
    their own case-worker memberships and those of the colleagues they stand in for
    (`Substitution.objects.granting`). The meetings' invitations use it; seeing a case itself
    also takes the organisation's named-people rule into account (`Case.objects.visible_to`)."""
    from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Substitution
    from casustafel.organisations.selectors import is_request_now, request_memberships, request_stand_ins

    known = request_memberships(user) if is_request_now(user, moment) else None
    if known is not None:  # as in `CaseQuerySet.visible_to`: the request's memberships, in ids
        organisations = {m.organisation_id for m in known if m.role in CASE_WORKER_ROLES}
        organisations |= {organisation for _membership, organisation in request_stand_ins(user)}
        return Q(**{f"{field}__in": sorted(organisations)})
    own = (
        Membership.objects.active(timezone.localdate(moment))
        .filter(user=user.pk, role__in=CASE_WORKER_ROLES)
        .values("organisation")
    )
    stand_in = Substitution.objects.granting(user, moment).values("absent_membership__organisation")
    return Q(**{f"{field}__in": own}) | Q(**{f"{field}__in": stand_in})


class Case(VersionedModel):
    """A person or household handled by the house (casus), opened when triage accepts a
    referral. Its process director runs the process; meetings and plans attach to it."""

    house = models.ForeignKey(
        "organisations.SafetyHouse",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("Zorg- en Veiligheidshuis"),
    )
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, related_name="case", verbose_name=_("aanmelding")
    )
    meeting_type = models.ForeignKey(
        "meeting_types.MeetingType", on_delete=models.PROTECT, related_name="cases", verbose_name=_("overlegtype")
    )
    process_director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="directed_cases",
        verbose_name=_("procesregisseur"),
    )
    municipality = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("woongemeente"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.ACTIVE, db_index=True
    )
    opened_at = models.DateTimeField(_("geopend op"))
    first_meeting_date = models.DateField(_("eerste overleg"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    close_reason_kind = models.CharField(
        _("reden van afsluiting"), max_length=25, choices=CloseReason.choices, blank=True
    )
    close_reason = models.TextField(_("toelichting op de afsluiting"), blank=True)
    retention_until = models.DateField(
        _("bewaren tot"),
        null=True,
        blank=True,
        help_text=_("Vernietigingsdatum: afsluitdatum plus de bewaartermijn van het overlegtype."),
    )
    destroyed_at = models.DateTimeField(_("vernietigd op"), null=True, blank=True)
    # What puts the case on a meeting's agenda (the meetings issue; the plans issue manages them).
    review_date = models.DateField(
        _("rappeldatum"), null=True, blank=True, help_text=_("Wanneer de casus weer op de agenda komt.")
    )
    closure_proposed_on = models.DateField(_("voorgesteld om af te sluiten op"), null=True, blank=True)
    separate_perpetrator_and_victim = models.BooleanField(
        _("stalking of intieme terreur"),
        default=False,
        help_text=_("Pleger en slachtoffer zitten nooit samen in een overleg(deel)."),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-opened_at", "pk"]
        # The reports count a house's cases opened and closed in a period (bench/README.md, issue 12).
        indexes = [
            models.Index(fields=["house", "opened_at"], name="case_house_opened"),
            models.Index(fields=["house", "closed_at"], name="case_house_closed"),
        ]

    def __str__(self) -> str:
        return f"Casus {self.pk}"


class CaseInvolvementQuerySet(models.QuerySet["CaseInvolvement"]):
    def current(self, at: dt.datetime | None = None) -> CaseInvolvementQuerySet:
        moment = at or timezone.now()
        return self.filter(Q(started_at__lte=moment), Q(ended_at__isnull=True) | Q(ended_at__gt=moment))

    def admitting(self, memberships: models.QuerySet[Any]) -> CaseInvolvementQuerySet:
        """Involvements through which one of `memberships` sees the case: a case-worker
        membership of the involved organisation, and, when that organisation limits its cases
        to the people named (`CaseVisibility.NAMED`), a membership of someone named on the
        involvement or of the organisation's ambassador. Substitutes pass the absent
        colleague's membership (see `Substitution.objects.granting`)."""
        from casustafel.organisations.models import CASE_WORKER_ROLES, CaseVisibility

        candidates = memberships.filter(organisation=OuterRef("organisation"), role__in=CASE_WORKER_ROLES)
        named = CaseInvolvement.named_people.through.objects.filter(caseinvolvement=OuterRef(OuterRef("pk"))).values(
            "user"
        )
        return self.filter(
            Q(Exists(candidates), organisation__case_visibility=CaseVisibility.ALL_CASE_WORKERS)
            | Q(Exists(candidates.filter(Q(is_ambassador=True) | Q(user__in=named))))
        )


class CaseInvolvement(TimestampedModel):
    """An organisation taking part in a case (betrokken organisatie). Its people see the case
    only from `started_at` until `ended_at`: need-to-know is bounded in time, so an
    organisation that has finished its part loses access without anyone deleting anything."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements", verbose_name=_("casus"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="case_involvements",
        verbose_name=_("organisatie"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_involvements",
        verbose_name=_("contactpersoon"),
        help_text=_("De vaste professional van deze organisatie in de casus."),
    )
    named_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="named_case_involvements",
        verbose_name=_("genoemde medewerkers"),
        help_text=_(
            "Wie van de organisatie de casus ziet als de organisatie haar casussen afschermt; de contactpersoon "
            "hoort er altijd bij."
        ),
    )
    reason = models.CharField(
        _("reden van betrokkenheid"),
        max_length=300,
        help_text=_("Waarom deze organisatie moet meekijken, bijv. 'reclasseringstoezicht op vader'."),
    )
    started_at = models.DateTimeField(_("betrokken vanaf"))
    ended_at = models.DateTimeField(_("betrokken tot"), null=True, blank=True)
    end_reason = models.CharField(_("reden einde betrokkenheid"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("toegevoegd door")
    )

    objects = CaseInvolvementQuerySet.as_manager()

    class Meta:
        verbose_name = _("betrokken organisatie")
        verbose_name_plural = _("betrokken organisaties")
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="case_involvement_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=Q(ended_at__isnull=True),
                name="case_involvement_one_open_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in casus {self.case_id}"

    def is_current(self, at: dt.datetime | None = None) -> bool:
        moment = at or timezone.now()
        return self.started_at <= moment and (self.ended_at is None or self.ended_at > moment)


class CaseloadCap(models.Model):
    """The maximum number of active cases the house handles for one municipality (criterion g
    of local handling)."""

    municipality = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="caseload_cap",
        limit_choices_to={"sector": "municipality"},
        verbose_name=_("gemeente"),
    )
    max_active_cases = models.PositiveIntegerField(_("maximaal aantal actieve casussen"))

    class Meta:
        verbose_name = _("caseloadplafond")
        verbose_name_plural = _("caseloadplafonds")
        ordering = ["municipality__name"]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.max_active_cases}"


# --- Information on a case, with provenance (issue 4, points 3 and 4) -----------------------


class FactKind(models.TextChoices):
    FACT = "fact", _("Feit")
    CONCERN = "concern", _("Zorg")


class CaseFact(Provenance, VersionedModel):
    """A statement about a person or the household in the picture of a case (informatie): a
    fact, or a concern, with where it comes from and who may see it (`Provenance`).

    Who sees it is decided in `casustafel.privacy.provenance.access`; it is written only by
    `casustafel.cases.services.information`.
    """

    AUDIT_REDACTED_FIELDS = frozenset({"text", *PROVENANCE_REDACTED_FIELDS})

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="facts", verbose_name=_("casus"))
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_facts",
        verbose_name=_("betreft"),
        help_text=_("Leeg als het over het hele huishouden gaat."),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=FactKind.choices, default=FactKind.FACT)
    text = models.TextField(_("informatie"))

    class Meta:
        verbose_name = _("informatie")
        verbose_name_plural = _("informatie")
        ordering = ["-created_at", "-pk"]
        constraints = provenance_constraints("case_fact")

    def __str__(self) -> str:
        return f"Informatie {self.pk} in casus {self.case_id}"


class Attachment(Provenance, TimestampedModel):
    """A document on a case (bijlage): PDF, DOCX or an image, with its provenance.

    The bytes live under `settings.ATTACHMENT_ROOT`, outside the web root, under a random
    `storage_name` (never the uploaded name); `content_type` comes from the bytes, not from the
    name or the browser. Served only by the permission-checked download view, which audits
    every download; never e-mailed.
    """

    AUDIT_REDACTED_FIELDS = frozenset({"original_filename", "description", *PROVENANCE_REDACTED_FIELDS})

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("casus"))
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("betreft"),
        help_text=_("Leeg als het over het hele huishouden gaat."),
    )
    description = models.CharField(
        _("omschrijving"), max_length=300, blank=True, help_text=_("Bijv. 'Verslag huisbezoek 3 maart'.")
    )
    original_filename = models.CharField(_("bestandsnaam"), max_length=255)
    content_type = models.CharField(_("bestandstype"), max_length=100)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_name = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["-created_at", "-pk"]
        constraints = provenance_constraints("attachment")

    def __str__(self) -> str:
        return f"Bijlage {self.pk} in casus {self.case_id}"
