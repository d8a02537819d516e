"""Reads for data-subject requests: the privacy officer's requests, and the overview of everything
the house holds about a person (AVG art. 15), with the legal exceptions applied.

The overview is built once (`sar_overview`) and rendered twice: as a page for the privacy officer
and as the PDF for the person. Both show the same document; the page adds, for the officer only,
what is withheld and why.

Who accessed the data is shown per organisation and role, day and action, never per employee:
AVG art. 15 does not give the right to the names of employees who consulted the data (CJEU
C-579/21, 22 June 2023), and the Wabvpz overview (NEN 7513) names the organisation. The
individual stays traceable for the privacy officer in the access log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case as DbCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from casustafel.audit.models import AuditAction
from casustafel.audit.selectors import events_about
from casustafel.cases.models import (
    Attachment,
    Case,
    CaseFact,
    CaseInvolvement,
    CaseParty,
    InformationRequest,
    LifeDomainProblem,
    Person,
    PriorAction,
    Referral,
    Triage,
)
from casustafel.cases.selectors.persons import MATCH_LIMIT, PersonMatch, person_bsn_masked, person_match
from casustafel.lib.bsn import bsn_digest, validate_bsn
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Membership, Organisation, SafetyHouse
from casustafel.privacy.access_log.selectors import role_label
from casustafel.privacy.covenant.selectors import covenant_rules_for, version_in_force
from casustafel.privacy.scope import privacy_officer_house
from casustafel.privacy.subject_access.models import (
    SAR_DECIDED_STATUSES,
    RectificationDecision,
    RectificationNote,
    RestrictionMark,
    SubjectAccessException,
    SubjectAccessRequest,
)

# How the overview names what was done with the person's data (plain Dutch for the person;
# the access log keeps the technical action names).
CITIZEN_ACTION_LABELS: dict[str, Any] = {
    AuditAction.READ: _lazy("bekeken"),
    AuditAction.CREATE: _lazy("gegevens toegevoegd"),
    AuditAction.UPDATE: _lazy("gegevens gewijzigd"),
    AuditAction.DELETE: _lazy("gegevens verwijderd"),
    AuditAction.SEARCH: _lazy("gezocht en gevonden"),
    AuditAction.EXPORT: _lazy("geëxporteerd"),
    AuditAction.PRINT: _lazy("afgedrukt"),
    AuditAction.MERGE: _lazy("dubbele registratie samengevoegd"),
    AuditAction.KNOWN_CHECK: _lazy("nagegaan of u al bekend bent bij het huis"),
}

# --- Access ------------------------------------------------------------------------------------


def sar_house(membership: Membership | None) -> SafetyHouse:
    """The house whose requests the user handles: privacy officers only; 404 for everyone else."""
    return privacy_officer_house(membership)


def sar_requests(house: SafetyHouse) -> QuerySet[SubjectAccessRequest]:
    """The house's requests, open ones first (soonest due first), then decided ones."""
    return (
        SubjectAccessRequest.objects.filter(house=house)
        .select_related("person", "handled_by")
        .annotate(
            decided=DbCase(
                When(status__in=SAR_DECIDED_STATUSES, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            due=Coalesce("extended_due_on", "due_on"),
        )
        .order_by("decided", "due", "-pk")
    )


def open_requests(house: SafetyHouse | int) -> QuerySet[SubjectAccessRequest]:
    """Undecided requests of the house, soonest due first (for the start page: no names)."""
    return (
        SubjectAccessRequest.objects.filter(house=house)
        .open()
        .annotate(due=Coalesce("extended_due_on", "due_on"))
        .order_by("due", "pk")
    )


def get_sar_for_officer(membership: Membership | None, pk: int) -> SubjectAccessRequest:
    """One request of the privacy officer's house; 404 for anyone else and for other houses."""
    house = sar_house(membership)
    return get_object_or_404(
        SubjectAccessRequest.objects.filter(house=house).select_related(
            "house", "person", "person__created_by_organisation", "handled_by", "decided_by"
        ),
        pk=pk,
    )


def get_sar_exception_for_officer(membership: Membership | None, pk: int, exception_pk: int) -> SubjectAccessException:
    request = get_sar_for_officer(membership, pk)
    exception = get_object_or_404(request.exceptions.all(), pk=exception_pk)
    exception.request = request
    return exception


def get_restriction_for_officer(membership: Membership | None, pk: int, mark_pk: int) -> RestrictionMark:
    request = get_sar_for_officer(membership, pk)
    mark = get_object_or_404(RestrictionMark.objects.filter(person=request.person_id), pk=mark_pk)
    mark.person = request.person
    return mark


def request_exceptions(request: SubjectAccessRequest) -> list[SubjectAccessException]:
    return list(
        request.exceptions.select_related("created_by", "lifted_by").prefetch_related("organisations").order_by("pk")
    )


def person_rectification_notes(person: Person | int) -> list[RectificationNote]:
    return list(
        RectificationNote.objects.filter(person=person)
        .select_related("recorded_by", "recorded_by_organisation")
        .order_by("created_at", "pk")
    )


def person_restriction_marks(person: Person | int) -> list[RestrictionMark]:
    return list(
        RestrictionMark.objects.filter(person=person)
        .select_related("created_by", "lifted_by")
        .order_by("-starts_on", "-pk")
    )


def person_statements(person: Person | int) -> list[RectificationNote]:
    """The person's supplementary statements (AVG art. 16), shown wherever the person is shown."""
    return list(
        RectificationNote.objects.filter(person=person, decision=RectificationDecision.NOTE_ADDED).order_by(
            "created_at", "pk"
        )
    )


# --- Finding the person ------------------------------------------------------------------------


def sar_person_candidates(
    house: SafetyHouse,
    *,
    surname: str = "",
    surname_prefix: str = "",
    given_names: str = "",
    date_of_birth: dt.date | None = None,
    bsn: str = "",
) -> tuple[list[PersonMatch], str]:
    """The persons of the house a request may be about: by BSN (its keyed digest), or by
    surname and date of birth. Never by a name alone: there is no free person search.

    Not audited: `subject_access.services.sar_person_search` audits the privacy officer's search; the
    create view calls this only to check that the chosen person was one of the results.

    Returns:
        The matches and which criteria were used ("bsn" or "name_and_date_of_birth").

    Raises:
        ValidationError: per field, in Dutch.
    """
    errors: dict[str, list[str]] = {}
    normalised = ""
    if bsn.strip():
        try:
            normalised = validate_bsn(bsn)
        except ValidationError as exc:
            errors["bsn"] = exc.messages
    elif not surname.strip() or date_of_birth is None:
        message = _("Zoek op BSN, of op achternaam én geboortedatum.")
        if not surname.strip():
            errors["surname"] = [message]
        if date_of_birth is None:
            errors["date_of_birth"] = [message]
    if errors:
        raise ValidationError(errors)
    if normalised:
        # By BSN only: a name typed next to it must not widen the search to namesakes.
        persons = Person.objects.filter(house=house, merged_into__isnull=True, bsn_digest=bsn_digest(normalised))
        return [PersonMatch(person=person, by_bsn=True) for person in persons.order_by("pk")[:MATCH_LIMIT]], "bsn"
    matches = person_match(
        house=house,
        given_names=given_names,
        surname_prefix=surname_prefix,
        surname=surname,
        date_of_birth=date_of_birth,
    )
    return matches, "name_and_date_of_birth"


# --- The overview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Withholding:
    """Why the information of one organisation is withheld. `disclosed` is False when any active
    exception naming it says that even mentioning the withholding would do harm."""

    organisation: Organisation
    grounds: tuple[str, ...]
    disclosed: bool

    @property
    def grounds_text(self) -> str:
        return "; ".join(self.grounds)


@dataclass(frozen=True)
class Entry:
    """One item of the overview with whether (and why) it is withheld."""

    item: Any
    withheld: Withholding | None = None


@dataclass
class ReferralEntry:
    """The person's place in one referral (and the case it became), with everything it holds."""

    party: CaseParty
    referral: Referral
    case: Case | None
    withheld: Withholding | None
    legal_basis_text: str = ""
    retention_text: str = ""
    problems: list[LifeDomainProblem] = field(default_factory=list)
    prior_actions: list[PriorAction] = field(default_factory=list)
    questions: list[InformationRequest] = field(default_factory=list)
    triage: Triage | None = None
    involvements: list[Entry] = field(default_factory=list)
    facts: list[Entry] = field(default_factory=list)
    attachments: list[Entry] = field(default_factory=list)

    @property
    def contributor(self) -> Organisation:
        return self.referral.referring_organisation


@dataclass(frozen=True)
class AccessRow:
    """Accesses of one organisation and role on one day, by action."""

    day: dt.date
    organisation: Organisation | None
    role: str
    action: str
    count: int
    withheld: Withholding | None = None

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation else _("Het systeem (automatische verwerking)")


@dataclass(frozen=True)
class WithheldItem:
    """For the privacy officer: one thing left out of (or replaced in) the person's overview."""

    kind: str
    description: str
    withholding: Withholding


@dataclass
class SarOverview:
    request: SubjectAccessRequest
    person: Person
    bsn_masked: str
    registered_by: Entry
    referrals: list[ReferralEntry]
    contributors: list[Organisation]
    recipients: list[Organisation]
    access_rows: list[AccessRow]
    rectification_notes: list[RectificationNote]
    restriction_marks: list[RestrictionMark]
    purposes: list[str]
    withholdings: list[Withholding]
    withheld_items: list[WithheldItem]

    @property
    def disclosed_withholdings(self) -> list[Withholding]:
        return [withholding for withholding in self.withholdings if withholding.disclosed]

    @property
    def visible_access_rows(self) -> list[AccessRow]:
        return [row for row in self.access_rows if row.withheld is None]


def withholdings_for(request: SubjectAccessRequest) -> dict[int, Withholding]:
    """Per organisation id, why its information is withheld (active exceptions only)."""
    grounds: dict[int, list[str]] = defaultdict(list)
    disclosed: dict[int, bool] = {}
    organisations: dict[int, Organisation] = {}
    for exception in request.exceptions.active().prefetch_related("organisations").order_by("pk"):
        for organisation in exception.organisations.all():
            organisations[organisation.pk] = organisation
            label = str(exception.get_ground_display())
            if label not in grounds[organisation.pk]:
                grounds[organisation.pk].append(label)
            disclosed[organisation.pk] = disclosed.get(organisation.pk, True) and exception.disclosed
    return {
        pk: Withholding(organisation=organisations[pk], grounds=tuple(grounds[pk]), disclosed=disclosed[pk])
        for pk in organisations
    }


def _person_ids(person: Person) -> list[int]:
    """The person and the duplicate registrations merged into them."""
    return [person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)]


def _retention_text(case: Case | None, meeting_type: MeetingType | None, years: int | None) -> str:
    if case is not None and case.retention_until:
        return _("Bewaard tot %(date)s, daarna vernietigd.") % {
            "date": formats.date_format(case.retention_until, "j F Y")
        }
    if years:
        return _("%(years)s jaar na het afsluiten van de casus, daarna vernietigd.") % {"years": years}
    return _("Volgens de bewaartermijn van het huis.")


def _access_rows(
    person_ids: list[int], case_ids: list[int], referral_ids: list[int], withheld: dict[int, Withholding]
) -> list[AccessRow]:
    # Lists and searches that showed the person or a case count too (their linked subjects);
    # refused attempts do not: a refusal is no access to anyone's data.
    grouped = (
        events_about(person_ids=person_ids, case_ids=case_ids, referral_ids=referral_ids)
        .annotate(day=TruncDate("occurred_at"))
        .values("day", "actor_organisation", "actor_role", "action")
        .annotate(count=Count("pk"))
        .order_by("-day", "actor_organisation", "actor_role", "action")
    )
    rows = list(grouped)
    organisations = Organisation.objects.in_bulk(
        {row["actor_organisation"] for row in rows if row["actor_organisation"]}
    )
    actions: dict[str, Any] = {**dict(AuditAction.choices), **CITIZEN_ACTION_LABELS}
    return [
        AccessRow(
            day=row["day"],
            organisation=organisations.get(row["actor_organisation"]),
            role=role_label(row["actor_role"]),
            action=str(actions.get(row["action"], row["action"])),
            count=row["count"],
            withheld=withheld.get(row["actor_organisation"]),
        )
        for row in rows
    ]


def sar_overview(request: SubjectAccessRequest) -> SarOverview:
    """Everything the house holds about the request's person, in a fixed number of queries
    (plus one covenant look-up per meeting type involved).

    Items contributed by an organisation named in an active exception are marked withheld;
    so are that organisation's involvement in a case and its accesses (they would reveal, say,
    a running investigation).
    """
    person = request.person
    house = request.house
    withheld = withholdings_for(request)
    person_ids = _person_ids(person)
    parties = list(
        CaseParty.objects.filter(person__in=person_ids)
        .select_related("referral__referring_organisation", "referral__meeting_type", "referral__house")
        .order_by("referral__created_at", "pk")
    )
    referral_ids = [party.referral_id for party in parties]
    cases = {
        case.referral_id: case for case in Case.objects.filter(referral__in=referral_ids).select_related("meeting_type")
    }
    case_ids = [case.pk for case in cases.values()]
    concerns_person = Q(person__in=person_ids) | Q(person__isnull=True)
    problems = LifeDomainProblem.objects.filter(concerns_person, referral__in=referral_ids).select_related("person")
    prior_actions = PriorAction.objects.filter(referral__in=referral_ids).order_by("pk")
    questions = InformationRequest.objects.filter(referral__in=referral_ids).order_by("created_at", "pk")
    triages = Triage.objects.filter(referral__in=referral_ids, decided_at__isnull=False).order_by("-decided_at")
    involvements = (
        CaseInvolvement.objects.filter(case__in=case_ids).select_related("organisation").order_by("started_at")
    )
    facts = CaseFact.objects.filter(concerns_person, case__in=case_ids).select_related("organisation", "person")
    attachments = Attachment.objects.filter(concerns_person, case__in=case_ids).select_related("organisation", "person")

    entries: dict[int, ReferralEntry] = {}
    withheld_items: list[WithheldItem] = []
    rules_cache: dict[int, Any] = {}
    for party in parties:
        referral = party.referral
        case = cases.get(referral.pk)
        meeting_type = case.meeting_type if case else referral.meeting_type
        rules = None
        if meeting_type is not None:
            if meeting_type.pk not in rules_cache:
                rules_cache[meeting_type.pk] = covenant_rules_for(house, meeting_type)
            rules = rules_cache[meeting_type.pk]
        entry = ReferralEntry(
            party=party,
            referral=referral,
            case=case,
            withheld=withheld.get(referral.referring_organisation_id),
            legal_basis_text=rules.legal_basis_text if rules is not None and rules.covered else "",
            retention_text=_retention_text(
                case,
                meeting_type,
                (rules.retention_years if rules is not None and rules.retention_years else None)
                or (meeting_type.retention_years if meeting_type is not None else None),
            ),
        )
        entries[referral.pk] = entry
        if entry.withheld:
            withheld_items.append(
                WithheldItem(
                    kind=_("Aanmelding"),
                    description=_("Aanmelding %(pk)s, met alles wat erbij hoort") % {"pk": referral.pk},
                    withholding=entry.withheld,
                )
            )
    for problem in problems:
        entries[problem.referral_id].problems.append(problem)
    for action in prior_actions:
        entries[action.referral_id].prior_actions.append(action)
    for question in questions:
        entries[question.referral_id].questions.append(question)
    for triage in triages:
        if entries[triage.referral_id].triage is None:
            entries[triage.referral_id].triage = triage
    by_case = {case.pk: entries[referral_id] for referral_id, case in cases.items()}
    for involvement in involvements:
        hold = withheld.get(involvement.organisation_id)
        by_case[involvement.case_id].involvements.append(Entry(item=involvement, withheld=hold))
        if hold and not by_case[involvement.case_id].withheld:
            withheld_items.append(
                WithheldItem(
                    kind=_("Betrokkenheid"),
                    description=_("%(org)s is betrokken bij casus %(case)s")
                    % {"org": involvement.organisation.name, "case": involvement.case_id},
                    withholding=hold,
                )
            )
    for kind, items, target in ((_("Informatie"), facts, "facts"), (_("Bijlage"), attachments, "attachments")):
        for item in items:
            hold = withheld.get(item.organisation_id)
            getattr(by_case[item.case_id], target).append(Entry(item=item, withheld=hold))
            if hold and not by_case[item.case_id].withheld:
                withheld_items.append(
                    WithheldItem(
                        kind=kind,
                        description=_("%(kind)s %(pk)s in casus %(case)s")
                        % {"kind": kind, "pk": item.pk, "case": item.case_id},
                        withholding=hold,
                    )
                )

    registered_hold = withheld.get(person.created_by_organisation_id)
    if registered_hold:
        withheld_items.append(
            WithheldItem(
                kind=_("Registratie"),
                description=_("Welke organisatie de persoon registreerde"),
                withholding=registered_hold,
            )
        )
    access_rows = _access_rows(person_ids, case_ids, referral_ids, withheld)
    hidden_access = sum(row.count for row in access_rows if row.withheld)
    if hidden_access:
        for hold in withheld.values():
            count = sum(row.count for row in access_rows if row.withheld == hold)
            if count:
                withheld_items.append(
                    WithheldItem(
                        kind=_("Toegang"),
                        description=_("%(count)s keer toegang door %(org)s")
                        % {"count": count, "org": hold.organisation.name},
                        withholding=hold,
                    )
                )

    contributors: dict[int, Organisation] = {}
    if person.created_by_organisation_id not in withheld:
        contributors[person.created_by_organisation_id] = person.created_by_organisation
    for entry in entries.values():
        if entry.withheld:
            continue
        contributors.setdefault(entry.contributor.pk, entry.contributor)
        for item_entry in (*entry.facts, *entry.attachments):
            if not item_entry.withheld:
                contributors.setdefault(item_entry.item.organisation_id, item_entry.item.organisation)
    recipients: dict[int, Organisation] = {}
    for entry in entries.values():
        if entry.withheld:
            continue
        for involvement_entry in entry.involvements:
            if not involvement_entry.withheld:
                organisation = involvement_entry.item.organisation
                recipients.setdefault(organisation.pk, organisation)

    in_force = version_in_force(house)
    return SarOverview(
        request=request,
        person=person,
        bsn_masked=person_bsn_masked(person),
        registered_by=Entry(item=person.created_by_organisation, withheld=registered_hold),
        referrals=list(entries.values()),
        contributors=sorted(contributors.values(), key=lambda organisation: organisation.name),
        recipients=sorted(recipients.values(), key=lambda organisation: organisation.name),
        access_rows=access_rows,
        rectification_notes=person_rectification_notes(person),
        restriction_marks=person_restriction_marks(person),
        purposes=in_force.purpose_list if in_force else [],
        withholdings=sorted(withheld.values(), key=lambda withholding: withholding.organisation.name),
        withheld_items=withheld_items,
    )
