"""Reads of the covenant: who may read and edit it, the version in force, the rules per meeting
type (`covenant_rules_for`, which provenance and item access are checked against) and the chair's
privacy reminder. Every page is scoped to the house of the membership the user acts for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import (
    HOUSE_STAFF_ROLES,
    Membership,
    Organisation,
    Role,
    SafetyHouse,
    Sector,
)
from casustafel.privacy.covenant.models import (
    CovenantMeetingRule,
    CovenantVersion,
    InformationCategory,
    Visibility,
)
from casustafel.privacy.scope import member_house

COVENANT_READER_ROLES = frozenset({*HOUSE_STAFF_ROLES, Role.ADMINISTRATOR, Role.PRIVACY_OFFICER})


def covenant_reader_house(membership: Membership | None) -> SafetyHouse:
    """The house whose covenant page the user may read: house staff, administrators and privacy
    officers of the house. Anyone else gets a 404 (the PDF is open to every member)."""
    if membership is None or membership.role not in COVENANT_READER_ROLES:
        raise Http404
    return membership.organisation.house


def covenant_admin_house(membership: Membership | None) -> SafetyHouse:
    """The house an administrator edits the covenant of; 404 for every other role."""
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise Http404
    return membership.organisation.house


# --- Covenant -----------------------------------------------------------------------------


def published_versions(house: SafetyHouse | int) -> QuerySet[CovenantVersion]:
    return CovenantVersion.objects.filter(covenant__house=house, published_at__isnull=False)


def version_in_force(house: SafetyHouse | int, *, on: dt.date | None = None) -> CovenantVersion | None:
    """The published version in force on `on` (today by default): the one with the latest
    `effective_from` on or before that day (the higher number wins a tie)."""
    day = on or timezone.localdate()
    return (
        published_versions(house)
        .filter(effective_from__lte=day)
        .select_related("covenant", "published_by")
        .order_by("-effective_from", "-number")
        .first()
    )


def upcoming_version(house: SafetyHouse | int, *, on: dt.date | None = None) -> CovenantVersion | None:
    """A published version that takes effect after `on`, if any (the soonest)."""
    day = on or timezone.localdate()
    return published_versions(house).filter(effective_from__gt=day).order_by("effective_from", "number").first()


def draft_of(house: SafetyHouse | int) -> CovenantVersion | None:
    return CovenantVersion.objects.filter(covenant__house=house, published_at__isnull=True).first()


def versions_of(house: SafetyHouse | int, *, include_draft: bool) -> QuerySet[CovenantVersion]:
    versions = CovenantVersion.objects.filter(covenant__house=house).select_related("published_by")
    if not include_draft:
        versions = versions.filter(published_at__isnull=False)
    return versions.order_by("-number")


def get_covenant_version_for_user(membership: Membership | None, pk: int) -> CovenantVersion:
    """A version of the acting house's covenant: published versions for every covenant reader,
    the draft for administrators only. 404 otherwise."""
    house = covenant_reader_house(membership)
    include_draft = membership is not None and membership.role == Role.ADMINISTRATOR
    return get_object_or_404(versions_of(house, include_draft=include_draft).select_related("covenant"), pk=pk)


def get_covenant_version_for_member(membership: Membership | None, pk: int) -> CovenantVersion:
    """A published version for any member of the house (the PDF), or the draft for its
    administrators. 404 otherwise."""
    house = member_house(membership)
    include_draft = membership is not None and membership.role == Role.ADMINISTRATOR
    return get_object_or_404(versions_of(house, include_draft=include_draft).select_related("covenant"), pk=pk)


def get_covenant_version_for_admin(membership: Membership | None, pk: int) -> CovenantVersion:
    """Any version of the acting administrator's house (the edit views refuse published ones);
    404 for everyone else."""
    house = covenant_admin_house(membership)
    return get_object_or_404(CovenantVersion.objects.filter(covenant__house=house).select_related("covenant"), pk=pk)


def get_meeting_rule_for_admin(membership: Membership | None, pk: int) -> CovenantMeetingRule:
    house = covenant_admin_house(membership)
    return get_object_or_404(
        CovenantMeetingRule.objects.filter(covenant_version__covenant__house=house).select_related(
            "covenant_version__covenant", "meeting_type"
        ),
        pk=pk,
    )


def get_meeting_type_for_member(membership: Membership | None, pk: int) -> MeetingType:
    """A meeting type of the acting house (for the privacy reminder); 404 for other houses."""
    house = member_house(membership)
    return get_object_or_404(MeetingType.objects.filter(house=house), pk=pk)


def meeting_types_without_rule(version: CovenantVersion) -> QuerySet[MeetingType]:
    return (
        MeetingType.objects.filter(house=version.covenant.house_id)
        .exclude(covenant_rules__covenant_version=version)
        .order_by("name")
    )


@dataclass(frozen=True)
class MatrixCell:
    sector: str
    sector_label: str
    may_contribute: bool
    visibility: str
    visibility_label: str


@dataclass(frozen=True)
class MatrixRow:
    category: str
    label: str
    cells: list[MatrixCell]


@dataclass(frozen=True)
class MeetingRuleView:
    rule: CovenantMeetingRule
    rows: list[MatrixRow]


@dataclass(frozen=True)
class OrganisationParticipation:
    organisation: Organisation
    participates: bool


@dataclass(frozen=True)
class CovenantDocument:
    """Everything the covenant page and its PDF show of one version, read in a fixed number of
    queries."""

    version: CovenantVersion
    house: SafetyHouse
    organisations: list[OrganisationParticipation]
    meeting_rules: list[MeetingRuleView]
    uncovered_meeting_types: list[MeetingType]

    @property
    def participants(self) -> list[Organisation]:
        return [row.organisation for row in self.organisations if row.participates]

    @property
    def non_participants(self) -> list[Organisation]:
        return [row.organisation for row in self.organisations if not row.participates and row.organisation.is_active]


def sector_columns() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Sector.choices]


def _matrix(rule: CovenantMeetingRule) -> list[MatrixRow]:
    cells = {(cell.sector, cell.category): cell for cell in rule.category_rules.all()}
    rows = []
    for category, category_label in InformationCategory.choices:
        row_cells = []
        for sector, sector_label in Sector.choices:
            cell = cells.get((sector, category))
            visibility = cell.visibility if cell else Visibility.NONE
            row_cells.append(
                MatrixCell(
                    sector=sector,
                    sector_label=str(sector_label),
                    may_contribute=bool(cell and cell.may_contribute),
                    visibility=visibility,
                    visibility_label=str(Visibility(visibility).label),
                )
            )
        rows.append(MatrixRow(category=category, label=str(category_label), cells=row_cells))
    return rows


def covenant_document(version: CovenantVersion) -> CovenantDocument:
    """The covenant version with its participants, the house's organisations that do not take
    part (flagged on the page), the rules per meeting type and the active meeting types the
    version does not cover."""
    house = version.covenant.house
    participant_ids = set(version.participants.values_list("organisation_id", flat=True))
    organisations = [
        OrganisationParticipation(organisation=organisation, participates=organisation.pk in participant_ids)
        for organisation in Organisation.objects.filter(house=house).order_by("name")
        if organisation.is_active or organisation.pk in participant_ids
    ]
    rules = list(
        version.meeting_rules.select_related("meeting_type")
        .prefetch_related("category_rules")
        .order_by("meeting_type__name")
    )
    covered = {rule.meeting_type_id for rule in rules}
    uncovered = [mt for mt in MeetingType.objects.filter(house=house).active().order_by("name") if mt.pk not in covered]
    return CovenantDocument(
        version=version,
        house=house,
        organisations=organisations,
        meeting_rules=[MeetingRuleView(rule=rule, rows=_matrix(rule)) for rule in rules],
        uncovered_meeting_types=uncovered,
    )


@dataclass(frozen=True)
class SectorRules:
    """What one sector may do under a meeting type's rules."""

    sector: str
    contributes: frozenset[str]
    visibility: Mapping[str, str]

    @property
    def label(self) -> str:
        return str(Sector(self.sector).label)

    def categories_contributed(self) -> list[str]:
        return [str(label) for value, label in InformationCategory.choices if value in self.contributes]

    def categories_seen(self, level: str) -> list[str]:
        return [str(label) for value, label in InformationCategory.choices if self.visibility.get(value) == level]

    @property
    def contributed_labels(self) -> list[str]:
        return self.categories_contributed()

    @property
    def full_labels(self) -> list[str]:
        return self.categories_seen(Visibility.FULL)

    @property
    def known_only_labels(self) -> list[str]:
        return self.categories_seen(Visibility.KNOWN_ONLY)


