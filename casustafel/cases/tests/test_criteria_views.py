"""Criteria administration pages: only administrators of the house; readable versions; a
new version through the pages; caseload caps."""

from __future__ import annotations

from django.urls import reverse

import pytest

from casustafel.cases.defaults import DEFAULT_SET_NAME
from casustafel.cases.models import CaseloadCap
from casustafel.cases.selectors.triage import current_version
from casustafel.cases.services.criteria import criteria_set_install_default, criteria_version_draft
from casustafel.meeting_types.models import CriteriaSet, CriteriaSetVersion, Criterion
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

NOBODY_ELSE = {
    "anonymous": 302,
    "process_director": 404,
    "secretary": 404,
    "house_manager": 404,
    "privacy_officer": 404,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
}


def admins(status: int, *, outsider: int = 404) -> dict[str, int]:
    """Administrators of the house get `status`; the administrator of another house gets
    `outsider` (200 on pages about their own house, 404 on objects of this house)."""
    return {**NOBODY_ELSE, "administrator": status, "outsider_house": outsider}


def url(name: str, *args: int) -> str:
    return reverse(f"cases:{name}", args=args)


@pytest.fixture
def criteria_set(personas):
    return criteria_set_install_default(actor=actor_for(personas, "administrator"), house=personas.house)


@pytest.fixture
def draft(personas, criteria_set):
    return criteria_version_draft(actor=actor_for(personas, "administrator"), criteria_set=criteria_set)


def test_matrix_criteria_set_list(personas, criteria_set):
    assert_matrix(personas, "get", url("criteria_set_list"), admins(200, outsider=200))


def test_matrix_new_criteria_set_page(personas):
    assert_matrix(personas, "get", url("criteria_set_create"), admins(200, outsider=200))


def test_matrix_creating_a_criteria_set(personas):
    counter = iter(range(100))
    assert_matrix(
        personas,
        "post",
        url("criteria_set_create"),
        admins(302, outsider=302),
        data=lambda: {"name": f"Criteria Top-X {next(counter)}"},
    )
    assert CriteriaSet.objects.filter(house=personas.house).count() == 1


def test_matrix_installing_the_default_criteria(personas):
    assert_matrix(personas, "post", url("criteria_set_install_default"), admins(302, outsider=302))
    assert CriteriaSet.objects.filter(house=personas.house, name=DEFAULT_SET_NAME).count() == 1


def test_matrix_criteria_set_page(personas, criteria_set):
    assert_matrix(personas, "get", url("criteria_set_detail", criteria_set.pk), admins(200))


def test_matrix_starting_a_new_version(personas, criteria_set):
    assert_matrix(personas, "post", url("criteria_set_edit", criteria_set.pk), admins(302))
    assert criteria_set.versions.count() == 2


def test_matrix_version_page(personas, criteria_set):
    assert_matrix(personas, "get", url("criteria_version_detail", current_version(criteria_set.pk).pk), admins(200))


def test_matrix_version_settings(personas, draft):
    assert_matrix(
        personas,
        "post",
        url("criteria_version_update", draft.pk),
        admins(302),
        data={
            "version-combinator": "all",
            "version-source": "Bron",
            "version-change_note": "Aangepast.",
            "version-version": draft.version,
        },
    )
    draft.refresh_from_db()
    assert draft.change_note == "Aangepast."


def test_matrix_adding_a_criterion(personas, draft):
    counter = iter(range(100))
    assert_matrix(
        personas,
        "post",
        url("criterion_add", draft.pk),
        admins(302),
        data=lambda: {"add-code": f"f{next(counter)}", "add-label": "Nieuw", "add-text": "Nieuw criterium."},
    )
    assert draft.criteria.filter(code__startswith="f").count() == 1


def test_matrix_criterion_page(personas, draft):
    assert_matrix(personas, "get", url("criterion_edit", draft.criteria.get(code="b").pk), admins(200))


def test_matrix_changing_a_criterion(personas, draft):
    criterion = draft.criteria.get(code="c")
    assert_matrix(
        personas,
        "post",
        url("criterion_edit", criterion.pk),
        admins(302),
        data={
            "code": "c",
            "label": "Is er sprake van urgentie?",
            "text": "Er is sprake van urgentie.",
            "position": 3,
            "version": criterion.revision,
        },
    )
    criterion.refresh_from_db()
    assert criterion.label == "Is er sprake van urgentie?"


def test_matrix_removing_a_criterion(personas, draft):
    criterion = draft.criteria.get(code="e")
    data = {"version": criterion.revision}
    assert_matrix(personas, "post", url("criterion_remove", criterion.pk), admins(302), data=data)
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_matrix_publishing_a_version(personas, draft):
    draft.change_note = "Ongewijzigd overgenomen, als proef."
    draft.save()
    assert_matrix(personas, "post", url("criteria_version_publish", draft.pk), admins(302))
    assert current_version(draft.criteria_set_id).pk == draft.pk


def test_matrix_discarding_a_draft(personas, draft):
    assert_matrix(personas, "post", url("criteria_version_discard", draft.pk), admins(302))
    assert not CriteriaSetVersion.objects.filter(pk=draft.pk).exists()


def test_matrix_caseload_caps_page(personas):
    assert_matrix(personas, "get", url("caseload_caps"), admins(200, outsider=200))


