"""Template tags that show data-subject rights where persons are shown: the 'Verwerking beperkt'
mark (AVG art. 18) and the person's supplementary statements (AVG art. 16).

    {% load privacy_marks %}
    {% restricted_person_ids parties as restricted %}   {# one query for a whole list #}
    {% if party.person_id in restricted %}{% include "privacy/partials/restriction_badge.html" %}{% endif %}
    {% person_privacy_marks person %}                   {# mark and statements for one person #}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from casustafel.privacy.subject_access.restrictions import is_restricted
from casustafel.privacy.subject_access.restrictions import restricted_person_ids as _restricted_person_ids
from casustafel.privacy.subject_access.selectors import person_statements

register = template.Library()


def _person_id(item: Any) -> int | None:
    if isinstance(item, tuple | list):
        item = item[0] if item else None
    if item is None:
        return None
    return getattr(item, "person_id", None) or getattr(item, "pk", None)


@register.simple_tag
def restricted_person_ids(items: Iterable[Any]) -> set[int]:
    """The person ids with an active restriction among parties, (party, ...) tuples or persons."""
    return _restricted_person_ids(_person_id(item) for item in items or [])


@register.inclusion_tag("privacy/partials/person_privacy_marks.html")
def person_privacy_marks(person: Any) -> dict[str, Any]:
    return {"restricted": is_restricted(person.pk), "statements": person_statements(person)}