@dataclass(frozen=True)
class CovenantRules:
    """The covenant's rules for one meeting type, as in force on a day.

    Deny by default: without a published version in force, or without agreements for the
    meeting type, nobody may contribute or see anything (`covered` is False). Organisations that
    are not participants of the version get nothing either, whatever their sector.
    """

    house_id: int
    meeting_type_id: int
    version_id: int | None = None
    version_number: int | None = None
    effective_from: dt.date | None = None
    legal_basis: str = ""
    legal_basis_text: str = ""
    retention_years: int | None = None
    participant_ids: frozenset[int] = frozenset()
    sectors: Mapping[str, SectorRules] = field(default_factory=dict)

    @property
    def covered(self) -> bool:
        return self.version_id is not None and bool(self.legal_basis)

    def may_contribute(self, sector: str, category: str) -> bool:
        rules = self.sectors.get(sector)
        return bool(rules and category in rules.contributes)

    def visibility(self, sector: str, category: str) -> str:
        rules = self.sectors.get(sector)
        return rules.visibility.get(category, Visibility.NONE) if rules else Visibility.NONE

    def is_participant(self, organisation: Organisation) -> bool:
        return organisation.pk in self.participant_ids

    def organisation_may_contribute(self, organisation: Organisation, category: str) -> bool:
        return self.is_participant(organisation) and self.may_contribute(organisation.sector, category)

    def organisation_visibility(self, organisation: Organisation, category: str) -> str:
        if not self.is_participant(organisation):
            return Visibility.NONE
        return self.visibility(organisation.sector, category)

    def sector_list(self) -> list[SectorRules]:
        return [self.sectors[sector] for sector in Sector.values if sector in self.sectors]