def test_matrix_setting_a_caseload_cap(personas):
    municipality = OrganisationFactory(house=personas.house, municipality=True)
    assert_matrix(
        personas,
        "post",
        url("caseload_caps"),
        # The outsider's form only offers their own house's municipalities: 200 with an error.
        admins(302, outsider=200),
        data={"municipality": municipality.pk, "max_active_cases": 4},
    )
    assert CaseloadCap.objects.get(municipality=municipality).max_active_cases == 4


def test_current_version_page_shows_the_tree_with_en_and_of(personas, criteria_set):
    html = personas.client("administrator").get(url("criteria_set_detail", criteria_set.pk)).content.decode()
    assert "Versie 1 (in gebruik)" in html
    assert "OF: één onderdeel is genoeg" in html
    assert "EN: alle onderdelen" in html
    assert "Ernstige lokale of gebiedsgebonden veiligheidsproblematiek" in html


def test_editing_through_the_pages_creates_version_2_and_keeps_version_1_readable(personas, criteria_set):
    client = personas.client("administrator")
    response = client.post(url("criteria_set_edit", criteria_set.pk))
    draft = criteria_set.versions.get(number=2)
    assert response["Location"] == url("criteria_version_detail", draft.pk)
    c = draft.criteria.get(code="c")
    client.post(
        url("criterion_edit", c.pk),
        {
            "code": "c",
            "label": "Is er sprake van urgentie?",
            "text": "Er is sprake van urgentie.",
            "position": 3,
            "version": c.revision,
        },
    )
    response = client.post(url("criteria_version_publish", draft.pk))
    assert "Schrijf bij de toelichting" in client.get(url("criteria_version_detail", draft.pk)).content.decode()
    draft.refresh_from_db()
    client.post(
        url("criteria_version_update", draft.pk),
        {
            "version-combinator": "all",
            "version-source": "",
            "version-change_note": "Actualiteit wordt urgentie.",
            "version-version": draft.version,
        },
    )
    client.post(url("criteria_version_publish", draft.pk))
    assert current_version(criteria_set.pk).number == 2
    v1 = criteria_set.versions.get(number=1)
    html = client.get(url("criteria_version_detail", v1.pk)).content.decode()
    assert "Is er actualiteit?" in html
    assert "Wijzigen" not in html.split('id="heading-criteria"')[1], "a published version has no edit controls"


def test_a_published_criterion_cannot_be_changed_through_the_page(personas, criteria_set):
    criterion = current_version(criteria_set.pk).criteria.get(code="b")
    client = personas.client("administrator")
    assert "kan niet meer worden gewijzigd" in client.get(url("criterion_edit", criterion.pk)).content.decode()
    response = client.post(url("criterion_edit", criterion.pk), {"code": "b", "label": "Anders", "text": "Anders."})
    assert response.status_code == 200
    criterion.refresh_from_db()
    assert criterion.label != "Anders"


def test_adding_a_part_to_a_leaf_shows_the_error_next_to_the_parent(personas, draft):
    response = personas.client("administrator").post(
        url("criterion_add", draft.pk),
        {"add-parent": draft.criteria.get(code="b").pk, "add-code": "b1", "add-label": "x", "add-text": "x"},
    )
    assert response.status_code == 200
    assert "Criterium b heeft geen onderdelen." in response.content.decode()


def test_a_stale_criterion_form_shows_the_conflict_keeps_the_input_and_saves_nothing(personas, draft):
    criterion = draft.criteria.get(code="c")
    client = personas.client("administrator")
    page = client.get(url("criterion_edit", criterion.pk)).content.decode()
    assert f'name="version" value="{criterion.revision}"' in page
    stale = {"code": "c", "label": "Mijn nieuwe omschrijving", "text": "Mijn eigen tekst.", "combinator": ""}
    stale["version"] = str(criterion.revision)
    client.post(url("criterion_edit", criterion.pk), {**stale, "label": "Eerst opgeslagen", "text": "Eerder."})
    criterion.refresh_from_db()
    response = client.post(url("criterion_edit", criterion.pk), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft dit criterium intussen gewijzigd." in html
    assert 'value="Mijn nieuwe omschrijving"' in html
    assert "Mijn eigen tekst." in html
    assert "Eerst opgeslagen" in html, "the newly saved values are shown to compare"
    assert f'name="version" value="{criterion.revision}"' in html, "a second save is based on the new version"
    after = Criterion.objects.get(pk=criterion.pk)
    assert (after.label, after.revision) == ("Eerst opgeslagen", criterion.revision)


def test_a_stale_version_settings_form_shows_the_conflict_keeps_the_input_and_saves_nothing(personas, draft):
    client = personas.client("administrator")
    loaded = str(draft.version)
    base = {"version-combinator": "all", "version-version": loaded}
    client.post(url("criteria_version_update", draft.pk), {**base, "version-change_note": "Eerst opgeslagen."})
    response = client.post(
        url("criteria_version_update", draft.pk), {**base, "version-change_note": "Mijn toelichting."}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft deze versie intussen gewijzigd." in html
    assert "Mijn toelichting." in html
    draft.refresh_from_db()
    assert draft.change_note == "Eerst opgeslagen."
