"""The referral's content on the case page (issue 7, point 3).

The referral stays the referring organisation's own contribution: its referrer and ambassador
keep the referral page for the retention term (`Referral.objects.visible_to`), also after their
organisation's involvement in the case ended. Organisations involved later never get the
referral page; they see its content on the case as items (`CaseFact`) with the referrer's
provenance, so the same visibility rule as for every other item applies (the covenant's sector x
category matrix, `privacy.provenance.access`): the concern and what was done before as
household information, each problem per life domain in the category its domain belongs to
(a crime problem is police and justice information, an addiction care information...).

The items are recorded once, when the case is opened (`case_open`), from the referral as
submitted; an accepted referral no longer changes.
"""

from __future__ import annotations

from django.utils import translation

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.models import Case, CaseFact, FactKind, LifeDomain, Person, Referral
from casustafel.privacy.models import Consent, ConsentException, InformationCategory, LegalBasis
from casustafel.privacy.provenance.checks import ProvenanceData
from casustafel.privacy.subject_access.restrictions import restriction_exempt

Cat = InformationCategory

# The information category a life domain's problems belong to: what decides who sees them.
DOMAIN_CATEGORY: dict[str, str] = {
    LifeDomain.WORK: Cat.HOUSING_FINANCES,
    LifeDomain.DAYTIME: Cat.HOUSING_FINANCES,
    LifeDomain.FINANCES: Cat.HOUSING_FINANCES,
    LifeDomain.HOUSING: Cat.HOUSING_FINANCES,
    LifeDomain.PARENTING: Cat.YOUTH_PROTECTION,
    LifeDomain.SOCIAL_NETWORK: Cat.HOUSEHOLD,
    LifeDomain.RELATIONSHIPS: Cat.HOUSEHOLD,
    LifeDomain.VIOLENCE_TRANSMISSION: Cat.HOUSEHOLD,
    LifeDomain.CRIME: Cat.POLICE_JUSTICE,
    LifeDomain.MENTAL_HEALTH: Cat.CARE,
    LifeDomain.INTELLECTUAL_DISABILITY: Cat.CARE,
    LifeDomain.PHYSICAL_HEALTH: Cat.CARE,
    LifeDomain.ADDICTION: Cat.CARE,
    LifeDomain.EDUCATION: Cat.SCHOOL,
}

FACT_FIELDS = ("case", "person", "kind", "category", "organisation", "added_by", "legal_basis", "consent")


def _consent(referral: Referral) -> dict[str, str]:
    """The referral's consent question in the terms of an item's provenance."""
    if referral.consent == "consent":
        return {"consent": Consent.GIVEN}
    if referral.consent == "refused":
        return {"consent": Consent.REFUSED}
    notes = {
        "informed": "Betrokkene is geïnformeerd (aanmelding).",
        "not_asked": referral.consent_note or "Niet gevraagd (aanmelding).",
    }
    note = notes.get(referral.consent, "Niet vastgelegd in de aanmelding.")
    return {"consent": Consent.NOT_ASKED, "consent_exception": ConsentException.OTHER, "consent_note": note[:300]}


def _provenance(referral: Referral, category: str) -> ProvenanceData:
    # The referral reached the house under the WGS, the statutory basis of the network itself.
    return ProvenanceData(category=category, legal_basis=LegalBasis.WGS, **_consent(referral)).normalised()


# The texts are stored data, in the house's language (Dutch), whatever language the process
# director who opened the case works in.
def _with_source(text: str, source: str) -> str:
    return f"{text}\nBron: {source}" if source.strip() else text


def _items(referral: Referral) -> list[tuple[str, str, str, Person | None]]:
    """(kind, category, text, person) for everything the referral says about the household."""
    items: list[tuple[str, str, str, Person | None]] = []
    if referral.concern.strip():
        items.append((FactKind.CONCERN, Cat.HOUSEHOLD, _with_source(referral.concern, referral.concern_source), None))
    for problem in referral.problems.select_related("person").order_by("pk"):
        with translation.override("nl"):
            domain = str(problem.get_domain_display())
        text = f"{domain}: {problem.description}"
        category = DOMAIN_CATEGORY.get(problem.domain, Cat.HOUSEHOLD)
        items.append((FactKind.CONCERN, category, _with_source(text, problem.source), problem.person))
    for action in referral.prior_actions.order_by("pk"):
        done = f"Eerder gedaan door {action.by_whom}: {action.description}"
        details = [part for part in (action.period, action.result and f"resultaat: {action.result}") if part]
        text = f"{done} ({'; '.join(details)})" if details else done
        items.append((FactKind.FACT, Cat.HOUSEHOLD, _with_source(text, action.source), None))
    return items


@restriction_exempt("shows the referral as submitted on its case; nothing new about a person")
def case_referral_items_record(*, actor: Actor, case: Case) -> list[CaseFact]:
    """Record the referral's content as items of the case, with the referrer's provenance.

    Called by `case_open`, in its transaction. Not a contribution under the covenant's
    contribution rules (the referral already reached the house); who sees each item is decided
    by its category, as for every item.
    """
    referral = case.referral
    facts = []
    for kind, category, text, person in _items(referral):
        fact = CaseFact(
            case=case,
            person=person,
            kind=kind,
            text=text[:5000],
            organisation=referral.referring_organisation,
            added_by=referral.referrer,
            **_provenance(referral, category).as_fields(),
        )
        fact.full_clean()
        fact.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=fact,
            case_id=case.pk,
            person_id=fact.person_id,
            changes={**diff({}, snapshot(fact, FACT_FIELDS)), "from_referral": [None, referral.pk]},
        )
        facts.append(fact)
    return facts
