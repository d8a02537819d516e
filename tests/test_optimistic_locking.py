"""Optimistic locking cannot be skipped (issue 7, point 10): an edit posted without its version is
refused, removing a criterion carries its revision, and permission is checked before the version
(a stale page on a forbidden action is a 403, not a conflict)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest

from casustafel.cases.models import CaseFact
from casustafel.cases.services.criteria import criteria_set_install_default, criteria_version_draft, criterion_remove
from casustafel.cases.services.information import case_fact_withdraw
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import VersionedForm
from casustafel.meeting_types.models import Criterion, MeetingType
from casustafel.privacy.covenant.selectors import draft_of
from casustafel.privacy.models import CovenantVersion
from casustafel.testing.cases import MeetingTypeFactory, PersonFactory
from casustafel.testing.information import CaseFactFactory, case_with
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import ensure_draft
from casustafel.testing.referrals import actor_for

MISSING = "Dit formulier mist de versie waarmee het werd geladen"


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def _import_every_forms_module() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("casustafel."):
            continue
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
                importlib.import_module(module.name)


def test_every_versioned_form_refuses_a_post_without_its_version() -> None:
    _import_every_forms_module()
    forms = _all_subclasses(VersionedForm)
    assert len(forms) >= 15, "the walk found the project's versioned forms"
    for form_class in forms:
        # None may quietly switch the check off again (a form for something new drops the
        # field altogether: `new=True`, or `version = None` as CriterionAddForm does).
        assert form_class.clean_version is VersionedForm.clean_version, form_class
        field = form_class.base_fields.get("version")
        assert field is None or field is VersionedForm.base_fields["version"], form_class
    form = VersionedForm({})
    assert not form.is_valid()
    assert MISSING in " ".join(form.non_field_errors())
    assert VersionedForm({"version": "3"}).is_valid()


@pytest.mark.django_db
def test_an_edit_without_its_version_saves_nothing_and_says_why(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, name="Casus-op-Maat")
    client = personas.client("administrator")
    url = reverse("meetings:meeting_type_edit", args=[meeting_type.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "version"}
    data["name"] = "Ander overleg"
    response = client.post(url, data)
    assert response.status_code == 200
    assert MISSING in response.content.decode()
    assert 'value="Ander overleg"' in response.content.decode()  # the input is kept
    assert MeetingType.objects.get(pk=meeting_type.pk).name == "Casus-op-Maat"


@pytest.mark.django_db
def test_removing_a_criterion_carries_its_revision(personas: Personas) -> None:
    admin = actor_for(personas, "administrator")
    draft = criteria_version_draft(
        actor=admin, criteria_set=criteria_set_install_default(actor=admin, house=personas.house)
    )
    criterion = draft.criteria.get(code="e")
    with pytest.raises(ConflictError):
        criterion_remove(actor=admin, criterion=criterion, expected_version=criterion.revision - 1)
    url = reverse("cases:criterion_remove", args=[criterion.pk])
    client = personas.client("administrator")
    response = client.post(url, follow=True)  # no revision at all
    assert MISSING in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    client.post(url, {"version": criterion.revision})
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


@pytest.mark.django_db
def test_publishing_a_covenant_without_its_version_is_refused(personas: Personas) -> None:
    draft = ensure_draft(personas.house, participants=[personas.org_a], meeting_types=[])
    url = reverse("privacy:covenant_version_publish", args=[draft.pk])
    response = personas.client("administrator").post(url, follow=True)
    assert MISSING in response.content.decode()
    assert CovenantVersion.objects.get(pk=draft.pk).is_draft
    assert draft_of(personas.house) == draft


@pytest.mark.django_db
def test_merging_without_the_versions_is_refused(personas: Personas) -> None:
    keep = PersonFactory(house=personas.house, given_names="Anna")
    duplicate = PersonFactory(house=personas.house, given_names="Anne")
    response = personas.client("administrator").post(
        reverse("cases:person_merge"), {"keep": keep.pk, "duplicate": duplicate.pk}
    )
    assert response.status_code == 200
    assert MISSING in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.django_db
def test_a_stale_version_on_a_forbidden_withdrawal_is_a_403_not_a_conflict(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house)
    case = case_with(personas.house, meeting_type=meeting_type, referring_organisation=personas.org_a)
    fact: Any = CaseFactFactory(case=case, organisation=personas.org_a, added_by=personas.professional_a)
    with pytest.raises(PermissionDenied):
        case_fact_withdraw(actor=actor_for(personas, "process_director"), fact=fact, expected_version=fact.version - 1)
    response = personas.client("process_director").post(
        reverse("cases:case_fact_withdraw", args=[case.pk, fact.pk]), {"version": fact.version - 1}
    )
    assert response.status_code == 403
    assert CaseFact.objects.get(pk=fact.pk).withdrawn_at is None