def covenant_rules_for(
    house: SafetyHouse | int, meeting_type: MeetingType | int, *, on: dt.date | None = None
) -> CovenantRules:
    """The covenant's rules for a meeting type on a day (today by default): the legal basis, the
    retention term, the participants and per sector which information categories it may
    contribute and at what level it sees them.

    Args:
        house: the house (or its id) whose covenant applies.
        meeting_type: the meeting type (or its id).
        on: the day the rules must be in force on (for judging past events).

    Returns:
        A `CovenantRules`; `covered` is False (and everything is denied) when no published
        version is in force or it has no agreements for the meeting type.
    """
    house_id = house if isinstance(house, int) else house.pk
    meeting_type_id = meeting_type if isinstance(meeting_type, int) else meeting_type.pk
    version = version_in_force(house_id, on=on)
    if version is None:
        return CovenantRules(house_id=house_id, meeting_type_id=meeting_type_id)
    participant_ids = frozenset(version.participants.values_list("organisation_id", flat=True))
    rule = version.meeting_rules.filter(meeting_type_id=meeting_type_id).prefetch_related("category_rules").first()
    if rule is None:
        return CovenantRules(
            house_id=house_id,
            meeting_type_id=meeting_type_id,
            version_id=version.pk,
            version_number=version.number,
            effective_from=version.effective_from,
            participant_ids=participant_ids,
        )
    contributes: dict[str, set[str]] = {sector: set() for sector in Sector.values}
    visibility: dict[str, dict[str, str]] = {sector: {} for sector in Sector.values}
    for cell in rule.category_rules.all():
        if cell.may_contribute:
            contributes[cell.sector].add(cell.category)
        visibility[cell.sector][cell.category] = cell.visibility
    return CovenantRules(
        house_id=house_id,
        meeting_type_id=meeting_type_id,
        version_id=version.pk,
        version_number=version.number,
        effective_from=version.effective_from,
        legal_basis=rule.legal_basis,
        legal_basis_text=rule.legal_basis_text,
        retention_years=rule.retention_years,
        participant_ids=participant_ids,
        sectors={
            sector: SectorRules(
                sector=sector, contributes=frozenset(contributes[sector]), visibility=visibility[sector]
            )
            for sector in Sector.values
        },
    )


@dataclass(frozen=True)
class MeetingReminder:
    """What the chair shows at the start of a meeting: the meeting type's privacy reminder and
    what the covenant in force says for it."""

    meeting_type: MeetingType
    rules: CovenantRules


def meeting_reminder_for(meeting_type: MeetingType, *, on: dt.date | None = None) -> MeetingReminder:
    """The privacy reminder of a meeting type with the covenant's rules in force on `on`."""
    return MeetingReminder(
        meeting_type=meeting_type, rules=covenant_rules_for(meeting_type.house_id, meeting_type, on=on)
    )
